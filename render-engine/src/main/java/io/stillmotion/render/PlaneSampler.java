package io.stillmotion.render;

/**
 * Bilinear sampling of one output grid from the planes of a {@link YuvPyramid.Level}, in 8.8 fixed
 * point weights on samples x16, rounded once at the end (so the samples are exact integers and the
 * order of the two blends does not change them). The taps (source column and weight of each output
 * column, source row and weight of each output row) depend only on the grid, so they are worked out
 * once and serve every plane sampled on that grid (Cb and Cr share them).
 *
 * <p>Where the time goes: blending two source rows into a row of column values is a loop C2
 * vectorises, but only when every array in it holds ints (JDK 17 does not vectorise short loads
 * widened to int). So each source row is widened once into an int row, kept while the next output
 * row still needs it (one output row per source row or more: every source row serves two output
 * rows), and the blend runs on ints. The horizontal pass gathers two column values per output
 * sample; it stays scalar.
 */
final class PlaneSampler {

  private final int levelWidth;
  private final int outW;
  private final int outH;
  /** Per output column: left source column and the right one's weight (of 256). */
  private final int[] x0;
  private final int[] fx;
  /** Per output row: upper source row and the lower one's weight (of 256). */
  private final int[] y0;
  private final int[] fy;
  /** 0 where the level is one sample wide or high (both taps on the same sample). */
  private final int xStep;
  private final int yStep;
  /** The source columns any output sample reads. */
  private final int from;
  private final int to;
  private final int[] upper;
  private final int[] lower;
  private final int[] column;

  /**
   * Output sample (i, j) sits at output-pixel position (step*i + offX, step*j + offY), measured
   * from the frame's top-left corner in output pixels; it maps to level-0 position
   * left + pos * scale, then to the level's own coordinates (pixel centres at integers).
   */
  PlaneSampler(int levelWidth, int levelHeight, int levelIndex, double left, double top, double scale, double offX,
      double offY, int step, int outW, int outH) {
    this.levelWidth = levelWidth;
    this.outW = outW;
    this.outH = outH;
    double levelScale = 1.0 / (1 << levelIndex);
    x0 = new int[outW];
    fx = new int[outW];
    for (int i = 0; i < outW; i++) {
      double sx = (left + (step * i + offX) * scale) * levelScale - 0.5;
      sx = Math.max(0, Math.min(levelWidth - 1, sx));
      x0[i] = Math.max(Math.min((int) sx, levelWidth - 2), 0);
      fx[i] = levelWidth < 2 ? 0 : (int) Math.round((sx - x0[i]) * 256);
    }
    y0 = new int[outH];
    fy = new int[outH];
    for (int j = 0; j < outH; j++) {
      double sy = (top + (step * j + offY) * scale) * levelScale - 0.5;
      sy = Math.max(0, Math.min(levelHeight - 1, sy));
      y0[j] = Math.max(0, Math.min((int) sy, levelHeight - 2));
      fy[j] = levelHeight < 2 ? 0 : (int) Math.round((sy - y0[j]) * 256);
    }
    xStep = levelWidth < 2 ? 0 : 1;
    yStep = levelHeight < 2 ? 0 : 1;
    from = x0[0];
    to = x0[outW - 1] + xStep;
    upper = new int[to + 1];
    lower = new int[to + 1];
    column = new int[to + 1];
  }

  /** Samples {@code plane} (the level's Y, Cb or Cr) into {@code out}, row j at offset j * stride, as value - 128. */
  void sample(short[] plane, byte[] out, int stride) {
    int[] a = upper;
    int[] b = lower;
    int rowA = -1;
    int rowB = -1;
    for (int j = 0; j < outH; j++) {
      int r0 = y0[j];
      int r1 = r0 + yStep;
      if (r0 != rowA) {
        if (r0 == rowB) {
          int[] t = a;
          a = b;
          b = t;
          rowB = -1;
        } else {
          widen(plane, r0, a);
        }
        rowA = r0;
      }
      if (r1 != rowB) {
        widen(plane, r1, b);
        rowB = r1;
      }
      blendRows(a, b, fy[j]);
      blendColumns(out, j * stride);
    }
  }

  private void widen(short[] plane, int row, int[] into) {
    int base = row * levelWidth;
    for (int k = from; k <= to; k++) {
      into[k] = plane[base + k];
    }
  }

  private void blendRows(int[] a, int[] b, int weight) {
    int[] c = column;
    int keep = 256 - weight;
    for (int k = from; k <= to; k++) {
      c[k] = a[k] * keep + b[k] * weight;
    }
  }

  private void blendColumns(byte[] out, int offset) {
    int[] c = column;
    int step = xStep;
    for (int i = 0; i < outW; i++) {
      int k = x0[i];
      int f = fx[i];
      int v = (c[k] * (256 - f) + c[k + step] * f + (1 << 19)) >> 20;
      out[offset + i] = (byte) (v - 128);
    }
  }
}
