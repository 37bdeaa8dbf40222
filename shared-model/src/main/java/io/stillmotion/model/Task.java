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
 * @param story    the shots, transitions, title and soundtrack of a story (2-20 images); null for a
 *                 single image. Its first shot's picture is {@code filename}.
 * @param attemptToken the lease of the attempt holding a PROCESSING task (field {@code attempt.token}),
 *                 unique to that claim: every write of that attempt is conditioned on it; null otherwise
 * @param result   the files the winning attempt stored, recorded by its finish; null before, and for
 *                 tasks finished before results had names per attempt (see {@link #media()})
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
    String callbackUrl,
    Story story,
    String attemptToken,
    TaskMedia result) {

  /** A task not held by any attempt and without a recorded result. */
  public Task(String id, TaskStatus status, int progress, String filename, String message, RenderOptions options,
      int attempts, long createdAt, long updatedAt, String workerId, Long heartbeatAt, String callbackUrl,
      Story story) {
    this(id, status, progress, filename, message, options, attempts, createdAt, updatedAt, workerId, heartbeatAt,
        callbackUrl, story, null, null);
  }

  /** A single-image task (no story). */
  public Task(String id, TaskStatus status, int progress, String filename, String message, RenderOptions options,
      int attempts, long createdAt, long updatedAt, String workerId, Long heartbeatAt, String callbackUrl) {
    this(id, status, progress, filename, message, options, attempts, createdAt, updatedAt, workerId, heartbeatAt,
        callbackUrl, null);
  }

  /** A new task as the gateway inserts it. */
  public static Task pending(String id, String extension, RenderOptions options, long now) {
    return new Task(id, TaskStatus.PENDING, 0, "/uploads/" + id + "." + extension, null, options, 0, now, now,
        null, null, null, null);
  }

  public Task withCallbackUrl(String url) {
    return new Task(id, status, progress, filename, message, options, attempts, createdAt, updatedAt, workerId,
        heartbeatAt, url, story, attemptToken, result);
  }

  public Task withStory(Story newStory) {
    return new Task(id, status, progress, filename, message, options, attempts, createdAt, updatedAt, workerId,
        heartbeatAt, callbackUrl, newStory, attemptToken, result);
  }

  /**
   * GridFS file name of the picture at {@code index} of a task: {@code <id>.<ext>} for the first
   * (as {@link #filename}), {@code <id>.<index>.<ext>} for the others of a story.
   */
  public static String imageFileName(String id, int index, String extension) {
    return index == 0 ? id + "." + extension : id + "." + index + "." + extension;
  }

  /** GridFS file name of a story's soundtrack. */
  public static String audioFileName(String id, String extension) {
    return id + ".audio." + extension;
  }

  /** The video, poster and thumbnail that are this task's: as recorded by the winning attempt, else the legacy names. */
  public TaskMedia media() {
    return result != null ? result : TaskMedia.legacy(id);
  }

  /** GridFS file names of the task's pictures, in order (one for a single-image task). */
  public java.util.List<String> imageNames() {
    return story == null ? java.util.List.of(uploadFileName()) : story.imageNames();
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
        .put("callbackUrl", callbackUrl)
        .put("story", story == null ? null : story.toJson())
        .put("attempt", attemptToken == null ? null : new JsonObject().put("token", attemptToken)
            .put("workerId", workerId).put("since", heartbeatAt))
        .put("result", result == null ? null : result.toDocument());
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
        doc.getString("callbackUrl"),
        Story.fromJson(doc.getJsonObject("story")),
        doc.getJsonObject("attempt") == null ? null : doc.getJsonObject("attempt").getString("token"),
        TaskMedia.fromDocument(doc.getJsonObject("result")));
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
        .put("eventsUrl", "/api/v1/task/" + id + "/events")
        .put("images", images());
    if (story != null) {
      json.put("story", story.toApiJson());
    }
    if (status == TaskStatus.FINISHED) {
      json.put("videoUrl", "/api/v1/video/" + id)
          .put("posterUrl", "/api/v1/task/" + id + "/poster")
          .put("thumbnailUrl", "/api/v1/task/" + id + "/thumbnail");
    }
    return json;
  }

  /** Each picture's URL, in order; {@code ?index=0} is the same as {@code imageUrl}. */
  private io.vertx.core.json.JsonArray images() {
    io.vertx.core.json.JsonArray images = new io.vertx.core.json.JsonArray();
    for (int i = 0; i < imageNames().size(); i++) {
      images.add(new JsonObject().put("index", i).put("url", "/api/v1/task/" + id + "/image?index=" + i));
    }
    return images;
  }
}
