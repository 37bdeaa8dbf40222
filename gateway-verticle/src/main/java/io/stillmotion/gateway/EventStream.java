package io.stillmotion.gateway;

import io.stillmotion.model.Task;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * One Server-Sent Events stream of a task: its current state at once, then each change, read again
 * from MongoDB whenever the relay hints at one (a terminal state that travels with its event is
 * sent as it is, with no read: it never changes again), and handed over by the gateway-wide
 * {@link StreamResync} in case a hint was lost, a {@code : ping} comment every 15 s, and the end of
 * the stream after a terminal state. Event ids
 * grow monotonically (the task's updatedAt, bumped when needed), so a reconnect with
 * {@code Last-Event-ID} simply starts again from the current state.
 */
final class EventStream {

  static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final TaskStore tasks;
  private final String taskId;
  private Runnable unsubscribe = () -> { };
  private Runnable unregister = () -> { };
  private long heartbeatTimer = -1;
  private JsonObject lastSent;
  private long lastId;
  private boolean closed;
  private boolean loading;
  private boolean reloadAgain;

  EventStream(Vertx vertx, HttpServerResponse response, TaskStore tasks, String taskId) {
    this.vertx = vertx;
    this.response = response;
    this.tasks = tasks;
    this.taskId = taskId;
  }

  void start(Task current, EventRelay relay, StreamResync resync, HttpConnection connection) {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        // A compressing server would hold events back in its buffer.
        .putHeader("Content-Encoding", "identity");
    response.closeHandler(v -> cleanUp());
    response.exceptionHandler(e -> cleanUp());
    // A stream never ends by itself before its task does: let a graceful server shutdown end it.
    connection.shutdownHandler(v -> endStream());
    response.write("retry: 2000\n\n");
    // Relay hints may arrive on another thread; the stream's state belongs to the request's context.
    Context context = vertx.getOrCreateContext();
    unsubscribe = relay.listen(taskId, event -> {
      Task finalState = event.finalState();
      context.runOnContext(v -> {
        if (finalState != null) {
          send(finalState);
        } else {
          reload();
        }
      });
    });
    send(current);
    if (closed) {
      return;
    }
    unregister = resync.register(taskId, task -> context.runOnContext(v -> send(task)));
    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MS, t -> write(": ping\n\n"));
    // The state may have moved between the first read and the subscription.
    reload();
  }

  private void reload() {
    if (closed) {
      return;
    }
    if (loading) {
      reloadAgain = true;
      return;
    }
    loading = true;
    tasks.find(taskId).onComplete(result -> {
      loading = false;
      if (result.succeeded() && result.result() != null) {
        send(result.result());
      }
      if (reloadAgain && !closed) {
        reloadAgain = false;
        reload();
      }
    });
  }

  private void send(Task task) {
    JsonObject json = task.toApiJson();
    if (closed || json.equals(lastSent)) {
      return;
    }
    lastSent = json;
    lastId = Math.max(lastId + 1, task.updatedAt());
    write("id: " + lastId + "\nevent: task\ndata: " + json.encode() + "\n\n");
    if (task.status().isTerminal()) {
      endStream();
    }
  }

  private void endStream() {
    if (!closed) {
      cleanUp();
      response.end();
    }
  }

  private void write(String chunk) {
    if (!closed) {
      response.write(chunk);
    }
  }

  private void cleanUp() {
    if (closed) {
      return;
    }
    closed = true;
    unsubscribe.run();
    unregister.run();
    vertx.cancelTimer(heartbeatTimer);
  }
}
