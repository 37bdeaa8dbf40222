package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * A rectangle of the picture the camera frames, in fractions of the image's width and height (0,0
 * is the top left corner; the image as displayed, after its EXIF orientation). The engine frames the
 * smallest view of the video's shape that holds the rectangle, centred on it and kept inside the
 * picture.
 */
public record Framing(double x, double y, double width, double height) {

  /** Smaller rectangles would ask for far more detail than a photo has. */
  public static final double MIN_SIDE = 0.05;
  static final String RULE = "must be \"x,y,width,height\" in fractions of the picture (0-1, 0,0 is the top left"
      + " corner), at least " + MIN_SIDE + " wide and high, and inside the picture";
  private static final double SLACK = 1e-9;

  /** The whole picture. */
  public static final Framing WHOLE = new Framing(0, 0, 1, 1);

  /** Parses {@code x,y,width,height}. */
  public static Framing parse(String raw, FieldRef at) {
    String[] parts = raw.split(",");
    if (parts.length != 4) {
      throw at.invalid(RULE);
    }
    double[] v = new double[4];
    try {
      for (int i = 0; i < 4; i++) {
        v[i] = Double.parseDouble(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw at.invalid(RULE);
    }
    return check(v[0], v[1], v[2], v[3], at);
  }

  static Framing check(double x, double y, double width, double height, FieldRef at) {
    boolean finite = Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(width) && Double.isFinite(height);
    if (!finite || x < 0 || y < 0 || width < MIN_SIDE || height < MIN_SIDE
        || x + width > 1 + SLACK || y + height > 1 + SLACK) {
      throw at.invalid(RULE);
    }
    return new Framing(x, y, Math.min(width, 1 - x), Math.min(height, 1 - y));
  }

  public JsonObject toJson() {
    return new JsonObject().put("x", x).put("y", y).put("width", width).put("height", height);
  }

  /** Reads what {@link #toJson()} wrote, or null. */
  public static Framing fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new Framing(json.getDouble("x", 0d), json.getDouble("y", 0d), json.getDouble("width", 1d),
        json.getDouble("height", 1d));
  }
}
