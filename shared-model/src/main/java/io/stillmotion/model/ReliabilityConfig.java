package io.stillmotion.model;

/**
 * How hard the system tries before giving up on a task, and how fast it notices a dead worker.
 *
 * @param maxAttempts        render attempts per task before FAILED (transient failures only)
 * @param heartbeatTimeoutMs a PROCESSING task whose heartbeat is older than this is reclaimed
 * @param shutdownGraceMs    how long a stopping worker may finish its current task before releasing it
 */
public record ReliabilityConfig(int maxAttempts, long heartbeatTimeoutMs, long shutdownGraceMs) {

  static ReliabilityConfig from(EnvReader r) {
    return new ReliabilityConfig(
        r.integer("TASK_MAX_ATTEMPTS", 3, 1, 100),
        r.longValue("HEARTBEAT_TIMEOUT_MS", 30_000, 1_000, 86_400_000),
        r.longValue("SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000));
  }
}
