package io.stillmotion.render.h264;

/**
 * The plain forms of what {@link Quant#quantizeScored} does in one pass — quantisation in raster order,
 * then the decimation score walking the scan from the high frequencies down — kept as the tests' oracle.
 */
final class QuantReference {

  private QuantReference() {
  }

  /**
   * Quantises coefficients in place from position {@code from}; positions before it become zero.
   * Intra blocks round at a third of a step, inter blocks at a sixth (a wider dead zone: their
   * residual is mostly noise). Returns whether any level is non-zero.
   */
  static boolean quantize4x4(int[] c, int qp, boolean intra, int from) {
    int qbits = 15 + qp / 6;
    int round = (1 << qbits) / (intra ? 3 : 6);
    int[] mf = Quant.MF_4X4[qp % 6];
    boolean any = false;
    for (int i = 0; i < from; i++) {
      c[i] = 0;
    }
    for (int i = from; i < 16; i++) {
      int v = c[i];
      int level = (Math.abs(v) * mf[i] + round) >> qbits;
      c[i] = v < 0 ? -level : level;
      any |= level != 0;
    }
    return any;
  }

  /** How much a block's levels are worth keeping: {@link Quant#DECIMATE_NEVER} if any level exceeds 1. */
  static int decimateScore(int[] levels, int[] scan, int from) {
    int idx = 15;
    while (idx >= from && levels[scan[idx]] == 0) {
      idx--;
    }
    int score = 0;
    while (idx >= from) {
      int v = levels[scan[idx--]];
      if (v > 1 || v < -1) {
        return Quant.DECIMATE_NEVER;
      }
      int run = 0;
      while (idx >= from && levels[scan[idx]] == 0) {
        idx--;
        run++;
      }
      score += Quant.DECIMATE_RUN_SCORE[run];
    }
    return score;
  }
}
