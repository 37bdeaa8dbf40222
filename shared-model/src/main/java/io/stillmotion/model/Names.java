package io.stillmotion.model;

/** Names shared by every service: queues, exchanges, collections, buckets. */
public final class Names {

  /** Durable work queue; a message only says "look at task X". */
  public static final String TASK_QUEUE = "stillmotion.tasks";
  /**
   * Durable queue where messages that can never be processed are parked (not a task message, or
   * redelivered too often), for an operator to look at, replay or purge (see README).
   */
  public static final String PARKING_QUEUE = "stillmotion.tasks.dead";
  /** Topic exchange for progress and status events, routing key {@code task.<id>}. */
  public static final String EVENTS_EXCHANGE = "stillmotion.events";
  public static final String TASKS_COLLECTION = "tasks";
  public static final String UPLOADS_BUCKET = "uploads";
  public static final String VIDEOS_BUCKET = "videos";

  private Names() {
  }

  public static String eventRoutingKey(String taskId) {
    return "task." + taskId;
  }

  /** GridFS file name of a task's rendered video. */
  public static String videoFileName(String taskId) {
    return taskId + ".mp4";
  }

  /** GridFS file name of a task's poster image (first frame, full size JPEG). */
  public static String posterFileName(String taskId) {
    return taskId + ".poster.jpg";
  }

  /** GridFS file name of a task's small thumbnail JPEG. */
  public static String thumbnailFileName(String taskId) {
    return taskId + ".thumb.jpg";
  }
}
