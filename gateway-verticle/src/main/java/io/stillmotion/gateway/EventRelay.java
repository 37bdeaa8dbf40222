package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.slf4j.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Brings task events from the broker to the listeners of this gateway process (SSE streams). Each
 * gateway reads the events exchange through its own server-named, exclusive, auto-delete queue bound
 * to {@code task.*}, declared again on every (re)connection, so any number of gateways each see every
 * event. Events are hints: listeners re-read the task from MongoDB.
 */
final class EventRelay {

  private static final Logger log = TaskMdc.logger(EventRelay.class);

  private final RabbitMQClient rabbit;
  private final Map<String, Set<Consumer<TaskEvent>>> listeners = new ConcurrentHashMap<>();
  /** What GET /task/{id} may answer without the database, kept current by the events relayed here. */
  final TaskCache cache = new TaskCache(this::isConnected);

  EventRelay(Vertx vertx, RabbitMQOptions options) {
    this.rabbit = RabbitMQClient.create(vertx, options);
    rabbit.addConnectionEstablishedCallback(this::subscribe);
  }

  Future<Void> start() {
    rabbit.start().onFailure(e -> log.warn("event relay: broker not reachable yet ({}); will keep trying",
        e.getMessage()));
    return Future.succeededFuture();
  }

  Future<Void> stop() {
    return rabbit.stop().otherwiseEmpty();
  }

  /** Calls {@code listener} for each event of the task until the returned action is run. */
  Runnable listen(String taskId, Consumer<TaskEvent> listener) {
    listeners.computeIfAbsent(taskId, id -> new CopyOnWriteArraySet<>()).add(listener);
    return () -> listeners.computeIfPresent(taskId, (id, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }

  /** Tells this gateway's listeners at once, and the other gateways through the exchange. */
  void publish(TaskEvent event) {
    dispatch(event);
    if (rabbit.isConnected()) {
      rabbit.basicPublish(Names.EVENTS_EXCHANGE, Names.eventRoutingKey(event.taskId()), event.toBuffer())
          .onFailure(e -> log.debug("[{}] event not published: {}", event.taskId(), e.getMessage()));
    }
  }

  boolean isConnected() {
    return rabbit.isConnected();
  }

  int listenerCount() {
    return listeners.values().stream().mapToInt(Set::size).sum();
  }

  private void subscribe(Promise<Void> promise) {
    rabbit.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false)
        .compose(v -> rabbit.queueDeclareAuto())
        .map(declared -> declared.getString("queue"))
        .compose(queue -> rabbit.queueBind(queue, Names.EVENTS_EXCHANGE, "task.*").map(queue))
        .compose(queue -> rabbit.basicConsumer(queue, new QueueOptions().setAutoAck(true))
            // Deliveries start before this future completes: the handler must be set right here.
            .onSuccess(consumer -> consumer.handler(this::onMessage))
            .map(queue))
        .onSuccess(queue -> log.info("relaying task events through {}", queue))
        .onSuccess(queue -> cache.onSubscribed())
        .<Void>mapEmpty()
        .onComplete(promise);
  }

  private void onMessage(RabbitMQMessage message) {
    TaskEvent event;
    try {
      event = TaskEvent.fromJson(message.body().toJsonObject());
    } catch (RuntimeException e) {
      log.debug("ignoring an event that is not a task event: {}", e.getMessage());
      return;
    }
    dispatch(event);
  }

  private void dispatch(TaskEvent event) {
    cache.onEvent(event);
    Set<Consumer<TaskEvent>> set = event.taskId() == null ? null : listeners.get(event.taskId());
    if (set != null) {
      set.forEach(listener -> listener.accept(event));
    }
  }
}
