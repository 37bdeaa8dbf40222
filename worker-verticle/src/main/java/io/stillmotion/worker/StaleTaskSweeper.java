package io.stillmotion.worker;

import io.stillmotion.model.ReliabilityConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.StoreErrors;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.OutageLog;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds tasks that nobody is working on any more and puts them back in line. Runs in every worker,
 * but a {@link MongoLease} lets only one of them sweep at a time. All reads and writes of tasks go
 * through {@link TaskStore}.
 *
 * <ul>
 *   <li>PROCESSING with a heartbeat older than {@code HEARTBEAT_TIMEOUT_MS}: its worker died (kill -9,
 *       lost host, partition, a paused JVM). Back to PENDING and published again; FAILED instead when
 *       it has used all its attempts, since a task that kills its worker every time must not loop.
 *       A FAILED task is announced like any other: an event, and its webhook (the outbox delivers it
 *       from the task document; the sweeper only nudges it).</li>
 *   <li>PENDING, published, due, and queued long ago: its message was lost (a broker without
 *       persistence restarted, a queue was purged, a worker died between a retry's release and its
 *       re-publish). Published again, at most once per period: after twice the heartbeat timeout
 *       when the work queue is empty, after {@code REQUEUE_AFTER_MS} when it is not (a message may
 *       legitimately wait that long behind a backlog). A message sent twice is harmless: the claim is
 *       a compare-and-set on PENDING, so the second delivery finds the task taken and is acked.</li>
 * </ul>
 *
 * Every change is a compare-and-set on the exact state that was read (attempt token and heartbeat),
 * so a worker that comes back to life and a sweep never both win.
 *
 * <p>After MongoDB was out of reach here (a restart, a network cut), no heartbeat is judged until a whole
 * heartbeat timeout has passed with the database back: during the outage no worker could write one, so
 * every task being rendered looks dead at the first sweep, and reclaiming them would restart live renders
 * and spend their attempts (the last one: FAILED). Live workers heartbeat again within that time.
 */
final class StaleTaskSweeper {

  /** Told about a task the sweeper failed, so it is announced (event, webhook) like any other. */
  interface FailureAnnouncer {
    void failed(Task task, String message);
  }

  private static final Logger log = TaskMdc.logger(StaleTaskSweeper.class);
  static final String LEASE_NAME = "stale-task-sweeper";
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final TaskStore tasks;
  private final ReliabilityConfig reliability;
  private final Function<Buffer, Future<Void>> publish;
  private final Supplier<Future<Long>> queueDepth;
  private final FailureAnnouncer announcer;
  private final MongoLease lease;
  private final long intervalMs;
  private final long orphanAgeMs;
  private long timer = -1;
  private boolean running;
  private final OutageLog outageLog;
  /** The last sweep found MongoDB out of reach (event-loop only). */
  private boolean databaseAway;
  /** No heartbeat is judged stale before this time (epoch ms): one heartbeat timeout after MongoDB came back. */
  private long heartbeatsJudgedFrom;

  /** A sweeper whose failures are not announced (tests of the sweep alone). */
  StaleTaskSweeper(Vertx vertx, MongoClient mongo, ReliabilityConfig reliability, String workerId,
      Function<Buffer, Future<Void>> publish, Supplier<Future<Long>> queueDepth) {
    this(vertx, mongo, reliability, workerId, publish, queueDepth, (task, message) -> { });
  }

  /**
   * @param publish    puts a task message on the work queue
   * @param queueDepth messages waiting in the work queue (fails when the broker is unreachable)
   * @param announcer  publishes the FAILED event and nudges the webhook outbox
   */
  StaleTaskSweeper(Vertx vertx, MongoClient mongo, ReliabilityConfig reliability, String workerId,
      Function<Buffer, Future<Void>> publish, Supplier<Future<Long>> queueDepth, FailureAnnouncer announcer) {
    this.vertx = vertx;
    this.tasks = new TaskStore(mongo);
    this.reliability = reliability;
    this.publish = publish;
    this.queueDepth = queueDepth;
    this.announcer = announcer;
    this.intervalMs = intervalFor(reliability.heartbeatTimeoutMs());
    this.orphanAgeMs = 2 * reliability.heartbeatTimeoutMs();
    this.lease = new MongoLease(mongo, LEASE_NAME, workerId, 3 * intervalMs);
    this.outageLog = new OutageLog(log, "stale task sweep (every " + intervalMs + " ms)");
  }

  /** A quarter of the heartbeat timeout, between 250 ms and 5 s: a dead worker is noticed in time + 25 %. */
  static long intervalFor(long heartbeatTimeoutMs) {
    return Math.max(250, Math.min(5_000, heartbeatTimeoutMs / 4));
  }

  void start() {
    timer = vertx.setPeriodic(intervalMs, intervalMs, id -> tick().otherwiseEmpty());
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return lease.release().otherwiseEmpty();
  }

  /** One period's work: the lease, and a sweep when it is ours. Package-private for tests. */
  Future<Void> tick() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    long now = System.currentTimeMillis();
    return lease.acquire(now)
        .compose(held -> {
          if (databaseAway) {
            databaseAway = false;
            // From this answer on, not from when the tick began: its call may have waited out most of the outage.
            heartbeatsJudgedFrom = System.currentTimeMillis() + reliability.heartbeatTimeoutMs();
            log.info("MongoDB answers again; heartbeats are judged again from {} ms on, once workers could write them",
                reliability.heartbeatTimeoutMs());
          }
          return held ? sweep(now) : Future.<Void>succeededFuture();
        })
        .onComplete(r -> {
          databaseAway = r.failed() && StoreErrors.unreachable(r.cause());
          running = false;
          outageLog.record(r);
        });
  }

  /** One sweep; public to the package for tests. */
  Future<Void> sweep(long now) {
    return reclaimDead(now).compose(v -> rescueOrphans(now));
  }

  private Future<Void> reclaimDead(long now) {
    if (now < heartbeatsJudgedFrom) {
      return Future.succeededFuture();
    }
    return tasks.stale(now - reliability.heartbeatTimeoutMs(), BATCH)
        .compose(stale -> sequentially(stale, task -> reclaim(task, now)));
  }

  private Future<Void> reclaim(Task task, long now) {
    String id = task.id();
    if (task.attempts() >= reliability.maxAttempts()) {
      String message = "Rendering stopped unexpectedly " + task.attempts()
          + " times; this image cannot be processed. Try a smaller image or shorter video.";
      return tasks.failStale(task, message, now)
          .onSuccess(won -> {
            if (won) {
              log.warn("[{}] worker {} stopped sending heartbeats; attempts used up: FAILED", id, task.workerId());
              StillmotionMetrics.of(vertx).taskFailed();
              announcer.failed(task, message);
            }
          })
          .mapEmpty();
    }
    return tasks.reclaimStale(task, now)
        .compose(won -> {
          if (!won) {
            return Future.succeededFuture();
          }
          log.warn("[{}] worker {} stopped sending heartbeats after attempt {}: queued again", id, task.workerId(),
              task.attempts());
          StillmotionMetrics.of(vertx).taskRetried();
          return republish(id, now);
        });
  }

  private Future<Void> rescueOrphans(long now) {
    return queueDepth.get()
        .otherwise(-1L)
        .compose(depth -> tasks.lostMessages(now, now - (depth == 0 ? orphanAgeMs : reliability.requeueAfterMs()),
            BATCH))
        .compose(lost -> sequentially(lost, task -> {
          log.warn("[{}] PENDING and queued long ago: its message was lost; publishing again", task.id());
          return republish(task.id(), now);
        }));
  }

  /** Publishes the task's message and records when (the gateway's outbox covers a failure here). */
  private Future<Void> republish(String id, long now) {
    return publish.apply(new TaskMessage(id).toBuffer())
        .compose(v -> tasks.markQueued(id, now))
        .onFailure(e -> log.warn("[{}] could not publish ({}); the outbox will", id, e.getMessage()))
        .otherwiseEmpty();
  }

  private static <T> Future<Void> sequentially(List<T> items, Function<T, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item));
    }
    return chain;
  }
}
