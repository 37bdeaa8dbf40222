package io.stillmotion.render.h264;

import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

/**
 * Forward quantisation of 4x4 transform coefficients (the decoder side is jcodec's
 * {@code CoeffTransformer}, which follows the standard exactly), the chroma QP table and the
 * "decimation" score that finds blocks whose few +-1 levels cost more bits than they are worth.
 */
final class Quant {

  static final int MIN_QP = 18;
  static final int MAX_QP = 51;

  /** Multipliers for positions with both, one or no odd frequency, per QP % 6. */
  private static final int[][] MF = {
      {13107, 5243, 8066}, {11916, 4660, 7490}, {10082, 4194, 6554},
      {9362, 3647, 5825}, {8192, 3355, 5243}, {7282, 2893, 4559}};

  /** {@link #MF} spread over the 16 positions of a 4x4 block, per QP % 6. */
  static final int[][] MF_4X4 = new int[6][16];

  static {
    for (int q = 0; q < 6; q++) {
      for (int pos = 0; pos < 16; pos++) {
        int row = pos >> 2;
        int col = pos & 3;
        int kind = (row & 1) == 0 && (col & 1) == 0 ? 0 : (row & 1) == 1 && (col & 1) == 1 ? 1 : 2;
        MF_4X4[q][pos] = MF[q][kind];
      }
    }
  }

  /** {@link #MF_4X4} in zigzag order, per QP % 6. */
  private static final int[][] MF_ZIGZAG = new int[6][16];

  static {
    for (int q = 0; q < 6; q++) {
      for (int i = 0; i < 16; i++) {
        MF_ZIGZAG[q][i] = MF_4X4[q][zigzag4x4[i]];
      }
    }
  }

  private static final int[] CHROMA_QP = {
      29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39};

  /** Cost of a +-1 level after this many zeros, in the scan from the high frequencies down. */
  static final int[] DECIMATE_RUN_SCORE = {3, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static final int DECIMATE_NEVER = 9;

  private Quant() {
  }

  static int chromaQp(int qp) {
    return qp < 30 ? qp : CHROMA_QP[qp - 30];
  }

  /**
   * Quantises coefficients in place from position {@code from} (positions before it become zero) and
   * scores them for decimation in the same pass over the zigzag scan: returns the block's decimation
   * score in the low eight bits ({@link #DECIMATE_NEVER} if any level exceeds 1, else each +-1 level
   * scores by the zeros below it in the scan) and its count of non-zero levels above them
   * ({@link #score}, {@link #count}). Intra blocks round at a third of a step, inter blocks at a sixth
   * (a wider dead zone: their residual is mostly noise). The tests hold it to the plain two-pass form
   * ({@code QuantReference}).
   */
  static int quantizeScored(int[] c, int qp, boolean intra, int from) {
    int qbits = 15 + qp / 6;
    int round = (1 << qbits) / (intra ? 3 : 6);
    int[] mf = MF_ZIGZAG[qp % 6];
    if (from > 0) {
      c[0] = 0;
    }
    int count = 0;
    int score = 0;
    boolean large = false;
    int previous = from - 1;
    for (int i = from; i < 16; i++) {
      int p = zigzag4x4[i];
      int v = c[p];
      int level = (Math.abs(v) * mf[i] + round) >> qbits;
      if (level != 0) {
        c[p] = v < 0 ? -level : level;
        count++;
        if (level > 1) {
          large = true;
        } else {
          score += DECIMATE_RUN_SCORE[i - previous - 1];
        }
        previous = i;
      } else {
        c[p] = 0;
      }
    }
    return (large ? DECIMATE_NEVER : score) | count << 8;
  }

  static int score(int scored) {
    return scored & 0xFF;
  }

  static int count(int scored) {
    return scored >> 8;
  }

  /**
   * A 4x4 residual block whose sum of absolute differences is below this quantises to all-zero
   * levels, so it needs no transform. A coefficient of the forward core transform is at most the
   * SAD times 1, 2 or 4 (the products of its basis rows' largest factors), and that bound times
   * its multiplier plus the rounding must stay under one quantisation step.
   */
  static int zeroBlockSad(int qp, boolean intra) {
    int qbits = 15 + qp / 6;
    int round = (1 << qbits) / (intra ? 3 : 6);
    int[] mf = MF[qp % 6];
    int gain = Math.max(mf[0], Math.max(4 * mf[1], 2 * mf[2]));
    return ((1 << qbits) - round + gain - 1) / gain;
  }

  /** Quantises Hadamard-transformed DC coefficients (luma 4x4 or chroma 2x2). */
  static boolean quantizeDc(int[] c, int n, int qp, boolean intra) {
    int qbits = 16 + qp / 6;
    int round = (1 << qbits) / (intra ? 3 : 6);
    int mf = MF[qp % 6][0];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      int v = c[i];
      int level = (Math.abs(v) * mf + round) >> qbits;
      c[i] = v < 0 ? -level : level;
      any |= level != 0;
    }
    return any;
  }
}
