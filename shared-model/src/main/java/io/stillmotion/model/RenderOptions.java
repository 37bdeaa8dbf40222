package io.stillmotion.model;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import io.stillmotion.render.RenderSpec;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What to render: motion preset, length, frame rate, frame size, timing curve, where the camera
 * heads and the size/quality trade-off. Built from request fields with {@link #fromFields}, which
 * names the offending field and what is allowed when a value is bad.
 */
public record RenderOptions(
    Effect effect,
    double durationSeconds,
    int fps,
    int width,
    int height,
    Easing easing,
    double focusX,
    double focusY,
    Quality quality) {

  public static final List<Integer> ALLOWED_FPS = List.of(24, 25, 30, 50, 60);
  public static final List<String> ALLOWED_SIZES =
      List.of("1280x720", "1920x1080", "720x1280", "1080x1920", "720x720", "1080x1080");
  public static final double MIN_DURATION = 1;
  public static final double MAX_DURATION = 30;
  /** The request fields that carry options, as named in the API. */
  public static final List<String> FIELDS =
      List.of("effect", "duration", "fps", "size", "easing", "focus", "quality");

  public static final RenderOptions DEFAULTS =
      new RenderOptions(Effect.KEN_BURNS, 5, 30, 1280, 720, Easing.EASE_IN_OUT, 0.5, 0.5, Quality.MEDIUM);

  public RenderOptions {
    if (effect == null || easing == null || quality == null) {
      throw new IllegalArgumentException("effect, easing and quality are required");
    }
  }

  public static RenderOptions defaults() {
    return DEFAULTS;
  }

  /** Number of frames in the video. */
  public int frameCount() {
    return (int) Math.round(durationSeconds * fps);
  }

  public String size() {
    return width + "x" + height;
  }

  /** What the render engine needs of these options. */
  public RenderSpec toSpec() {
    return new RenderSpec(effect, durationSeconds, fps, width, height, easing, focusX, focusY, quality);
  }

  /**
   * Parses request fields (absent or blank ones take their defaults).
   *
   * @throws InvalidOptionException naming the field and what is allowed
   */
  public static RenderOptions fromFields(Map<String, String> fields) {
    Function<String, String> get = name -> {
      String v = fields.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    };
    RenderOptions d = DEFAULTS;
    Effect effect = parseEnum(get.apply("effect"), d.effect, "effect", Effect::fromApiName, Effect.allowed());
    Easing easing = parseEnum(get.apply("easing"), d.easing, "easing", Easing::fromApiName, Easing.allowed());
    Quality quality =
        parseEnum(get.apply("quality"), d.quality, "quality", Quality::fromApiName, Quality.allowed());
    double duration = parseDuration(get.apply("duration"), d.durationSeconds);
    int fps = parseFps(get.apply("fps"), d.fps);
    int[] size = parseSize(get.apply("size"), d.width, d.height);
    double[] focus = parseFocus(get.apply("focus"), d.focusX, d.focusY);
    return new RenderOptions(effect, duration, fps, size[0], size[1], easing, focus[0], focus[1], quality);
  }

  private static <E> E parseEnum(
      String raw, E fallback, String field, Function<String, java.util.Optional<E>> lookup, String allowed) {
    if (raw == null) {
      return fallback;
    }
    return lookup.apply(raw).orElseThrow(
        () -> new InvalidOptionException(field, field + " must be one of: " + allowed));
  }

  private static double parseDuration(String raw, double fallback) {
    if (raw == null) {
      return fallback;
    }
    String rule = "duration must be a number of seconds from 1 to 30";
    double value;
    try {
      value = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new InvalidOptionException("duration", rule);
    }
    if (!Double.isFinite(value) || value < MIN_DURATION || value > MAX_DURATION) {
      throw new InvalidOptionException("duration", rule);
    }
    return value;
  }

  private static int parseFps(String raw, int fallback) {
    if (raw == null) {
      return fallback;
    }
    String rule = "fps must be one of: " + ALLOWED_FPS.toString().replaceAll("[\\[\\]]", "");
    try {
      int value = Integer.parseInt(raw);
      if (ALLOWED_FPS.contains(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the same message as an out-of-range value
    }
    throw new InvalidOptionException("fps", rule);
  }

  private static int[] parseSize(String raw, int width, int height) {
    if (raw == null) {
      return new int[] {width, height};
    }
    String normalised = raw.toLowerCase();
    if (!ALLOWED_SIZES.contains(normalised)) {
      throw new InvalidOptionException("size", "size must be one of: " + String.join(", ", ALLOWED_SIZES));
    }
    String[] parts = normalised.split("x");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }

  private static double[] parseFocus(String raw, double x, double y) {
    if (raw == null) {
      return new double[] {x, y};
    }
    String rule = "focus must be \"x,y\" with both numbers from 0 to 1 (0,0 is the top left corner)";
    String[] parts = raw.split(",");
    if (parts.length != 2) {
      throw new InvalidOptionException("focus", rule);
    }
    try {
      double fx = Double.parseDouble(parts[0].trim());
      double fy = Double.parseDouble(parts[1].trim());
      if (fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
        return new double[] {fx, fy};
      }
    } catch (NumberFormatException e) {
      // falls through to the same message as an out-of-range value
    }
    throw new InvalidOptionException("focus", rule);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("effect", effect.apiName())
        .put("duration", durationSeconds)
        .put("fps", fps)
        .put("size", size())
        .put("width", width)
        .put("height", height)
        .put("easing", easing.apiName())
        .put("focus", new JsonObject().put("x", focusX).put("y", focusY))
        .put("quality", quality.apiName());
  }

  /** Reads what {@link #toJson()} wrote; missing keys take their defaults (tasks of older versions). */
  public static RenderOptions fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULTS;
    }
    RenderOptions d = DEFAULTS;
    JsonObject focus = json.getJsonObject("focus", new JsonObject());
    return new RenderOptions(
        Effect.fromApiName(json.getString("effect", "")).orElse(d.effect),
        json.getDouble("duration", d.durationSeconds),
        json.getInteger("fps", d.fps),
        json.getInteger("width", d.width),
        json.getInteger("height", d.height),
        Easing.fromApiName(json.getString("easing", "")).orElse(d.easing),
        focus.getDouble("x", d.focusX),
        focus.getDouble("y", d.focusY),
        Quality.fromApiName(json.getString("quality", "")).orElse(d.quality));
  }
}
