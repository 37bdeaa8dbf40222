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
 * What to render: the camera's motion over the picture (preset, zoom, speed, framings, focus),
 * length, frame rate, frame size, timing curve and the size/quality trade-off. Built from request
 * fields with {@link #fromFields}, which names the offending field and what is allowed when a value
 * is bad. For a story, {@code durationSeconds} is the whole video and {@code motion} is unused (each
 * shot has its own).
 */
public record RenderOptions(
    Motion motion,
    double durationSeconds,
    int fps,
    int width,
    int height,
    Easing easing,
    Quality quality) {

  public static final List<Integer> ALLOWED_FPS = List.of(24, 25, 30, 50, 60);
  public static final List<String> ALLOWED_SIZES =
      List.of("1280x720", "1920x1080", "720x1280", "1080x1920", "720x720", "1080x1080");
  public static final double MIN_DURATION = 1;
  public static final double MAX_DURATION = 30;
  /** The request fields of the video as a whole (single image or story). */
  public static final List<String> OUTPUT_FIELDS = List.of("duration", "fps", "size", "easing", "quality");
  /** The request fields that carry options of a single-image task, as named in the API. */
  public static final List<String> FIELDS = java.util.stream.Stream.concat(
      Motion.FIELDS.stream(), OUTPUT_FIELDS.stream()).toList();

  public static final RenderOptions DEFAULTS =
      new RenderOptions(Motion.DEFAULT, 5, 30, 1280, 720, Easing.EASE_IN_OUT, Quality.MEDIUM);

  public RenderOptions {
    if (motion == null || easing == null || quality == null) {
      throw new IllegalArgumentException("motion, easing and quality are required");
    }
  }

  public static RenderOptions defaults() {
    return DEFAULTS;
  }

  public Effect effect() {
    return motion.effect();
  }

  public double focusX() {
    return motion.focus().x();
  }

  public double focusY() {
    return motion.focus().y();
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
    return new RenderSpec(motion.toEngine(easing), durationSeconds, fps, width, height, quality);
  }

  /**
   * Parses the fields of a single-image task (absent or blank ones take their defaults).
   *
   * @throws InvalidOptionException naming the field and what is allowed
   */
  public static RenderOptions fromFields(Map<String, String> fields) {
    Function<String, String> get = name -> {
      String v = fields.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    };
    Motion motion = Motion.fromFields(get, FieldRef::of, DEFAULTS.motion);
    return output(get, motion, DEFAULTS.durationSeconds, MIN_DURATION, MAX_DURATION);
  }

  /**
   * Parses the fields of the video as a whole: {@code duration} within {@code min..max} seconds
   * (else {@code defaultDuration}), {@code fps}, {@code size}, {@code easing}, {@code quality}.
   */
  public static RenderOptions output(Function<String, String> get, Motion motion, double defaultDuration,
      double minDuration, double maxDuration) {
    RenderOptions d = DEFAULTS;
    Easing easing = parseEnum(get.apply("easing"), d.easing, "easing", Easing::fromApiName, Easing.allowed());
    Quality quality =
        parseEnum(get.apply("quality"), d.quality, "quality", Quality::fromApiName, Quality.allowed());
    double duration = parseDuration(get.apply("duration"), defaultDuration, minDuration, maxDuration);
    int fps = parseFps(get.apply("fps"), d.fps);
    int[] size = parseSize(get.apply("size"), d.width, d.height);
    return new RenderOptions(motion, duration, fps, size[0], size[1], easing, quality);
  }

  private static <E> E parseEnum(
      String raw, E fallback, String field, Function<String, java.util.Optional<E>> lookup, String allowed) {
    if (raw == null) {
      return fallback;
    }
    return lookup.apply(raw).orElseThrow(
        () -> new InvalidOptionException(field, field + " must be one of: " + allowed));
  }

  private static double parseDuration(String raw, double fallback, double min, double max) {
    if (raw == null) {
      return fallback;
    }
    String rule = "duration must be a number of seconds from " + plain(min) + " to " + plain(max);
    double value;
    try {
      value = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new InvalidOptionException("duration", rule);
    }
    if (!Double.isFinite(value) || value < min || value > max) {
      throw new InvalidOptionException("duration", rule);
    }
    return value;
  }

  /** 30.0 as "30", 0.5 as "0.5". */
  static String plain(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
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

  public JsonObject toJson() {
    return motion.putInto(new JsonObject())
        .put("duration", durationSeconds)
        .put("fps", fps)
        .put("size", size())
        .put("width", width)
        .put("height", height)
        .put("easing", easing.apiName())
        .put("quality", quality.apiName());
  }

  /** Reads what {@link #toJson()} wrote; missing keys take their defaults (tasks of older versions). */
  public static RenderOptions fromJson(JsonObject json) {
    if (json == null) {
      return DEFAULTS;
    }
    RenderOptions d = DEFAULTS;
    return new RenderOptions(
        Motion.fromJson(json),
        json.getDouble("duration", d.durationSeconds),
        json.getInteger("fps", d.fps),
        json.getInteger("width", d.width),
        json.getInteger("height", d.height),
        Easing.fromApiName(json.getString("easing", "")).orElse(d.easing),
        Quality.fromApiName(json.getString("quality", "")).orElse(d.quality));
  }
}
