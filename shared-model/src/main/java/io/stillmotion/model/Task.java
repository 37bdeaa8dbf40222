package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One image-to-video task as stored in the {@code tasks} collection (MongoDB is the source of
 * truth). Times are epoch milliseconds in the document and ISO-8601 in the API.
 *
 * @param filename where the upload lives, {@code /uploads/<id>.<ext>} as in the seed system
 * @param message  what failed, in words a person can act on; null unless FAILED or CANCELLED
 * @param workerId the worker holding a PROCESSING task, null otherwise
 * @param callbackUrl where to POST the task when it reaches a terminal state (webhook), or null
 */
public record Task(
    String id,
    TaskStatus status,
    int progress,
    String filename,
    String message,
    RenderOptions options,
    int attempts,
    long createdAt,
    long updatedAt,
    String workerId,
    Long heartbeatAt,
    String callbackUrl) {

  /** A new task as the gateway inserts it. */
  public static Task pending(String id, String extension, RenderOptions options, long now) {
    return new Task(id, TaskStatus.PENDING, 0, "/uploads/" + id + "." + extension, null, options, 0, now, now,
        null, null, null);
  }

  public Task withCallbackUrl(String url) {
    return new Task(id, status, progress, filename, message, options, attempts, createdAt, updatedAt, workerId,
        heartbeatAt, url);
  }

  /** GridFS file name of the upload (the last path segment of {@link #filename}). */
  public String uploadFileName() {
    return filename.substring(filename.lastIndexOf('/') + 1);
  }

  /** The document stored in MongoDB ({@code _id} is the task id). */
  public JsonObject toDocument() {
    return new JsonObject()
        .put("_id", id)
        .put("status", status.name())
        .put("progress", progress)
        .put("filename", filename)
        .put("message", message)
        .put("options", options.toJson())
        .put("attempts", attempts)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("workerId", workerId)
        .put("heartbeatAt", heartbeatAt)
        .put("callbackUrl", callbackUrl);
  }

  public static Task fromDocument(JsonObject doc) {
    Number heartbeat = (Number) doc.getValue("heartbeatAt");
    return new Task(
        doc.getString("_id"),
        TaskStatus.valueOf(doc.getString("status")),
        doc.getInteger("progress", 0),
        doc.getString("filename"),
        doc.getString("message"),
        RenderOptions.fromJson(doc.getJsonObject("options")),
        doc.getInteger("attempts", 0),
        doc.getLong("createdAt", 0L),
        doc.getLong("updatedAt", 0L),
        doc.getString("workerId"),
        heartbeat == null ? null : heartbeat.longValue(),
        doc.getString("callbackUrl"));
  }

  /** What {@code GET /api/v1/task/{id}} answers. */
  public JsonObject toApiJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("status", status.name())
        .put("progress", progress)
        .put("filename", filename)
        .put("message", message)
        .put("options", options.toJson())
        .put("attempts", attempts)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString())
        .put("callbackUrl", callbackUrl)
        .put("imageUrl", "/api/v1/task/" + id + "/image")
        .put("eventsUrl", "/api/v1/task/" + id + "/events");
    if (status == TaskStatus.FINISHED) {
      json.put("videoUrl", "/api/v1/video/" + id)
          .put("posterUrl", "/api/v1/task/" + id + "/poster")
          .put("thumbnailUrl", "/api/v1/task/" + id + "/thumbnail");
    }
    return json;
  }
}
