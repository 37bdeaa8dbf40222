package io.stillmotion.render.h264;

import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

/**
 * Writes residual blocks with CABAC (clause 7.3.5.3.3): coded_block_flag (its context chosen by
 * {@link CabacSyntax}, which knows the neighbours), the significance map and the levels, with the
 * contexts of the block's category.
 */
final class CabacResidual {

  /** Block categories (table 9-42). */
  static final int LUMA_DC = 0;
  static final int LUMA_AC = 1;
  static final int LUMA_4X4 = 2;
  static final int CHROMA_DC = 3;
  static final int CHROMA_AC = 4;

  /** First context of each element (table 9-34, frame coding) and each category's offset in it (table 9-40). */
  private static final int CODED_BLOCK = 85;
  private static final int SIGNIFICANT = 105;
  private static final int LAST = 166;
  private static final int ABS_LEVEL = 227;
  private static final int[] CODED_BLOCK_OFFSET = {0, 4, 8, 12, 16};
  private static final int[] SIGNIFICANT_OFFSET = {0, 15, 29, 44, 47};
  private static final int[] ABS_LEVEL_OFFSET = {0, 10, 20, 30, 39};

  private final CabacCoder coder;
  /** A block's levels in scan order. */
  private final int[] scanned = new int[16];

  CabacResidual(CabacCoder coder) {
    this.coder = coder;
  }

  /**
   * One block's coded_block_flag and, when it has levels, its significance map and levels
   * (clause 7.3.5.3.3): the {@code n} coefficients from position {@code first} of the zigzag scan
   * (or of the array, for the chroma DC). Returns the coded_block_flag.
   */
  boolean write(int[] levels, int first, int n, boolean zigzag, int cat, int codedInc) {
    int last = -1;
    for (int i = 0; i < n; i++) {
      int v = levels[zigzag ? zigzag4x4[first + i] : first + i];
      scanned[i] = v;
      if (v != 0) {
        last = i;
      }
    }
    coder.decision(CODED_BLOCK + CODED_BLOCK_OFFSET[cat] + codedInc, last >= 0 ? 1 : 0);
    if (last < 0) {
      return false;
    }
    significanceMap(n, last, cat);
    levels(last, cat);
    return true;
  }

  /**
   * significant_coeff_flag and last_significant_coeff_flag up to the last level; a last level in
   * the block's final position is implied. The chroma DC's contexts are shared from position 2 on.
   */
  private void significanceMap(int n, int last, int cat) {
    int significant = SIGNIFICANT + SIGNIFICANT_OFFSET[cat];
    int lastCtx = LAST + SIGNIFICANT_OFFSET[cat];
    for (int i = 0; i < n - 1; i++) {
      int inc = cat == CHROMA_DC ? Math.min(i, 2) : i;
      if (scanned[i] == 0) {
        coder.decision(significant + inc, 0);
        continue;
      }
      coder.decision(significant + inc, 1);
      coder.decision(lastCtx + inc, i == last ? 1 : 0);
      if (i == last) {
        return;
      }
    }
  }

  /**
   * coeff_abs_level_minus1 (prefix: truncated unary of up to 14 bins; suffix: Exp-Golomb, bypass)
   * and the sign of each level, from the last down. The contexts count the levels coded so far
   * that were 1 and those above 1.
   */
  private void levels(int last, int cat) {
    int base = ABS_LEVEL + ABS_LEVEL_OFFSET[cat];
    int greaterMax = cat == CHROMA_DC ? 3 : 4;
    int ones = 0;
    int greater = 0;
    for (int i = last; i >= 0; i--) {
      int v = scanned[i];
      if (v == 0) {
        continue;
      }
      int minus1 = Math.abs(v) - 1;
      int firstCtx = base + (greater != 0 ? 0 : Math.min(4, 1 + ones));
      if (minus1 == 0) {
        coder.decision(firstCtx, 0);
        ones++;
      } else {
        coder.decision(firstCtx, 1);
        int ctx = base + 5 + Math.min(greaterMax, greater);
        int prefix = Math.min(minus1, 14);
        for (int bin = 1; bin < prefix; bin++) {
          coder.decision(ctx, 1);
        }
        if (minus1 < 14) {
          coder.decision(ctx, 0);
        } else {
          coder.expGolomb(minus1 - 14, 0);
        }
        greater++;
      }
      coder.bypass(v < 0 ? 1 : 0);
    }
  }
}
