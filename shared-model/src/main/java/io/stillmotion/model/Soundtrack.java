package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * The music of a story as stored: cut to the video's length, looped when shorter.
 *
 * @param file            GridFS file name in the uploads bucket
 * @param format          {@code mp3} or {@code aac} (ADTS or in an M4A/MP4 container: see container)
 * @param container       {@code mp3}, {@code adts} or {@code mp4}
 * @param durationSeconds as probed from the file
 */
public record Soundtrack(String file, String format, String container, String contentType, double durationSeconds) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("file", file)
        .put("format", format)
        .put("container", container)
        .put("contentType", contentType)
        .put("duration", durationSeconds);
  }

  public static Soundtrack fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Soundtrack(json.getString("file"), json.getString("format"), json.getString("container"),
        json.getString("contentType"), json.getDouble("duration", 0d));
  }
}
