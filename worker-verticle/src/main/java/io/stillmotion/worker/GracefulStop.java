package io.stillmotion.worker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * How a stopping worker parts with its tasks: renders in progress get {@code SHUTDOWN_GRACE_MS} to
 * finish and be stored; whatever is still running then is released (back to PENDING, message
 * requeued) and given a few seconds to hand back. A task that does not even manage that keeps its
 * PROCESSING state and is reclaimed by the stale-task sweeper once its heartbeat is old.
 */
final class GracefulStop {

  private static final long POLL_MS = 100;
  private static final long RELEASE_WAIT_MS = 10_000;

  private GracefulStop() {
  }

  static Future<Void> finishOrRelease(Vertx vertx, Map<String, ActiveTask> active, long graceMs) {
    return idle(vertx, active, System.currentTimeMillis() + graceMs)
        .compose(v -> {
          active.values().forEach(ActiveTask::release);
          return idle(vertx, active, System.currentTimeMillis() + RELEASE_WAIT_MS);
        });
  }

  private static Future<Void> idle(Vertx vertx, Map<String, ActiveTask> active, long deadline) {
    if (active.isEmpty() || System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(POLL_MS, id -> idle(vertx, active, deadline).onComplete(later));
    return later.future();
  }
}
