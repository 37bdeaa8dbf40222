package io.stillmotion.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A status or progress change, published on the events exchange with key {@code task.<id>}.
 * Consumers must tolerate loss and duplicates: the task document is the truth. An event of a
 * terminal state may carry that document as the transition wrote it ({@code document}, else null):
 * a terminal state never changes again, so a listener can use it without reading the task again.
 */
public record TaskEvent(String taskId, TaskStatus status, int progress, String message, long at,
    JsonObject document) {

  public TaskEvent(String taskId, TaskStatus status, int progress, String message, long at) {
    this(taskId, status, progress, message, at, null);
  }

  /** The task's change; a terminal task's document travels with it. */
  public static TaskEvent of(Task task) {
    return new TaskEvent(task.id(), task.status(), task.progress(), task.message(), task.updatedAt(),
        task.status().isTerminal() ? task.toDocument() : null);
  }

  /** The task in the terminal state this event announces, when the event carries it; else null (read it). */
  public Task finalState() {
    return document != null && status.isTerminal() ? Task.fromDocument(document) : null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("taskId", taskId)
        .put("status", status.name())
        .put("progress", progress)
        .put("message", message)
        .put("at", at);
    if (document != null) {
      json.put("task", document);
    }
    return json;
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
        json.getLong("at", 0L),
        json.getJsonObject("task"));
  }
}
