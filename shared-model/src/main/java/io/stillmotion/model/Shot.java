package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * One picture of a story on the timeline.
 *
 * @param image           GridFS file name of the picture in the uploads bucket (null until stored)
 * @param durationSeconds the shot's slot on the timeline; slots add up to the video's length
 * @param caption         text over the shot, or null
 */
public record Shot(String image, double durationSeconds, Motion motion, String caption) {

  public Shot withImage(String name) {
    return new Shot(name, durationSeconds, motion, caption);
  }

  public JsonObject toJson() {
    return motion.putInto(new JsonObject()
        .put("image", image)
        .put("duration", durationSeconds)
        .put("caption", caption));
  }

  public static Shot fromJson(JsonObject json) {
    return new Shot(json.getString("image"), json.getDouble("duration", Story.DEFAULT_SHOT_SECONDS),
        Motion.fromJson(json), json.getString("caption"));
  }
}
