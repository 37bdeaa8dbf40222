package io.stillmotion.render.faces;

/**
 * Integral images ("summed-area tables"): entry (x, y) of a table with a row stride of width + 1
 * holds the sum of every pixel above and to the left of pixel (x, y), so any rectangle's sum is
 * four lookups: {@code s[bottom right] - s[top right] - s[bottom left] + s[top left]}.
 */
final class Integral {

  /** Pictures up to this many pixels: their sums fit an {@code int}. */
  static final int MAX_PIXELS = Integer.MAX_VALUE / 255;

  private Integral() {
  }

  static int[] of(byte[] grey, int width, int height) {
    if ((long) width * height > MAX_PIXELS) {
      throw new IllegalArgumentException("picture too large for an integral image: " + width + "x" + height);
    }
    int stride = width + 1;
    int[] s = new int[stride * (height + 1)];
    for (int y = 0; y < height; y++) {
      int row = 0;
      for (int x = 0; x < width; x++) {
        row += grey[y * width + x] & 0xFF;
        s[(y + 1) * stride + x + 1] = s[y * stride + x + 1] + row;
      }
    }
    return s;
  }

  static long[] ofSquares(byte[] grey, int width, int height) {
    int stride = width + 1;
    long[] s = new long[stride * (height + 1)];
    for (int y = 0; y < height; y++) {
      long row = 0;
      for (int x = 0; x < width; x++) {
        int v = grey[y * width + x] & 0xFF;
        row += v * v;
        s[(y + 1) * stride + x + 1] = s[y * stride + x + 1] + row;
      }
    }
    return s;
  }

}
