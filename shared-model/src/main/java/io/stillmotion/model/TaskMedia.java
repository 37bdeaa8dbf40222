package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * GridFS file names (bucket {@code videos}) of a finished task's video, poster and thumbnail. Each
 * attempt stores its result under names of its own, so an attempt that lost its task can never
 * overwrite or delete the winner's files; the winning {@code finish} records its names on the task
 * (field {@code result}) and only then are they the task's. Tasks finished before names were per
 * attempt have no {@code result}: their files have the legacy names of {@link #legacy}.
 */
public record TaskMedia(String video, String poster, String thumbnail) {

  /** Names unique to one attempt of a task (its attempt token). */
  public static TaskMedia forAttempt(String taskId, String attemptToken) {
    String base = taskId + "." + attemptToken;
    return new TaskMedia(base + ".mp4", base + ".poster.jpg", base + ".thumb.jpg");
  }

  /** The shared names every attempt used before results were per attempt. */
  public static TaskMedia legacy(String taskId) {
    return new TaskMedia(Names.videoFileName(taskId), Names.posterFileName(taskId), Names.thumbnailFileName(taskId));
  }

  public JsonObject toDocument() {
    return new JsonObject().put("video", video).put("poster", poster).put("thumbnail", thumbnail);
  }

  /** The recorded names, or null when the document has none. */
  public static TaskMedia fromDocument(JsonObject doc) {
    if (doc == null || doc.getString("video") == null) {
      return null;
    }
    return new TaskMedia(doc.getString("video"), doc.getString("poster"), doc.getString("thumbnail"));
  }
}
