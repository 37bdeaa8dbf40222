package io.stillmotion.render.h264;

import java.util.Arrays;

/**
 * Intra 4x4 luma for a macroblock: the sixteen blocks in decoding order, each predicted from its
 * already reconstructed neighbours with the mode of lowest SATD plus mode bits, coded and
 * reconstructed before the next. Remembers every block's mode in the picture, since a block's
 * mode is coded against the modes of the blocks left of and above it.
 */
final class Intra4x4Coder {

  private final int blocksPerRow;
  /** Mode of every 4x4 luma block of the picture, -1 where the macroblock is not Intra 4x4. */
  private final int[] pictureModes;
  private final int[] modes = new int[16];
  private final int[] predicted = new int[16];
  private final Intra4x4Prediction predictions = new Intra4x4Prediction();
  private final int[] prediction = new int[16];

  Intra4x4Coder(int mbW, int mbH) {
    this.blocksPerRow = mbW * 4;
    this.pictureModes = new int[mbW * 4 * mbH * 4];
  }

  /**
   * Codes the macroblock's luma as Intra 4x4 into {@code residual}'s levels and the picture's
   * samples; returns its cost (SATD plus lambda-weighted mode bits) to weigh against Intra 16x16.
   * Each block adds a cost of at least zero, so once the sum reaches {@code limit} (the cost of
   * Intra 16x16, which wins ties) Intra 4x4 has lost whatever the remaining blocks cost: coding
   * stops there and returns a value at or above the limit. Intra 16x16 then codes every level and
   * sample of the macroblock anew.
   */
  int code(int[] src, SourceHadamard hadamard, byte[] plane, int stride, int mbX, int mbY, Residual residual,
      int lambda, int limit) {
    int total = 0;
    for (int i8 = 0; i8 < 4; i8++) {
      for (int b = 0; b < 4; b++) {
        int blk = Residual.blockIndex(i8, b);
        int bx = blk & 3;
        int by = blk >> 2;
        int gx = (mbX << 2) + bx;
        int gy = (mbY << 2) + by;
        boolean hasTop = gy > 0;
        boolean hasLeft = gx > 0;
        boolean hasTopRight = hasTop && gx + 1 < blocksPerRow
            && (by == 0 || bx < 3 && decodingOrder(bx + 1, by - 1) < decodingOrder(bx, by));
        predictions.load(plane, stride, gx * 4, gy * 4, hasTop, hasLeft, hasTopRight);
        int expected = Intra4x4Prediction.DC;
        if (hasTop && hasLeft) {
          expected = Math.min(modeForPrediction(gy * blocksPerRow + gx - 1),
              modeForPrediction((gy - 1) * blocksPerRow + gx));
        }
        int bestCost = Integer.MAX_VALUE;
        int bestMode = Intra4x4Prediction.DC;
        for (int mode = 0; mode < Intra4x4Prediction.MODES; mode++) {
          if (!Intra4x4Prediction.available(mode, hasTop, hasLeft)) {
            continue;
          }
          int bits = lambda * (mode == expected ? 1 : 4);
          int cost = satd(mode, src, hadamard, blk, bestCost - bits) + bits;
          if (cost < bestCost) {
            bestCost = cost;
            bestMode = mode;
          }
        }
        total += bestCost;
        modes[blk] = bestMode;
        predicted[blk] = expected;
        pictureModes[gy * blocksPerRow + gx] = bestMode;
        predictions.predict(bestMode, prediction);
        int[] decoded = residual.lumaIntra4x4(src, blk, prediction);
        Residual.put(plane, stride, gx * 4, gy * 4, prediction, 4, 0, 0, decoded);
        if (total >= limit) {
          return total;
        }
      }
    }
    return total;
  }

  /**
   * SATD of source block {@code blk} against {@code mode}'s prediction of the block last loaded,
   * or a value at or above {@code limit} when it reaches the limit (the mode has lost then).
   */
  private int satd(int mode, int[] src, SourceHadamard hadamard, int blk, int limit) {
    Intra4x4Prediction p = predictions;
    return switch (mode) {
      case Intra4x4Prediction.VERTICAL -> hadamard.satdOfRows(blk, p.top(0), p.top(1), p.top(2), p.top(3));
      case Intra4x4Prediction.HORIZONTAL -> hadamard.satdOfColumns(blk, p.left(0), p.left(1), p.left(2), p.left(3));
      case Intra4x4Prediction.DC -> hadamard.satdOfFlat(blk, p.dc());
      default -> p.satd(mode, src, (blk >> 2) * 64 + (blk & 3) * 4, limit);
    };
  }

  /**
   * How block {@code blk} (raster order) of the macroblock last coded signals its mode: -1 when it
   * is the predicted one (prev_intra4x4_pred_mode_flag), else rem_intra4x4_pred_mode.
   */
  int remainingMode(int blk) {
    int mode = modes[blk];
    int expected = predicted[blk];
    return mode == expected ? -1 : mode < expected ? mode : mode - 1;
  }

  /** Marks a macroblock coded otherwise; its blocks count as DC for their neighbours' predictions. */
  void notIntra4x4(int mbX, int mbY) {
    for (int by = 0; by < 4; by++) {
      int row = ((mbY << 2) + by) * blocksPerRow + (mbX << 2);
      Arrays.fill(pictureModes, row, row + 4, -1);
    }
  }

  private int modeForPrediction(int index) {
    int mode = pictureModes[index];
    return mode < 0 ? Intra4x4Prediction.DC : mode;
  }

  /** luma4x4BlkIdx of the block at (bx, by) of a macroblock. */
  private static int decodingOrder(int bx, int by) {
    return ((by >> 1) * 2 + (bx >> 1)) * 4 + (by & 1) * 2 + (bx & 1);
  }
}
