package io.stillmotion.render.h264;

/**
 * The chroma prediction of an inter macroblock (8.4.2.2.2): the luma vector in eighths of a chroma
 * sample, bilinear between the four surrounding samples, positions outside the picture clamped to
 * its edge. Nearly every block lies wholly inside the picture, where no sample needs clamping: that
 * case has its own loop, free of the per-sample bounds work the edge blocks need.
 */
final class ChromaPrediction {

  private ChromaPrediction() {
  }

  /**
   * Predicts the 8x8 block whose top-left sample is at ({@code qx}, {@code qy}) in eighths of a
   * chroma sample of {@code plane} (a jcodec plane, samples stored as value - 128) into {@code out}
   * (samples 0-255).
   */
  static void predict8x8(byte[] plane, int width, int height, int qx, int qy, int[] out) {
    int x0 = qx >> 3;
    int y0 = qy >> 3;
    int dx = qx & 7;
    int dy = qy & 7;
    if (x0 >= 0 && y0 >= 0 && x0 + 8 < width && y0 + 8 < height) {
      inside(plane, width, x0, y0, dx, dy, out);
    } else {
      clamped(plane, width, height, x0, y0, dx, dy, out);
    }
  }

  private static void inside(byte[] plane, int width, int x0, int y0, int dx, int dy, int[] out) {
    int wA = (8 - dx) * (8 - dy);
    int wB = dx * (8 - dy);
    int wC = (8 - dx) * dy;
    int wD = dx * dy;
    for (int y = 0; y < 8; y++) {
      int above = (y0 + y) * width + x0;
      int below = above + width;
      int o = y * 8;
      for (int x = 0; x < 8; x++) {
        int sum = wA * plane[above + x] + wB * plane[above + x + 1] + wC * plane[below + x] + wD * plane[below + x + 1];
        // The weights add up to 64, so the samples' -128 offset comes out of the sum unchanged.
        out[o + x] = ((sum + 32) >> 6) + 128;
      }
    }
  }

  private static void clamped(byte[] plane, int width, int height, int x0, int y0, int dx, int dy, int[] out) {
    int wA = (8 - dx) * (8 - dy);
    int wB = dx * (8 - dy);
    int wC = (8 - dx) * dy;
    int wD = dx * dy;
    for (int y = 0; y < 8; y++) {
      int above = clamp(y0 + y, height) * width;
      int below = clamp(y0 + y + 1, height) * width;
      for (int x = 0; x < 8; x++) {
        int left = clamp(x0 + x, width);
        int right = clamp(x0 + x + 1, width);
        int sum = wA * plane[above + left] + wB * plane[above + right] + wC * plane[below + left]
            + wD * plane[below + right];
        out[y * 8 + x] = ((sum + 32) >> 6) + 128;
      }
    }
  }

  private static int clamp(int v, int size) {
    return v < 0 ? 0 : Math.min(v, size - 1);
  }
}
