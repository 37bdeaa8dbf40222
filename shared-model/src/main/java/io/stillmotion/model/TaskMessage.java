package io.stillmotion.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The body of a work-queue message: only "look at task X"; everything else is in MongoDB. */
public record TaskMessage(String taskId) {

  public Buffer toBuffer() {
    return new JsonObject().put("taskId", taskId).toBuffer();
  }

  /**
   * Parses a message body.
   *
   * @throws IllegalArgumentException when the body is not a task message (a poison message)
   */
  public static TaskMessage fromBuffer(Buffer body) {
    try {
      String id = new JsonObject(body).getString("taskId");
      if (!TaskIds.isValid(id)) {
        throw new IllegalArgumentException("message has no valid taskId");
      }
      return new TaskMessage(id);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("message body is not a task message JSON object", e);
    }
  }

  public static String newTaskId() {
    return UUID.randomUUID().toString();
  }
}
