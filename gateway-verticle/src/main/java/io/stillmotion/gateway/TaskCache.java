package io.stillmotion.gateway;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.vertx.core.buffer.Buffer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The answers of {@code GET /task/{id}}, kept so that a read need not go to MongoDB, and never
 * staler than the events. A task in a terminal state never changes again: it stays until the least
 * recently read of {@value #MAX_ENTRIES} entries makes room. A live task (PENDING, PROCESSING) stays
 * only while nothing has been said about it: any event of the task drops it (progress, status, a
 * cancel through any gateway), and so does a broker disconnection, since events may then be missed;
 * while the relay is not connected, live tasks are not kept at all. A few transitions publish no
 * event (a worker handing a task back for a retry, the sweeper requeueing a dead worker's task), so
 * a live entry is also dropped after {@value #LIVE_MAX_AGE_MS} ms, the worker's heartbeat period. An
 * event that carries its task's final state (a finish, a cancel) puts it here at once, so the first
 * read after it needs no database either.
 * Fed by {@link EventRelay}; thread-safe.
 */
final class TaskCache {

  static final int MAX_ENTRIES = 10_000;
  static final long LIVE_MAX_AGE_MS = 500;

  private record Entry(Buffer json, boolean terminal, long cachedAtNanos) {
  }

  private final BooleanSupplier connected;
  private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  /** Counts events and reconnections: a read that saw another value may have missed one. */
  private long version;

  /** @param connected whether the events reach this gateway now */
  TaskCache(BooleanSupplier connected) {
    this.connected = connected;
  }

  /** The task's JSON when it is known to be current; null: read it from the store. */
  synchronized Buffer json(String id) {
    Entry entry = entries.get(id);
    if (entry == null) {
      return null;
    }
    if (!entry.terminal && (!connected.getAsBoolean() || System.nanoTime() - entry.cachedAtNanos
        > LIVE_MAX_AGE_MS * 1_000_000)) {
      entries.remove(id);
      return null;
    }
    return entry.json;
  }

  /** Taken before reading the store; given back to {@link #put}. */
  synchronized long version() {
    return version;
  }

  /**
   * The task's JSON, kept when that is safe: always for a terminal task; for a live one only when
   * no event arrived and the relay stayed connected since {@code versionBeforeRead}.
   */
  Buffer put(Task task, long versionBeforeRead) {
    Buffer json = task.toApiJson().toBuffer();
    boolean terminal = task.status().isTerminal();
    synchronized (this) {
      if (terminal || versionBeforeRead == version && connected.getAsBoolean()) {
        entries.put(task.id(), new Entry(json, terminal, System.nanoTime()));
      }
    }
    return json;
  }

  /**
   * Something happened to the task: what is kept of it, unless final, is no longer the truth. An
   * event that carries the task's final state is the truth from now on: it is kept at once.
   */
  void onEvent(TaskEvent event) {
    Task finalState = event.taskId() == null ? null : event.finalState();
    Buffer json = finalState == null ? null : finalState.toApiJson().toBuffer();
    synchronized (this) {
      version++;
      if (event.taskId() == null) {
        return;
      }
      Entry entry = entries.get(event.taskId());
      if (json != null) {
        entries.put(event.taskId(), new Entry(json, true, System.nanoTime()));
      } else if (entry != null && !entry.terminal) {
        entries.remove(event.taskId());
      }
    }
  }

  /** The relay (re)subscribed: events of the gap may be lost, so no live task is trusted any more. */
  synchronized void onSubscribed() {
    version++;
    entries.values().removeIf(entry -> !entry.terminal);
  }

  synchronized int size() {
    return entries.size();
  }
}
