package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import com.rabbitmq.client.AMQP;
import org.slf4j.Logger;

/**
 * Publishes "look at task X" to the durable work queue with publisher confirms, as the second half
 * of an outbox: the task document is written first, marked {@code published} only once the broker
 * confirmed, and a periodic sweep publishes whatever was never confirmed (broker down, crash between
 * insert and publish). The broker never holds the only copy of anything.
 */
public final class TaskPublisher {

  private static final Logger log = TaskMdc.logger(TaskPublisher.class);
  private static final long CONFIRM_TIMEOUT_MS = 5_000;
  private static final long SWEEP_INTERVAL_MS = 5_000;
  /** A task younger than this may still be on its way through the normal path. */
  private static final long SWEEP_GRACE_MS = 10_000;
  private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder()
      .contentType("application/json").deliveryMode(2).build();

  private final Vertx vertx;
  private final TaskStore tasks;
  private final RabbitMQClient rabbit;
  private long sweepTimer = -1;

  public TaskPublisher(Vertx vertx, RabbitMQOptions options, TaskStore tasks) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.rabbit = RabbitMQClient.create(vertx, options);
    rabbit.addConnectionEstablishedCallback(promise -> declareTopology().onComplete(promise));
  }

  /** Connects (retrying in the background if the broker is down) and starts the outbox sweep. */
  public Future<Void> start() {
    rabbit.start().onFailure(e -> log.warn("AMQP broker not reachable yet ({}); will keep trying", e.getMessage()));
    sweepTimer = vertx.setPeriodic(1_000, SWEEP_INTERVAL_MS, id -> sweep(0));
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    return rabbit.stop().otherwiseEmpty();
  }

  public boolean isConnected() {
    return rabbit.isConnected();
  }

  /** Messages waiting in the task queue (for the queue depth gauge). */
  public Future<Long> queueDepth() {
    return rabbit.isConnected() ? rabbit.messageCount(Names.TASK_QUEUE) : Future.failedFuture("broker not connected");
  }

  private Future<Void> declareTopology() {
    return rabbit.queueDeclare(Names.TASK_QUEUE, true, false, false)
        .compose(ok -> rabbit.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false))
        .compose(v -> rabbit.confirmSelect());
  }

  /**
   * Publishes and waits for the broker's confirm, then marks the task published. Failure is not an
   * error for the caller: the task stays unpublished and the sweep tries again.
   */
  public Future<Void> publish(String taskId) {
    if (!rabbit.isConnected()) {
      return Future.failedFuture("broker not connected");
    }
    return rabbit.basicPublish("", Names.TASK_QUEUE, PERSISTENT, new TaskMessage(taskId).toBuffer())
        .compose(v -> rabbit.waitForConfirms(CONFIRM_TIMEOUT_MS))
        .compose(v -> tasks.markPublished(taskId))
        .onFailure(e -> log.warn("[{}] publish not confirmed ({}); the outbox sweep will retry", taskId,
            e.getMessage()));
  }

  private void sweep(long unused) {
    if (!rabbit.isConnected()) {
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
