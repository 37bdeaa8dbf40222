package io.stillmotion.gateway;

import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Refuses new tasks with 503 + {@code Retry-After} while {@code MAX_QUEUED_TASKS} or more are
 * PENDING, so a flood turns into fast refusals instead of a queue nobody will live to see drained.
 * The count is shared by all gateways (it is read from MongoDB) and cached for a second, so a
 * burst of uploads costs one count query, not one each. An unreachable database fails the request
 * with the database's own error, which the failure handler answers with 503. Runs before the body
 * handler (a platform handler), so a refused upload is never read.
 */
final class Backpressure implements PlatformHandler {

  private static final long CACHE_MS = 1_000;

  private final TaskStore tasks;
  private final int maxQueued;
  private Future<Long> pending;
  private long countedAt;

  Backpressure(TaskStore tasks, int maxQueued) {
    this.tasks = tasks;
    this.maxQueued = maxQueued;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // The body handler after this resumes the request; until then no byte of the upload may be lost.
    ctx.request().pause();
    pendingCount().onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else if (r.result() >= maxQueued) {
        ctx.fail(new ApiException(503, "queue_full",
            "Too many tasks are waiting to be rendered right now; please retry in a little while."));
      } else {
        ctx.next();
      }
    });
  }

  /** Event-loop only (one gateway verticle instance). */
  private Future<Long> pendingCount() {
    long now = System.currentTimeMillis();
    if (pending == null || now - countedAt > CACHE_MS || pending.failed()) {
      countedAt = now;
      pending = tasks.pendingCount();
    }
    return pending;
  }
}
