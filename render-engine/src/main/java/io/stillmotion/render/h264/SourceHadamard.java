package io.stillmotion.render.h264;

/**
 * The 4x4 Hadamard coefficients of the sixteen luma blocks of an intra macroblock's source, taken
 * once and shared by the Intra 16x16 and Intra 4x4 costs.
 *
 * <p>The transform is linear and exact in integers, so the coefficients of source minus prediction
 * are the source's minus the prediction's; and a prediction that is the same in every row
 * (vertical), every column (horizontal) or everywhere (DC) has only four, four or one coefficient
 * that is not zero. Those predictions' SATDs come from a few coefficients here, equal to the sums
 * {@link Costs#satd4x4} would take over the whole difference.
 */
final class SourceHadamard {

  /** Block {@code blk}'s coefficients at blk * 16 + v * 4 + u (vertical frequency v, horizontal u). */
  private final int[] coefficients = new int[256];
  private final int[] absSums = new int[16];

  /** Transforms the sixteen blocks of a 16x16 source (stride 16); blocks are numbered in raster order. */
  void load(int[] src) {
    for (int blk = 0; blk < 16; blk++) {
      absSums[blk] = transform(src, (blk >> 2) * 64 + (blk & 3) * 4, blk * 16);
    }
  }

  /** SATD of block {@code blk} against a prediction whose every row is (p0, p1, p2, p3). */
  int satdOfRows(int blk, int p0, int p1, int p2, int p3) {
    return (absSums[blk] + change(blk * 16, 1, p0, p1, p2, p3)) >> 1;
  }

  /** SATD of block {@code blk} against a prediction whose row y is filled with p_y. */
  int satdOfColumns(int blk, int p0, int p1, int p2, int p3) {
    return (absSums[blk] + change(blk * 16, 4, p0, p1, p2, p3)) >> 1;
  }

  /** SATD of block {@code blk} against a prediction of one value everywhere. */
  int satdOfFlat(int blk, int value) {
    int dc = coefficients[blk * 16];
    return (absSums[blk] - Math.abs(dc) + Math.abs(dc - 16 * value)) >> 1;
  }

  /**
   * Each 1-D transform takes (a0, a1, a2, a3) to (a0+a1+a2+a3, a0+a1-a2-a3, a0-a1+a2-a3, a0-a1-a2+a3):
   * rows first, then columns. Returns the sum of the coefficients' absolute values.
   */
  private int transform(int[] src, int at, int to) {
    int[] c = coefficients;
    for (int y = 0; y < 4; y++) {
      int o = at + y * 16;
      int s = src[o] + src[o + 1];
      int d = src[o] - src[o + 1];
      int t = src[o + 2] + src[o + 3];
      int u = src[o + 2] - src[o + 3];
      c[to + y * 4] = s + t;
      c[to + y * 4 + 1] = s - t;
      c[to + y * 4 + 2] = d + u;
      c[to + y * 4 + 3] = d - u;
    }
    int sum = 0;
    for (int x = to; x < to + 4; x++) {
      int s = c[x] + c[x + 4];
      int d = c[x] - c[x + 4];
      int t = c[x + 8] + c[x + 12];
      int u = c[x + 8] - c[x + 12];
      c[x] = s + t;
      c[x + 4] = s - t;
      c[x + 8] = d + u;
      c[x + 12] = d - u;
      sum += Math.abs(s + t) + Math.abs(s - t) + Math.abs(d + u) + Math.abs(d - u);
    }
    return sum;
  }

  /**
   * How the absolute sum changes when four times the 1-D transform of (p0..p3) is taken from the
   * four coefficients at {@code at}, {@code at + step}, ...: a prediction constant down its columns
   * has only the first row of coefficients (step 1), one constant along its rows only the first
   * column (step 4).
   */
  private int change(int at, int step, int p0, int p1, int p2, int p3) {
    int s = p0 + p1;
    int d = p0 - p1;
    int t = p2 + p3;
    int u = p2 - p3;
    int c0 = coefficients[at];
    int c1 = coefficients[at + step];
    int c2 = coefficients[at + 2 * step];
    int c3 = coefficients[at + 3 * step];
    return Math.abs(c0 - 4 * (s + t)) - Math.abs(c0) + Math.abs(c1 - 4 * (s - t)) - Math.abs(c1)
        + Math.abs(c2 - 4 * (d + u)) - Math.abs(c2) + Math.abs(c3 - 4 * (d - u)) - Math.abs(c3);
  }
}
