package io.stillmotion.render.h264;

import org.jcodec.codecs.h264.decode.CoeffTransformer;

/** Distortion and rate estimates for mode decisions. */
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

  /** Sum of absolute Hadamard-transformed differences over the 4x4 blocks of a 16x16 block. */
  static int satd16x16(int[] src, int[] pred, int[] scratch) {
    int total = 0;
    for (int y = 0; y < 16; y += 4) {
      for (int x = 0; x < 16; x += 4) {
        total += satd4x4(src, 16, x, y, pred, 16, x, y, scratch);
      }
    }
    return total;
  }

  static int satd4x4(int[] src, int srcStride, int sx, int sy, int[] pred, int predStride, int px, int py,
      int[] scratch) {
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        scratch[y * 4 + x] = src[(sy + y) * srcStride + sx + x] - pred[(py + y) * predStride + px + x];
      }
    }
    CoeffTransformer.invDC4x4(scratch);
    int sum = 0;
    for (int v : scratch) {
      sum += Math.abs(v);
    }
    return sum >> 1;
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
