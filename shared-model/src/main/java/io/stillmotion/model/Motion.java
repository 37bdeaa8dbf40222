package io.stillmotion.model;

import io.stillmotion.render.Effect;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * How the camera moves over one picture: a preset {@code effect}, optionally directed by a zoom
 * amount, a speed feel, start and end framings, and a focus point (or {@code auto}). Framings, when
 * given, replace the preset's path: the camera eases from {@code start} to {@code end} (either alone:
 * the other is the whole picture).
 *
 * @param zoom how much closer the tightest framing is than the widest (1 = no zoom); null = the
 *             preset's own amount
 */
public record Motion(Effect effect, Double zoom, Speed speed, Framing start, Framing end, Focus focus) {

  public static final double MIN_ZOOM = 1;
  public static final double MAX_ZOOM = 4;
  /** The request fields that direct the motion of one picture, as named in the API. */
  public static final List<String> FIELDS = List.of("effect", "focus", "zoom", "speed", "start", "end");

  public static final Motion DEFAULT = new Motion(Effect.KEN_BURNS, null, Speed.NORMAL, null, null, Focus.CENTRE);

  public Motion {
    if (effect == null || speed == null || focus == null) {
      throw new IllegalArgumentException("effect, speed and focus are required");
    }
  }

  /** True when start/end framings replace the preset's path. */
  public boolean framed() {
    return start != null || end != null;
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
        start == null ? defaults.start : Framing.parse(start, at.apply("start")),
        end == null ? defaults.end : Framing.parse(end, at.apply("end")),
        focus == null ? defaults.focus : Focus.parse(focus, at.apply("focus")));
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

  static final String ZOOM_RULE = "must be a number from 1 to 4: how much closer the tightest framing is than"
      + " the widest";

  static double checkZoom(double value, FieldRef at) {
    if (!Double.isFinite(value) || value < MIN_ZOOM || value > MAX_ZOOM) {
      throw at.invalid(ZOOM_RULE);
    }
    return value;
  }

  public Motion withFocus(Focus newFocus) {
    return new Motion(effect, zoom, speed, start, end, newFocus);
  }

  /** Adds this motion's keys to {@code json} (flat, as in the request fields). */
  public JsonObject putInto(JsonObject json) {
    return json
        .put("effect", effect.apiName())
        .put("zoom", zoom)
        .put("speed", speed.apiName())
        .put("start", start == null ? null : start.toJson())
        .put("end", end == null ? null : end.toJson())
        .put("focus", focus.toJson());
  }

  /** Reads what {@link #putInto} wrote; missing keys take the defaults (documents of older versions). */
  public static Motion fromJson(JsonObject json) {
    Number zoom = (Number) json.getValue("zoom");
    return new Motion(
        Effect.fromApiName(json.getString("effect", "")).orElse(DEFAULT.effect),
        zoom == null ? null : zoom.doubleValue(),
        Speed.fromApiName(json.getString("speed", "")).orElse(DEFAULT.speed),
        Framing.fromJson(json.getJsonObject("start")),
        Framing.fromJson(json.getJsonObject("end")),
        Focus.fromJson(json.getValue("focus")));
  }
}
