package io.stillmotion.render.h264;

/**
 * Distortion and rate estimates for mode decisions.
 *
 * <p>SATD here is the sum of the absolute values of the 4x4 Hadamard transform of a difference,
 * halved. The transform is linear and exact in integers, so the coefficients of source minus
 * prediction are the source's coefficients minus the prediction's; and a prediction that is the
 * same in every row (vertical), every column (horizontal) or everywhere (DC) has only four, four or
 * one coefficient that is not zero. The {@code satd...Of} methods use that to cost those three
 * modes from the source's coefficients alone, with the very sums a full transform would give.
 */
final class Costs {

  private Costs() {
  }

  /** Weight of one estimated bit against one unit of SAD/SATD at a QP. */
  static int lambda(int qp) {
    return (int) Math.round(Math.sqrt(0.85 * Math.pow(2, (qp - 12) / 3.0)));
  }

  static int sad(int[] a, int[] b, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.abs(a[i] - b[i]);
    }
    return s;
  }

  /** SATD of a 16x16 block (stride 16) against its prediction (stride 16): the sum over its sixteen 4x4 blocks. */
  static int satd16x16(int[] src, int[] pred) {
    int total = 0;
    for (int at = 0; at < 256; at += 64) {
      for (int x = 0; x < 16; x += 4) {
        total += satd4x4(src, at + x, 16, pred, at + x, 16);
      }
    }
    return total;
  }

  /** SATD of the 4x4 block of {@code a} at {@code aAt} against the one of {@code b} at {@code bAt}. */
  static int satd4x4(int[] a, int aAt, int aStride, int[] b, int bAt, int bStride) {
    int a1 = aAt + aStride;
    int a2 = a1 + aStride;
    int a3 = a2 + aStride;
    int b1 = bAt + bStride;
    int b2 = b1 + bStride;
    int b3 = b2 + bStride;
    // Rows first: each row's four differences to its 1-D transform, kept in locals.
    int s0 = a[aAt] - b[bAt] + a[aAt + 1] - b[bAt + 1];
    int d0 = a[aAt] - b[bAt] - a[aAt + 1] + b[bAt + 1];
    int t0 = a[aAt + 2] - b[bAt + 2] + a[aAt + 3] - b[bAt + 3];
    int u0 = a[aAt + 2] - b[bAt + 2] - a[aAt + 3] + b[bAt + 3];
    int s1 = a[a1] - b[b1] + a[a1 + 1] - b[b1 + 1];
    int d1 = a[a1] - b[b1] - a[a1 + 1] + b[b1 + 1];
    int t1 = a[a1 + 2] - b[b1 + 2] + a[a1 + 3] - b[b1 + 3];
    int u1 = a[a1 + 2] - b[b1 + 2] - a[a1 + 3] + b[b1 + 3];
    int s2 = a[a2] - b[b2] + a[a2 + 1] - b[b2 + 1];
    int d2 = a[a2] - b[b2] - a[a2 + 1] + b[b2 + 1];
    int t2 = a[a2 + 2] - b[b2 + 2] + a[a2 + 3] - b[b2 + 3];
    int u2 = a[a2 + 2] - b[b2 + 2] - a[a2 + 3] + b[b2 + 3];
    int s3 = a[a3] - b[b3] + a[a3 + 1] - b[b3 + 1];
    int d3 = a[a3] - b[b3] - a[a3 + 1] + b[b3 + 1];
    int t3 = a[a3 + 2] - b[b3 + 2] + a[a3 + 3] - b[b3 + 3];
    int u3 = a[a3 + 2] - b[b3 + 2] - a[a3 + 3] + b[b3 + 3];
    return (column(s0 + t0, s1 + t1, s2 + t2, s3 + t3) + column(s0 - t0, s1 - t1, s2 - t2, s3 - t3)
        + column(d0 + u0, d1 + u1, d2 + u2, d3 + u3) + column(d0 - u0, d1 - u1, d2 - u2, d3 - u3)) >> 1;
  }

  /** Sum of the absolute values of the 1-D Hadamard transform of one column. */
  private static int column(int r0, int r1, int r2, int r3) {
    int s = r0 + r1;
    int d = r0 - r1;
    int t = r2 + r3;
    int u = r2 - r3;
    return Math.abs(s + t) + Math.abs(s - t) + Math.abs(d + u) + Math.abs(d - u);
  }

  /**
   * The 4x4 Hadamard transform of the block of {@code src} at {@code at} into {@code out}: out[v * 4 + u]
   * is the coefficient of vertical frequency v and horizontal frequency u, each 1-D transform of
   * (a0, a1, a2, a3) giving (a0+a1+a2+a3, a0+a1-a2-a3, a0-a1+a2-a3, a0-a1-a2+a3); returns the sum
   * of the coefficients' absolute values.
   */
  static int hadamard4x4(int[] src, int at, int stride, int[] out) {
    for (int y = 0; y < 4; y++) {
      int o = at + y * stride;
      int s = src[o] + src[o + 1];
      int d = src[o] - src[o + 1];
      int t = src[o + 2] + src[o + 3];
      int u = src[o + 2] - src[o + 3];
      out[y * 4] = s + t;
      out[y * 4 + 1] = s - t;
      out[y * 4 + 2] = d + u;
      out[y * 4 + 3] = d - u;
    }
    int sum = 0;
    for (int x = 0; x < 4; x++) {
      int s = out[x] + out[4 + x];
      int d = out[x] - out[4 + x];
      int t = out[8 + x] + out[12 + x];
      int u = out[8 + x] - out[12 + x];
      out[x] = s + t;
      out[4 + x] = s - t;
      out[8 + x] = d + u;
      out[12 + x] = d - u;
      sum += Math.abs(s + t) + Math.abs(s - t) + Math.abs(d + u) + Math.abs(d - u);
    }
    return sum;
  }

  /**
   * SATD against a prediction whose every row is (p0, p1, p2, p3), given the source's coefficients
   * and their absolute sum from {@link #hadamard4x4}: only the first row of coefficients changes,
   * by four times the row's 1-D transform.
   */
  static int satdOfRows(int[] coefficients, int absSum, int p0, int p1, int p2, int p3) {
    return (absSum + changed(coefficients, 0, 1, p0, p1, p2, p3)) >> 1;
  }

  /** As {@link #satdOfRows} for a prediction whose row y is filled with p_y: only the first column changes. */
  static int satdOfColumns(int[] coefficients, int absSum, int p0, int p1, int p2, int p3) {
    return (absSum + changed(coefficients, 0, 4, p0, p1, p2, p3)) >> 1;
  }

  /** As {@link #satdOfRows} for a prediction of one value everywhere: only the DC coefficient changes. */
  static int satdOfFlat(int[] coefficients, int absSum, int value) {
    return (absSum - Math.abs(coefficients[0]) + Math.abs(coefficients[0] - 16 * value)) >> 1;
  }

  /**
   * How the absolute sum changes when four times the 1-D transform of (p0..p3) is taken from the
   * four coefficients at {@code at}, {@code at + step}, ...
   */
  private static int changed(int[] c, int at, int step, int p0, int p1, int p2, int p3) {
    int s = p0 + p1;
    int d = p0 - p1;
    int t = p2 + p3;
    int u = p2 - p3;
    int c0 = c[at];
    int c1 = c[at + step];
    int c2 = c[at + 2 * step];
    int c3 = c[at + 3 * step];
    return Math.abs(c0 - 4 * (s + t)) - Math.abs(c0) + Math.abs(c1 - 4 * (s - t)) - Math.abs(c1)
        + Math.abs(c2 - 4 * (d + u)) - Math.abs(c2) + Math.abs(c3 - 4 * (d - u)) - Math.abs(c3);
  }

  /** Bits of a motion vector difference (two signed Exp-Golomb codes). */
  static int mvdBits(long mv, long mvp) {
    return seBits(MotionField.unpackX(mv) - MotionField.unpackX(mvp))
        + seBits(MotionField.unpackY(mv) - MotionField.unpackY(mvp));
  }

  private static int seBits(int v) {
    int codeNum = v > 0 ? 2 * v - 1 : -2 * v;
    return 2 * (31 - Integer.numberOfLeadingZeros(codeNum + 1)) + 1;
  }
}
