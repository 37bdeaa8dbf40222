package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Task;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.OutageLog;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes "look at task X" to the durable work queue with publisher confirms, as the second half
 * of an outbox: the task document is written first, marked {@code published} only once the broker
 * confirmed, and a periodic sweep publishes whatever was never confirmed (broker down, crash between
 * insert and publish). The broker never holds the only copy of anything. The AMQP side itself
 * (connection, confirms) is the {@link BrokerLink}'s.
 *
 * <p>A task whose publish finds no connection (the seconds after a start before the link is up, a
 * broker restart) is published again the moment the link has a connection, not only by the sweep,
 * which waits for a task to be {@value #SWEEP_GRACE_MS} ms old: an upload in such a window is not
 * held up ten seconds or more. The sweep still covers everything else (a confirm that never came,
 * a crash, more of them than this process remembers).
 */
public final class TaskPublisher {

  private static final Logger log = TaskMdc.logger(TaskPublisher.class);
  private static final long SWEEP_INTERVAL_MS = 5_000;
  /** A task younger than this may still be on its way through the normal path. */
  private static final long SWEEP_GRACE_MS = 10_000;
  /** Tasks remembered for the next connection at most; beyond that the sweep finds them. */
  private static final int MAX_AWAITING_CONNECTION = 10_000;

  private final Vertx vertx;
  private final TaskStore tasks;
  private final BrokerLink broker;
  /** Tasks whose publish found no broker connection, to publish when there is one. */
  private final Set<String> awaitingConnection = ConcurrentHashMap.newKeySet();
  private long sweepTimer = -1;
  private final OutageLog sweepLog = new OutageLog(log, "outbox sweep (every " + SWEEP_INTERVAL_MS + " ms)");

  /** Create it before the link is started: it listens for the link's connections. */
  public TaskPublisher(Vertx vertx, BrokerLink broker, TaskStore tasks) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.broker = broker;
    broker.onConnected(this::publishAwaiting);
  }

  /** Starts the outbox sweep (the link connects, and reconnects, on its own). */
  public Future<Void> start() {
    sweepTimer = vertx.setPeriodic(1_000, SWEEP_INTERVAL_MS, id -> sweep());
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  public boolean isConnected() {
    return broker.isConnected();
  }

  /** Messages waiting in the task queue (for the queue depth gauge). */
  public Future<Long> queueDepth() {
    return broker.queueDepth();
  }

  /**
   * Publishes and waits for the broker's confirm, then marks the task published. Failure is not an
   * error for the caller: the task stays unpublished and the sweep tries again.
   */
  public Future<Void> publish(String taskId) {
    return broker.publishTask(taskId)
        .compose(v -> tasks.markPublished(taskId))
        .onFailure(e -> {
          // Checked on the link's context, where a new connection is announced: when there is none
          // now, the announcement is still to come and publishes this task.
          if (!broker.isConnected() && awaitingConnection.size() < MAX_AWAITING_CONNECTION) {
            awaitingConnection.add(taskId);
            log.info("[{}] no broker connection ({}); publishing when there is one", taskId, e.getMessage());
          } else {
            log.warn("[{}] publish not confirmed ({}); the outbox sweep will retry", taskId, e.getMessage());
          }
        });
  }

  private void publishAwaiting() {
    List<String> ids = List.copyOf(awaitingConnection);
    if (ids.isEmpty()) {
      return;
    }
    awaitingConnection.removeAll(ids);
    log.info("publishing {} task(s) accepted while there was no broker connection", ids.size());
    ids.forEach(this::publish);
  }

  private void sweep() {
    if (!broker.isConnected()) {
      return;
    }
    tasks.unpublished(System.currentTimeMillis() - SWEEP_GRACE_MS, 100)
        .onSuccess(pending -> pending.stream().map(Task::id).forEach(id -> {
          log.info("[{}] re-publishing a task the broker never confirmed", id);
          publish(id);
        }))
        .onComplete(sweepLog::record);
  }
}
