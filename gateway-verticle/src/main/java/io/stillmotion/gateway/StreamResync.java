package io.stillmotion.gateway;

import io.stillmotion.model.Task;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The safety net under the event relay's hints, for all open event streams of this gateway at once:
 * every {@link #INTERVAL_MS}, one query reads the tasks of every open stream and hands each stream
 * its task (a stream sends only what changed). One read per interval per gateway, however many
 * streams are open — not one per stream every few seconds.
 */
final class StreamResync {

  static final long INTERVAL_MS = 15_000;

  private final Vertx vertx;
  private final TaskStore tasks;
  private final Map<String, Set<Consumer<Task>>> streams = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean running;

  StreamResync(Vertx vertx, TaskStore tasks) {
    this.vertx = vertx;
    this.tasks = tasks;
  }

  void start() {
    timer = vertx.setPeriodic(INTERVAL_MS, id -> resync());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Hands {@code stream} its task at every resync until the returned action is run. */
  Runnable register(String taskId, Consumer<Task> stream) {
    streams.computeIfAbsent(taskId, id -> ConcurrentHashMap.newKeySet()).add(stream);
    return () -> streams.computeIfPresent(taskId, (id, set) -> {
      set.remove(stream);
      return set.isEmpty() ? null : set;
    });
  }

  int streamCount() {
    return streams.values().stream().mapToInt(Set::size).sum();
  }

  void resync() {
    if (running || streams.isEmpty()) {
      return;
    }
    running = true;
    tasks.findAll(Set.copyOf(streams.keySet()))
        .onSuccess(found -> found.forEach(task -> streams.getOrDefault(task.id(), Set.of())
            .forEach(stream -> stream.accept(task))))
        .onComplete(done -> running = false);
  }
}
