package io.stillmotion.model;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Focus;
import io.stillmotion.render.Framing;
import io.stillmotion.render.Speed;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * How the camera moves over one picture, as the API says it: a preset {@code effect}, optionally
 * directed by a zoom amount, a speed feel, start and end framings, and a focus point (or
 * {@code auto}). Framings, when given, replace the preset's path: the camera eases from
 * {@code start} to {@code end} (either alone: the other is the whole picture). The engine's
 * {@link io.stillmotion.render.Motion} adds the easing, which is the video's.
 *
 * @param zoom how much closer the tightest framing is than the widest (1 = no zoom); null = the
 *             preset's own amount
 */
public record Motion(Effect effect, Double zoom, Speed speed, Framing start, Framing end, Focus focus) {

  public static final double MIN_ZOOM = 1;
  public static final double MAX_ZOOM = io.stillmotion.render.Motion.MAX_ZOOM;
  /** Smaller framings would ask for far more detail than a photo has. */
  public static final double MIN_FRAMING_SIDE = 0.05;
  /** The request fields that direct the motion of one picture, as named in the API. */
  public static final List<String> FIELDS = List.of("effect", "focus", "zoom", "speed", "start", "end");
  public static final Framing WHOLE = new Framing(0, 0, 1, 1);

  public static final Motion DEFAULT = new Motion(Effect.KEN_BURNS, null, Speed.NORMAL, null, null, Focus.CENTER);

  static final String ZOOM_RULE = "must be a number from 1 to " + RenderOptions.plain(MAX_ZOOM)
      + ": how much closer the tightest framing is than the widest";
  static final String FOCUS_RULE = "must be \"x,y\" with both numbers from 0 to 1 (0,0 is the top left corner), or"
      + " \"auto\"";
  static final String FRAMING_RULE = "must be \"x,y,width,height\" in fractions of the picture (0-1, 0,0 is the top"
      + " left corner), at least " + MIN_FRAMING_SIDE + " wide and high, and inside the picture";

  public Motion {
    if (effect == null || speed == null || focus == null) {
      throw new IllegalArgumentException("effect, speed and focus are required");
    }
  }

  /** What the engine renders: this motion with the video's easing. */
  public io.stillmotion.render.Motion toEngine(Easing easing) {
    boolean framed = start != null || end != null;
    return new io.stillmotion.render.Motion(effect, easing, focus, zoom == null ? Double.NaN : zoom, speed,
        framed ? (start == null ? WHOLE : start) : null, framed ? (end == null ? WHOLE : end) : null);
  }

  /**
   * Reads the motion fields; absent ones take {@code defaults}' values.
   *
   * @param get the trimmed value of a field, or null when absent or blank
   * @param at  where each field's value came from, for error messages
   */
  public static Motion fromFields(Function<String, String> get, Function<String, FieldRef> at, Motion defaults) {
    String effect = get.apply("effect");
    String zoom = get.apply("zoom");
    String speed = get.apply("speed");
    String start = get.apply("start");
    String end = get.apply("end");
    String focus = get.apply("focus");
    return new Motion(
        effect == null ? defaults.effect : effect(effect, at.apply("effect")),
        zoom == null ? defaults.zoom : Double.valueOf(zoom(zoom, at.apply("zoom"))),
        speed == null ? defaults.speed : speed(speed, at.apply("speed")),
        start == null ? defaults.start : parseFraming(start, at.apply("start")),
        end == null ? defaults.end : parseFraming(end, at.apply("end")),
        focus == null ? defaults.focus : parseFocus(focus, at.apply("focus")));
  }

  static Effect effect(String raw, FieldRef at) {
    return Effect.fromApiName(raw).orElseThrow(() -> at.invalid("must be one of: " + Effect.allowed()));
  }

  static Speed speed(String raw, FieldRef at) {
    return Speed.fromApiName(raw).orElseThrow(() -> at.invalid("must be one of: " + Speed.allowed()));
  }

  static double zoom(String raw, FieldRef at) {
    try {
      return checkZoom(Double.parseDouble(raw), at);
    } catch (NumberFormatException e) {
      throw at.invalid(ZOOM_RULE);
    }
  }

  static double checkZoom(double value, FieldRef at) {
    if (!Double.isFinite(value) || value < MIN_ZOOM || value > MAX_ZOOM) {
      throw at.invalid(ZOOM_RULE);
    }
    return value;
  }

  /** Parses {@code x,y} or {@code auto}. */
  static Focus parseFocus(String raw, FieldRef at) {
    if (raw.trim().equalsIgnoreCase("auto")) {
      return Focus.AUTO;
    }
    String[] parts = raw.split(",");
    if (parts.length != 2) {
      throw at.invalid(FOCUS_RULE);
    }
    try {
      return checkFocus(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()), at);
    } catch (NumberFormatException e) {
      throw at.invalid(FOCUS_RULE);
    }
  }

  static Focus checkFocus(double x, double y, FieldRef at) {
    if (x >= 0 && x <= 1 && y >= 0 && y <= 1) {
      return Focus.at(x, y);
    }
    throw at.invalid(FOCUS_RULE);
  }

  /** Parses {@code x,y,width,height}. */
  static Framing parseFraming(String raw, FieldRef at) {
    String[] parts = raw.split(",");
    if (parts.length != 4) {
      throw at.invalid(FRAMING_RULE);
    }
    double[] v = new double[4];
    try {
      for (int i = 0; i < 4; i++) {
        v[i] = Double.parseDouble(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      throw at.invalid(FRAMING_RULE);
    }
    return checkFraming(v[0], v[1], v[2], v[3], at);
  }

  static Framing checkFraming(double x, double y, double width, double height, FieldRef at) {
    boolean finite = Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(width) && Double.isFinite(height);
    double slack = 1e-9;
    if (!finite || x < 0 || y < 0 || width < MIN_FRAMING_SIDE || height < MIN_FRAMING_SIDE
        || x + width > 1 + slack || y + height > 1 + slack) {
      throw at.invalid(FRAMING_RULE);
    }
    return new Framing(x, y, Math.min(width, 1 - x), Math.min(height, 1 - y));
  }

  /** Adds this motion's keys to {@code json} (flat, as in the request fields). */
  public JsonObject putInto(JsonObject json) {
    return json
        .put("effect", effect.apiName())
        .put("zoom", zoom)
        .put("speed", speed.apiName())
        .put("start", framingJson(start))
        .put("end", framingJson(end))
        .put("focus", focus.auto() ? "auto" : new JsonObject().put("x", focus.x()).put("y", focus.y()));
  }

  /** Reads what {@link #putInto} wrote; missing keys take the defaults (documents of older versions). */
  public static Motion fromJson(JsonObject json) {
    Number zoom = (Number) json.getValue("zoom");
    Object focus = json.getValue("focus");
    return new Motion(
        Effect.fromApiName(json.getString("effect", "")).orElse(DEFAULT.effect),
        zoom == null ? null : zoom.doubleValue(),
        Speed.fromApiName(json.getString("speed", "")).orElse(DEFAULT.speed),
        framingFromJson(json.getJsonObject("start")),
        framingFromJson(json.getJsonObject("end")),
        "auto".equals(focus) ? Focus.AUTO : focus instanceof JsonObject f
            ? Focus.at(f.getDouble("x", 0.5), f.getDouble("y", 0.5)) : Focus.CENTER);
  }

  private static JsonObject framingJson(Framing f) {
    return f == null ? null
        : new JsonObject().put("x", f.x()).put("y", f.y()).put("width", f.width()).put("height", f.height());
  }

  private static Framing framingFromJson(JsonObject json) {
    return json == null ? null : new Framing(json.getDouble("x", 0d), json.getDouble("y", 0d),
        json.getDouble("width", 1d), json.getDouble("height", 1d));
  }
}
