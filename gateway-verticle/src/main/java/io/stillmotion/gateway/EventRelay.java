package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Brings task events from the broker to the listeners of this gateway process (SSE streams). The
 * {@link BrokerLink} reads the events exchange through a server-named, exclusive, auto-delete queue
 * bound to {@code task.*}, declared and consumed again on every connection, so any number of
 * gateways each see every event, across any number of broker restarts. Events are hints: listeners
 * re-read the task from MongoDB.
 */
final class EventRelay {

  private static final Logger log = TaskMdc.logger(EventRelay.class);

  private final BrokerLink broker;
  private final Map<String, Set<Consumer<TaskEvent>>> listeners = new ConcurrentHashMap<>();
  /** What GET /task/{id} may answer without the database, kept current by the events relayed here. */
  final TaskCache cache = new TaskCache(this::isConnected);

  /** The link must have been built {@link BrokerLink.Options#withEvents() with events}, and not started yet. */
  EventRelay(BrokerLink broker) {
    this.broker = broker;
    broker.onEvent(this::onMessage).onSubscribed(cache::onSubscribed);
  }

  Future<Void> start() {
    return Future.succeededFuture();
  }

  Future<Void> stop() {
    return Future.succeededFuture();
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
    broker.publishEvent(event)
        .onFailure(e -> log.debug("[{}] event not published: {}", event.taskId(), e.getMessage()));
  }

  /** Subscribed to the events exchange on the current connection. */
  boolean isConnected() {
    return broker.subscribed();
  }

  int listenerCount() {
    return listeners.values().stream().mapToInt(Set::size).sum();
  }

  private void onMessage(Buffer body) {
    TaskEvent event;
    try {
      event = TaskEvent.fromJson(body.toJsonObject());
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
