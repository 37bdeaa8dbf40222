package io.stillmotion.render;

/**
 * What the engine renders from one image: the camera's motion, length, frame rate, frame size and
 * the size/quality trade-off. The engine's own input, free of any service or API concern: the
 * service validates its request fields and hands the engine one of these. Rendered as the
 * one-shot {@link Story}.
 */
public record RenderSpec(Motion motion, double durationSeconds, int fps, int width, int height, Quality quality) {

  public RenderSpec {
    if (motion == null || quality == null) {
      throw new IllegalArgumentException("motion and quality are required");
    }
  }

  /** A preset motion with its default zoom and speed, heading for a fixed point. */
  public RenderSpec(Effect effect, double durationSeconds, int fps, int width, int height, Easing easing,
      double focusX, double focusY, Quality quality) {
    this(Motion.of(effect).withEasing(easing).withFocus(Focus.at(focusX, focusY)), durationSeconds, fps, width,
        height, quality);
  }

  /** Number of frames in the video. */
  public int frameCount() {
    return (int) Math.round(durationSeconds * fps);
  }

  public String size() {
    return width + "x" + height;
  }
}
