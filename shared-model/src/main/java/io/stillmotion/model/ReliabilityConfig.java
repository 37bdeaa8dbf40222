package io.stillmotion.model;

/**
 * How hard the system tries before giving up on a task, how fast it notices a dead worker, and how
 * it waits between attempts.
 *
 * @param maxAttempts        render attempts per task before FAILED (transient failures only)
 * @param heartbeatTimeoutMs a PROCESSING task whose heartbeat is older than this is reclaimed
 * @param shutdownGraceMs    how long a stopping worker may finish its current task before releasing it
 * @param retryBaseDelayMs   wait before the second attempt; doubled for each attempt after that
 * @param retryMaxDelayMs    the longest wait between two attempts, whatever their number
 * @param requeueAfterMs     a PENDING task whose message has been on the queue this long, while the
 *                           queue is not empty, is published again (its message is taken as lost)
 */
public record ReliabilityConfig(int maxAttempts, long heartbeatTimeoutMs, long shutdownGraceMs,
    long retryBaseDelayMs, long retryMaxDelayMs, long requeueAfterMs) {

  public static final long DEFAULT_RETRY_BASE_DELAY_MS = 2_000;
  public static final long DEFAULT_RETRY_MAX_DELAY_MS = 300_000;
  public static final long DEFAULT_REQUEUE_AFTER_MS = 600_000;

  /** The retry and re-queue timings at their defaults. */
  public ReliabilityConfig(int maxAttempts, long heartbeatTimeoutMs, long shutdownGraceMs) {
    this(maxAttempts, heartbeatTimeoutMs, shutdownGraceMs, DEFAULT_RETRY_BASE_DELAY_MS, DEFAULT_RETRY_MAX_DELAY_MS,
        DEFAULT_REQUEUE_AFTER_MS);
  }

  static ReliabilityConfig from(EnvReader r) {
    return new ReliabilityConfig(
        r.integer("TASK_MAX_ATTEMPTS", 3, 1, 100),
        r.longValue("HEARTBEAT_TIMEOUT_MS", 30_000, 1_000, 86_400_000),
        r.longValue("SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000),
        r.longValue("RETRY_BASE_DELAY_MS", DEFAULT_RETRY_BASE_DELAY_MS, 0, 3_600_000),
        r.longValue("RETRY_MAX_DELAY_MS", DEFAULT_RETRY_MAX_DELAY_MS, 0, 86_400_000),
        r.longValue("REQUEUE_AFTER_MS", DEFAULT_REQUEUE_AFTER_MS, 1_000, 86_400_000));
  }

  /**
   * The wait before the attempt after {@code attemptsSoFar}: base, 2 x base, 4 x base ... capped at
   * the maximum (and never an overflow, however many attempts are allowed).
   */
  public long retryDelayMs(int attemptsSoFar) {
    int doublings = Math.max(0, Math.min(40, attemptsSoFar - 1));
    long delay = retryBaseDelayMs * (1L << doublings);
    return delay < 0 || delay > retryMaxDelayMs ? retryMaxDelayMs : delay;
  }
}
