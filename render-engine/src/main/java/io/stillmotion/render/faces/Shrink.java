package io.stillmotion.render.faces;

/**
 * Shrinks a grey picture by exact area averaging: each output pixel is the mean of the source
 * area it covers, partly covered source pixels counting by the share covered. No aliasing, and
 * the result does not depend on how the scale was reached (one step or several).
 */
final class Shrink {

  private Shrink() {
  }

  static byte[] area(byte[] src, int width, int height, int w, int h) {
    if (w == width && h == height) {
      return src;
    }
    if (w > width || h > height || w <= 0 || h <= 0) {
      throw new IllegalArgumentException("cannot shrink " + width + "x" + height + " to " + w + "x" + h);
    }
    float[][] cols = weights(width, w);
    int[] colFirst = firsts(width, w);
    float[] rows = new float[w * height];
    for (int y = 0; y < height; y++) {
      int in = y * width;
      for (int x = 0; x < w; x++) {
        float[] k = cols[x];
        float acc = 0;
        for (int i = 0, sx = in + colFirst[x]; i < k.length; i++, sx++) {
          acc += k[i] * (src[sx] & 0xFF);
        }
        rows[y * w + x] = acc;
      }
    }
    float[][] rk = weights(height, h);
    int[] rowFirst = firsts(height, h);
    byte[] out = new byte[w * h];
    for (int y = 0; y < h; y++) {
      float[] k = rk[y];
      for (int x = 0; x < w; x++) {
        float acc = 0;
        for (int i = 0, sy = rowFirst[y]; i < k.length; i++, sy++) {
          acc += k[i] * rows[sy * w + x];
        }
        out[y * w + x] = (byte) Math.min(255, Math.round(acc));
      }
    }
    return out;
  }

  /** First source pixel each output pixel covers. */
  private static int[] firsts(int size, int n) {
    int[] f = new int[n];
    for (int o = 0; o < n; o++) {
      f[o] = (int) ((double) o * size / n);
    }
    return f;
  }

  /** The share of each covered source pixel in an output pixel; the shares add up to 1. */
  private static float[][] weights(int size, int n) {
    double scale = (double) size / n;
    float[][] k = new float[n][];
    for (int o = 0; o < n; o++) {
      double a = o * scale;
      double b = Math.min(size, (o + 1) * scale);
      int first = (int) a;
      int last = Math.min(size - 1, (int) Math.ceil(b) - 1);
      k[o] = new float[last - first + 1];
      for (int s = first; s <= last; s++) {
        k[o][s - first] = (float) ((Math.min(s + 1, b) - Math.max(s, a)) / scale);
      }
    }
    return k;
  }
}
