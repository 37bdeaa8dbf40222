package io.stillmotion.render.h264;

/**
 * Where the content of a frame was in the previous frame: a pixel at (x, y) of this frame, in
 * pixel-centre coordinates, came from (scale * x + dx, scale * y + dy) of the previous one. A
 * camera that zooms and pans over a still image moves every pixel this way.
 */
public record CameraMotion(double scale, double dx, double dy) {

  public static final CameraMotion NONE = new CameraMotion(1, 0, 0);

  /**
   * The motion between two views of the same image, each given by the image position of the
   * frame's top-left corner and the image pixels per frame pixel (sample i covers the image from
   * left + i * step to left + (i + 1) * step).
   */
  public static CameraMotion between(double prevLeft, double prevTop, double prevStep, double left, double top,
      double step) {
    double scale = step / prevStep;
    double dx = (left - prevLeft + 0.5 * step) / prevStep - 0.5;
    double dy = (top - prevTop + 0.5 * step) / prevStep - 0.5;
    return new CameraMotion(scale, dx, dy);
  }

  /** The displacement at a point in quarter pixels, packed as {@link MotionField} stores vectors. */
  long vectorAt(double x, double y) {
    return MotionField.pack((int) Math.round(quarterX(x)), (int) Math.round(quarterY(y)));
  }

  /** The horizontal displacement at column x in quarter pixels, unrounded. */
  double quarterX(double x) {
    return 4 * (scale * x + dx - x);
  }

  /** The vertical displacement at row y in quarter pixels, unrounded. */
  double quarterY(double y) {
    return 4 * (scale * y + dy - y);
  }
}
