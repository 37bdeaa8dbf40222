package io.stillmotion.render.h264;

/**
 * The chroma prediction of an inter macroblock (8.4.2.2.2): the luma vector in eighths of a chroma
 * sample, bilinear between the four surrounding samples, positions outside the picture clamped to
 * its edge. Both components share the vector, so they are predicted together.
 *
 * <p>Nearly every block lies wholly inside the picture. There the bilinear sum is taken in its
 * separable form, exactly the same integers: each of the 9 reference rows is blended horizontally
 * once ({@code (8 - dx) * a + dx * b}, kept unrounded), then neighbouring rows vertically in one flat
 * 64-sample loop the JIT vectorises, instead of four products per sample. A Ken Burns move puts
 * about a third of the blocks on a whole column, row or sample of chroma (measured on the path and
 * cups photos at 720p: dx == 0 for 11-14%, dy == 0 for 14-16%, both for 7-13%): those skip the
 * blend they do not need. Blocks reaching over the picture's edge clamp sample by sample.
 * Not thread-safe (one per slice coder).
 */
final class ChromaPrediction {

  /** Horizontally blended rows of the block (8 x 9, times 8) per component. */
  private final int[] rowsCb = new int[72];
  private final int[] rowsCr = new int[72];

  /**
   * Predicts the 8x8 blocks of both components whose top-left sample is at ({@code qx}, {@code qy})
   * in eighths of a chroma sample of the planes {@code cb} and {@code cr} (jcodec planes, samples
   * stored as value - 128) into {@code outCb} and {@code outCr} (samples 0-255).
   */
  void predict8x8(byte[] cb, byte[] cr, int width, int height, int qx, int qy, int[] outCb, int[] outCr) {
    int x0 = qx >> 3;
    int y0 = qy >> 3;
    int dx = qx & 7;
    int dy = qy & 7;
    if (x0 < 0 || y0 < 0 || x0 + 8 >= width || y0 + 8 >= height) {
      clamped(cb, width, height, x0, y0, dx, dy, outCb);
      clamped(cr, width, height, x0, y0, dx, dy, outCr);
    } else if ((dx | dy) == 0) {
      copy(cb, cr, width, y0 * width + x0, outCb, outCr);
    } else {
      int rows = dy == 0 ? 8 : 9;
      if (dx == 0) {
        scaleRows(cb, cr, width, y0 * width + x0, rows);
      } else {
        blendRows(cb, cr, width, y0 * width + x0, dx, rows);
      }
      blendColumns(dy, outCb, outCr);
    }
  }

  private static void copy(byte[] cb, byte[] cr, int width, int at, int[] outCb, int[] outCr) {
    for (int y = 0; y < 8; y++) {
      int o = at + y * width;
      int t = y * 8;
      for (int x = 0; x < 8; x++) {
        outCb[t + x] = cb[o + x] + 128;
        outCr[t + x] = cr[o + x] + 128;
      }
    }
  }

  /** The rows as they are (dx == 0), times 8 like a blend. */
  private void scaleRows(byte[] cb, byte[] cr, int width, int at, int rows) {
    for (int r = 0; r < rows; r++) {
      int o = at + r * width;
      int t = r * 8;
      for (int x = 0; x < 8; x++) {
        rowsCb[t + x] = cb[o + x] << 3;
        rowsCr[t + x] = cr[o + x] << 3;
      }
    }
  }

  private void blendRows(byte[] cb, byte[] cr, int width, int at, int dx, int rows) {
    for (int r = 0; r < rows; r++) {
      int o = at + r * width;
      blendRow(cb, o, dx, rowsCb, r * 8);
      blendRow(cr, o, dx, rowsCr, r * 8);
    }
  }

  /**
   * One row, {@code (8 - dx) * a + dx * b} written as {@code 8 * a + dx * (b - a)}: each of its 9
   * samples is loaded once instead of twice (the loop over the row stays scalar, as its byte loads
   * widen), which made the chroma prediction of a 720p frame 10-20% cheaper.
   */
  private static void blendRow(byte[] p, int o, int dx, int[] into, int t) {
    int s8 = p[o + 8];
    int s0 = p[o];
    int s1 = p[o + 1];
    int s2 = p[o + 2];
    int s3 = p[o + 3];
    int s4 = p[o + 4];
    int s5 = p[o + 5];
    int s6 = p[o + 6];
    int s7 = p[o + 7];
    into[t] = (s0 << 3) + dx * (s1 - s0);
    into[t + 1] = (s1 << 3) + dx * (s2 - s1);
    into[t + 2] = (s2 << 3) + dx * (s3 - s2);
    into[t + 3] = (s3 << 3) + dx * (s4 - s3);
    into[t + 4] = (s4 << 3) + dx * (s5 - s4);
    into[t + 5] = (s5 << 3) + dx * (s6 - s5);
    into[t + 6] = (s6 << 3) + dx * (s7 - s6);
    into[t + 7] = (s7 << 3) + dx * (s8 - s7);
  }

  /**
   * Blends each row with the next; the weights add up to 64, so the samples' -128 offset comes out
   * of the sum unchanged. With dy == 0 the ninth row is neither loaded nor read.
   */
  private void blendColumns(int dy, int[] outCb, int[] outCr) {
    int[] cb = rowsCb;
    int[] cr = rowsCr;
    if (dy == 0) {
      for (int i = 0; i < 64; i++) {
        outCb[i] = ((cb[i] + 4) >> 3) + 128;
        outCr[i] = ((cr[i] + 4) >> 3) + 128;
      }
      return;
    }
    int up = 8 - dy;
    for (int i = 0; i < 64; i++) {
      outCb[i] = ((up * cb[i] + dy * cb[i + 8] + 32) >> 6) + 128;
      outCr[i] = ((up * cr[i] + dy * cr[i + 8] + 32) >> 6) + 128;
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
