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

  /** The file extension a probed soundtrack is stored under. */
  public static String extension(io.stillmotion.render.audio.Soundtrack probed) {
    return switch (probed.format()) {
      case MP3 -> "mp3";
      case AAC_ADTS -> "aac";
      case AAC_MP4 -> "m4a";
    };
  }

  /** What the task records of a probed soundtrack stored as {@code file}. */
  public static Soundtrack of(String file, io.stillmotion.render.audio.Soundtrack probed) {
    return switch (probed.format()) {
      case MP3 -> new Soundtrack(file, "mp3", "mp3", "audio/mpeg", probed.durationSeconds());
      case AAC_ADTS -> new Soundtrack(file, "aac", "adts", "audio/aac", probed.durationSeconds());
      case AAC_MP4 -> new Soundtrack(file, "aac", "mp4", "audio/mp4", probed.durationSeconds());
    };
  }

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
