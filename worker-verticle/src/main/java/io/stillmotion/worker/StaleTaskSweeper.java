package io.stillmotion.worker;

import io.stillmotion.model.Names;
import io.stillmotion.model.ReliabilityConfig;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds tasks that nobody is working on any more and puts them back in line. Runs in every worker,
 * but a {@link MongoLease} lets only one of them sweep at a time.
 *
 * <ul>
 *   <li>PROCESSING with a heartbeat older than {@code HEARTBEAT_TIMEOUT_MS}: its worker died (kill -9,
 *       lost host, partition). Back to PENDING and published again; FAILED instead when it has used
 *       all its attempts, since a task that kills its worker every time must not loop.</li>
 *   <li>PENDING, published, untouched for twice the heartbeat timeout while the work queue is empty:
 *       its message was lost (a broker without persistence restarted, a queue was purged). Published
 *       again, at most once per such period. Redundant messages are harmless, the claim is a
 *       compare-and-set.</li>
 * </ul>
 *
 * Every change is a compare-and-set on the exact state that was read, so a worker that comes back
 * to life and a sweep never both win.
 */
final class StaleTaskSweeper {

  private static final Logger log = TaskMdc.logger(StaleTaskSweeper.class);
  static final String LEASE_NAME = "stale-task-sweeper";
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final MongoClient mongo;
  private final ReliabilityConfig reliability;
  private final Function<Buffer, Future<Void>> publish;
  private final Supplier<Future<Long>> queueDepth;
  private final MongoLease lease;
  private final long intervalMs;
  private final long orphanAgeMs;
  private long timer = -1;
  private boolean running;

  /**
   * @param publish    puts a task message on the work queue
   * @param queueDepth messages waiting in the work queue (fails when the broker is unreachable)
   */
  StaleTaskSweeper(Vertx vertx, MongoClient mongo, ReliabilityConfig reliability, String workerId,
      Function<Buffer, Future<Void>> publish, Supplier<Future<Long>> queueDepth) {
    this.vertx = vertx;
    this.mongo = mongo;
    this.reliability = reliability;
    this.publish = publish;
    this.queueDepth = queueDepth;
    this.intervalMs = intervalFor(reliability.heartbeatTimeoutMs());
    this.orphanAgeMs = 2 * reliability.heartbeatTimeoutMs();
    this.lease = new MongoLease(mongo, LEASE_NAME, workerId, 3 * intervalMs);
  }

  /** A quarter of the heartbeat timeout, between 250 ms and 5 s: a dead worker is noticed in time + 25 %. */
  static long intervalFor(long heartbeatTimeoutMs) {
    return Math.max(250, Math.min(5_000, heartbeatTimeoutMs / 4));
  }

  void start() {
    timer = vertx.setPeriodic(intervalMs, intervalMs, id -> tick());
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return lease.release().otherwiseEmpty();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    long now = System.currentTimeMillis();
    lease.acquire(now)
        .compose(held -> held ? sweep(now) : Future.succeededFuture())
        .onFailure(e -> log.warn("stale task sweep failed: {}", e.getMessage()))
        .onComplete(r -> running = false);
  }

  /** One sweep; public to the package for tests. */
  Future<Void> sweep(long now) {
    return reclaimDead(now).compose(v -> rescueOrphans(now));
  }

  private Future<Void> reclaimDead(long now) {
    JsonObject query = new JsonObject()
        .put("status", TaskStatus.PROCESSING.name())
        .put("heartbeatAt", new JsonObject().put("$lt", now - reliability.heartbeatTimeoutMs()));
    return mongo.findWithOptions(Names.TASKS_COLLECTION, query, new FindOptions().setLimit(BATCH))
        .compose(docs -> sequentially(docs, doc -> reclaim(doc, now)));
  }

  private Future<Void> reclaim(JsonObject doc, long now) {
    String id = doc.getString("_id");
    int attempts = doc.getInteger("attempts", 0);
    JsonObject exactlyAsRead = new JsonObject()
        .put("_id", id)
        .put("status", TaskStatus.PROCESSING.name())
        .put("workerId", doc.getString("workerId"))
        .put("heartbeatAt", doc.getValue("heartbeatAt"));
    if (attempts >= reliability.maxAttempts()) {
      String message = "Rendering stopped unexpectedly " + attempts + " times; this image cannot be processed.";
      return update(exactlyAsRead, new JsonObject()
          .put("status", TaskStatus.FAILED.name()).put("message", message).put("workerId", null)
          .put("updatedAt", now))
          .onSuccess(won -> {
            if (won) {
              log.warn("[{}] worker {} stopped sending heartbeats; attempts used up: FAILED", id,
                  doc.getString("workerId"));
              StillmotionMetrics.of(vertx).taskFailed();
            }
          })
          .mapEmpty();
    }
    return update(exactlyAsRead, new JsonObject()
        .put("status", TaskStatus.PENDING.name()).put("progress", 0).put("workerId", null)
        .put("published", false).put("updatedAt", now))
        .compose(won -> {
          if (!won) {
            return Future.succeededFuture();
          }
          log.warn("[{}] worker {} stopped sending heartbeats after attempt {}: queued again", id,
              doc.getString("workerId"), attempts);
          StillmotionMetrics.of(vertx).taskRetried();
          return republish(id, now);
        });
  }

  private Future<Void> rescueOrphans(long now) {
    long cutoff = now - orphanAgeMs;
    JsonObject query = new JsonObject()
        .put("status", TaskStatus.PENDING.name())
        .put("published", true)
        .put("updatedAt", new JsonObject().put("$lt", cutoff))
        .put("$or", new JsonArray()
            .add(new JsonObject().put("republishedAt", null))
            .add(new JsonObject().put("republishedAt", new JsonObject().put("$lt", cutoff))));
    return queueDepth.get()
        .compose(depth -> depth > 0
            ? Future.succeededFuture()
            : mongo.findWithOptions(Names.TASKS_COLLECTION, query, new FindOptions().setLimit(BATCH))
                .compose(docs -> sequentially(docs, doc -> {
                  log.warn("[{}] PENDING for long with an empty queue: its message was lost; publishing again",
                      doc.getString("_id"));
                  return republish(doc.getString("_id"), now);
                })));
  }

  /** Publishes the task's message; marks it published (the gateway's outbox covers a failure here). */
  private Future<Void> republish(String id, long now) {
    JsonObject pending = new JsonObject().put("_id", id).put("status", TaskStatus.PENDING.name());
    return publish.apply(new TaskMessage(id).toBuffer())
        .compose(v -> update(pending, new JsonObject().put("published", true).put("republishedAt", now)))
        .<Void>mapEmpty()
        .onFailure(e -> log.warn("[{}] could not publish ({}); the outbox will", id, e.getMessage()))
        .otherwiseEmpty();
  }

  private Future<Boolean> update(JsonObject query, JsonObject fields) {
    return mongo.updateCollection(Names.TASKS_COLLECTION, query, new JsonObject().put("$set", fields))
        .map(r -> r.getDocMatched() > 0);
  }

  private static Future<Void> sequentially(List<JsonObject> docs, Function<JsonObject, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject doc : docs) {
      chain = chain.compose(v -> step.apply(doc));
    }
    return chain;
  }
}
