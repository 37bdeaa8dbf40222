package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Task;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;

/**
 * Publishes "look at task X" to the durable work queue with publisher confirms, as the second half
 * of an outbox: the task document is written first, marked {@code published} only once the broker
 * confirmed, and a periodic sweep publishes whatever was never confirmed (broker down, crash between
 * insert and publish). The broker never holds the only copy of anything. The AMQP side itself
 * (connection, confirms) is the {@link BrokerLink}'s.
 */
public final class TaskPublisher {

  private static final Logger log = TaskMdc.logger(TaskPublisher.class);
  private static final long SWEEP_INTERVAL_MS = 5_000;
  /** A task younger than this may still be on its way through the normal path. */
  private static final long SWEEP_GRACE_MS = 10_000;

  private final Vertx vertx;
  private final TaskStore tasks;
  private final BrokerLink broker;
  private long sweepTimer = -1;

  public TaskPublisher(Vertx vertx, BrokerLink broker, TaskStore tasks) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.broker = broker;
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
        .onFailure(e -> log.warn("[{}] publish not confirmed ({}); the outbox sweep will retry", taskId,
            e.getMessage()));
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
        .onFailure(e -> log.warn("outbox sweep failed: {}", e.getMessage()));
  }
}
