package io.stillmotion.render.h264;

/**
 * Distortion and rate estimates for mode decisions. SATD is the sum of the absolute values of the
 * 4x4 Hadamard transform of a difference, halved.
 */
final class Costs {

  private Costs() {
  }

  /** Weight of one estimated bit against one unit of SAD/SATD at a QP. */
  static int lambda(int qp) {
    return (int) Math.round(Math.sqrt(0.85 * Math.pow(2, (qp - 12) / 3.0)));
  }

  /** SAD of the {@code n} by {@code n} block {@code src} (stride n) against a prediction whose every row is {@code row}. */
  static int sadOfRows(int[] src, int n, int[] row) {
    int s = 0;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        s += Math.abs(src[y * n + x] - row[x]);
      }
    }
    return s;
  }

  /** SAD of the {@code n} by {@code n} block {@code src} against a prediction whose row y is filled with column[y]. */
  static int sadOfColumns(int[] src, int n, int[] column) {
    int s = 0;
    for (int y = 0; y < n; y++) {
      int value = column[y];
      for (int x = 0; x < n; x++) {
        s += Math.abs(src[y * n + x] - value);
      }
    }
    return s;
  }

  /** SAD of a {@code size} by {@code size} block of {@code src} at {@code at} against one value everywhere. */
  static int sadOfFlat(int[] src, int at, int stride, int size, int value) {
    int s = 0;
    for (int y = 0; y < size; y++) {
      int o = at + y * stride;
      for (int x = 0; x < size; x++) {
        s += Math.abs(src[o + x] - value);
      }
    }
    return s;
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
    return satd4x4(Integer.MAX_VALUE, a[aAt] - b[bAt], a[aAt + 1] - b[bAt + 1], a[aAt + 2] - b[bAt + 2], a[aAt + 3] - b[bAt + 3],
        a[a1] - b[b1], a[a1 + 1] - b[b1 + 1], a[a1 + 2] - b[b1 + 2], a[a1 + 3] - b[b1 + 3],
        a[a2] - b[b2], a[a2 + 1] - b[b2 + 1], a[a2 + 2] - b[b2 + 2], a[a2 + 3] - b[b2 + 3],
        a[a3] - b[b3], a[a3 + 1] - b[b3 + 1], a[a3 + 2] - b[b3 + 2], a[a3 + 3] - b[b3 + 3]);
  }

  /**
   * SATD of the 4x4 difference given row by row, in locals (no scratch array): rows are
   * transformed first, then each column's transform is summed. Once half the columns already
   * reach {@code limit}, the sum stops there: it returns the SATD, or a value at or above
   * {@code limit} that is no greater than the SATD.
   */
  static int satd4x4(int limit, int d00, int d01, int d02, int d03, int d10, int d11, int d12, int d13,
      int d20, int d21, int d22, int d23, int d30, int d31, int d32, int d33) {
    int s0 = d00 + d01;
    int d0 = d00 - d01;
    int t0 = d02 + d03;
    int u0 = d02 - d03;
    int s1 = d10 + d11;
    int d1 = d10 - d11;
    int t1 = d12 + d13;
    int u1 = d12 - d13;
    int s2 = d20 + d21;
    int d2 = d20 - d21;
    int t2 = d22 + d23;
    int u2 = d22 - d23;
    int s3 = d30 + d31;
    int d3 = d30 - d31;
    int t3 = d32 + d33;
    int u3 = d32 - d33;
    int half = column(s0 + t0, s1 + t1, s2 + t2, s3 + t3) + column(s0 - t0, s1 - t1, s2 - t2, s3 - t3);
    if (half >> 1 >= limit) {
      return half >> 1;
    }
    return (half + column(d0 + u0, d1 + u1, d2 + u2, d3 + u3) + column(d0 - u0, d1 - u1, d2 - u2, d3 - u3)) >> 1;
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
   * Bits of a motion vector difference as two signed Exp-Golomb codes: what CAVLC wrote, kept as an
   * estimate of CABAC's cost, which depends on its contexts (weighing it at 3/4 helped one photo and
   * hurt another, docs/performance.md stop 24).
   */
  static int mvdBits(long mv, long mvp) {
    return seBits(MotionField.unpackX(mv) - MotionField.unpackX(mvp))
        + seBits(MotionField.unpackY(mv) - MotionField.unpackY(mvp));
  }

  private static int seBits(int v) {
    int codeNum = v > 0 ? 2 * v - 1 : -2 * v;
    return 2 * (31 - Integer.numberOfLeadingZeros(codeNum + 1)) + 1;
  }
}
