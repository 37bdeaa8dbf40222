package io.stillmotion.worker;

import io.stillmotion.broker.TaskDelivery;
import io.stillmotion.model.Task;
import io.stillmotion.render.RenderListener;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A task this worker is rendering. Render threads report progress here; the event loop reads it for
 * heartbeats and progress updates, and raises {@link #cancel()} when the task is taken away
 * (cancelled by the user, reclaimed, or the worker is shutting down).
 */
final class ActiveTask implements RenderListener {

  final Task task;
  /** The message that brought it, acked (or handed back) on the connection it came on only. */
  final TaskDelivery delivery;
  /** When this worker started on it (epoch ms), for the health server. */
  final long since = System.currentTimeMillis();
  private volatile int progress;
  private volatile boolean cancelled;
  private volatile boolean released;
  /** Last progress sent as an event (event-loop only). */
  int lastPublished = -1;
  /** Set once the terminal event is out: no progress event may follow it (event-loop only). */
  boolean terminalPublished;
  /** A heartbeat write has not answered yet: the next tick skips this task (event-loop only). */
  boolean heartbeatInFlight;
  /** The puts of this attempt's poster and thumbnail, once started (event-loop only). */
  List<Future<String>> stillsPuts;
  /** Storing the result or cleaning up after a failure has taken the stills over: no put starts now (event-loop only). */
  boolean stillsSettled;
  /** What the attempt is waiting for MongoDB to do, while it is out of reach; null otherwise (for the health server). */
  volatile String waitingForDatabase;
  /**
   * The attempt failed and is recording how (released, retried later or FAILED): its heartbeats still hold the
   * task until then, but one that finds the task gone is no news (event-loop only).
   */
  boolean settling;
  private final StillsHandler stillsReady;

  /** Hears a task's poster and thumbnail, on a render thread, while its video is still being encoded. */
  interface StillsHandler {
    void ready(ActiveTask job, byte[] posterJpeg, byte[] thumbnailJpeg);
  }

  ActiveTask(Task task, TaskDelivery delivery, StillsHandler stillsReady) {
    this.task = task;
    this.delivery = delivery;
    this.stillsReady = stillsReady;
  }

  @Override
  public void onProgress(int framesDone, int totalFrames) {
    // Rendering is 0..95 %; storing the result is the last 5 %.
    int p = totalFrames <= 0 ? 0 : (int) Math.min(95, (long) framesDone * 95 / totalFrames);
    if (p > progress) {
      progress = p;
    }
  }

  @Override
  public void onStills(byte[] posterJpeg, byte[] thumbnailJpeg) {
    stillsReady.ready(this, posterJpeg, thumbnailJpeg);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** This attempt's lease: every write it makes about the task is conditioned on it. */
  String token() {
    return task.attemptToken();
  }

  int progress() {
    return progress;
  }

  JsonObject statusJson() {
    JsonObject status = new JsonObject().put("id", task.id()).put("attempt", task.attempts()).put("progress", progress)
        .put("since", since);
    String waiting = waitingForDatabase;
    return waiting == null ? status : status.put("waitingForDatabase", waiting);
  }

  void cancel() {
    cancelled = true;
  }

  /** Cancelled because this worker is stopping: the task goes back to the queue, not to CANCELLED. */
  void release() {
    released = true;
    cancelled = true;
  }

  boolean isReleased() {
    return released;
  }
}
