package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * Where the camera heads: a point of the picture ({@code x,y}, both 0-1, 0,0 the top left corner)
 * or {@code auto}, the most interesting part of the picture as the engine finds it.
 */
public record Focus(double x, double y, boolean auto) {

  public static final Focus CENTRE = new Focus(0.5, 0.5, false);
  public static final Focus AUTO = new Focus(0.5, 0.5, true);
  static final String RULE = "must be \"x,y\" with both numbers from 0 to 1 (0,0 is the top left corner), or \"auto\"";

  public static Focus at(double x, double y) {
    return new Focus(x, y, false);
  }

  /** Parses {@code x,y} or {@code auto}. */
  public static Focus parse(String raw, FieldRef at) {
    if (raw.trim().equalsIgnoreCase("auto")) {
      return AUTO;
    }
    String[] parts = raw.split(",");
    if (parts.length != 2) {
      throw at.invalid(RULE);
    }
    try {
      return check(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()), at);
    } catch (NumberFormatException e) {
      throw at.invalid(RULE);
    }
  }

  static Focus check(double x, double y, FieldRef at) {
    if (x >= 0 && x <= 1 && y >= 0 && y <= 1) {
      return at(x, y);
    }
    throw at.invalid(RULE);
  }

  /** {@code "auto"} or {@code {"x":..,"y":..}}. */
  public Object toJson() {
    return auto ? "auto" : new JsonObject().put("x", x).put("y", y);
  }

  /** Reads what {@link #toJson()} wrote; anything else is the centre. */
  public static Focus fromJson(Object json) {
    if ("auto".equals(json)) {
      return AUTO;
    }
    if (json instanceof JsonObject o) {
      return at(o.getDouble("x", 0.5), o.getDouble("y", 0.5));
    }
    return CENTRE;
  }
}
