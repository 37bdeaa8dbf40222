package io.stillmotion.render;

/**
 * Where a preset's camera heads: a point of the upright image as shares of its width and height
 * (0,0 is the top left), or {@link #AUTO}: the most interesting part of the picture, found by
 * {@link FocusFinder} when the shot's image is decoded.
 */
public record Focus(double x, double y, boolean auto) {

  public static final Focus CENTER = new Focus(0.5, 0.5, false);
  public static final Focus AUTO = new Focus(0.5, 0.5, true);

  public Focus {
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) {
      throw new IllegalArgumentException("focus must lie within 0..1 on both axes: " + x + "," + y);
    }
  }

  public static Focus at(double x, double y) {
    return new Focus(x, y, false);
  }
}
