package io.stillmotion.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A status or progress change, published on the events exchange with key {@code task.<id>}.
 * Consumers must tolerate loss and duplicates: the task document is the truth.
 */
public record TaskEvent(String taskId, TaskStatus status, int progress, String message, long at) {

  public static TaskEvent of(Task task) {
    return new TaskEvent(task.id(), task.status(), task.progress(), task.message(), task.updatedAt());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("taskId", taskId)
        .put("status", status.name())
        .put("progress", progress)
        .put("message", message)
        .put("at", at);
  }

  public Buffer toBuffer() {
    return toJson().toBuffer();
  }

  public static TaskEvent fromJson(JsonObject json) {
    return new TaskEvent(
        json.getString("taskId"),
        TaskStatus.valueOf(json.getString("status")),
        json.getInteger("progress", 0),
        json.getString("message"),
        json.getLong("at", 0L));
  }
}
