package io.stillmotion.render;

/**
 * What the engine renders: motion preset, length, frame rate, frame size, timing curve, where the
 * camera heads and the size/quality trade-off. The engine's own input, free of any service or API
 * concern: the service validates its request fields and hands the engine one of these.
 */
public record RenderSpec(
    Effect effect,
    double durationSeconds,
    int fps,
    int width,
    int height,
    Easing easing,
    double focusX,
    double focusY,
    Quality quality) {

  public RenderSpec {
    if (effect == null || easing == null || quality == null) {
      throw new IllegalArgumentException("effect, easing and quality are required");
    }
  }

  /** Number of frames in the video. */
  public int frameCount() {
    return (int) Math.round(durationSeconds * fps);
  }

  public String size() {
    return width + "x" + height;
  }
}
