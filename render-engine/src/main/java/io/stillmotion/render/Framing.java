package io.stillmotion.render;

/**
 * A rectangle of the upright image (EXIF orientation applied) as shares of its width and height:
 * left, top, width, height, all within 0..1. Shares rather than pixels, so a framing stays true
 * whatever size the image is decoded or resized to; {@link #ofPixels} converts.
 */
public record Framing(double x, double y, double width, double height) {

  public Framing {
    if (!(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= 1 + 1e-9 && y + height <= 1 + 1e-9)) {
      throw new IllegalArgumentException(
          "a framing must be a non-empty rectangle inside the image (shares 0..1): " + x + "," + y + "," + width + ","
              + height);
    }
  }

  /** A framing from pixel coordinates of an upright image of the given size. */
  public static Framing ofPixels(double left, double top, double w, double h, int imageWidth, int imageHeight) {
    return new Framing(left / imageWidth, top / imageHeight, w / imageWidth, h / imageHeight);
  }

  double centerX() {
    return x + width / 2;
  }

  double centerY() {
    return y + height / 2;
  }
}
