package io.stillmotion.render.h264;

import java.util.Arrays;
import org.jcodec.common.io.BitWriter;

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
  private final int[] neighbours = new int[13];
  private final int[] prediction = new int[16];
  private final int[] best = new int[16];
  private final int[] scratch = new int[16];

  Intra4x4Coder(int mbW, int mbH) {
    this.blocksPerRow = mbW * 4;
    this.pictureModes = new int[mbW * 4 * mbH * 4];
  }

  /**
   * Codes the macroblock's luma as Intra 4x4 into {@code residual}'s levels and the picture's
   * samples; returns its cost (SATD plus lambda-weighted mode bits) to weigh against Intra 16x16.
   */
  int code(int[] src, byte[] plane, int stride, int mbX, int mbY, Residual residual, int lambda) {
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
        loadNeighbours(plane, stride, gx * 4, gy * 4, hasTop, hasLeft, hasTopRight);
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
          Intra4x4Prediction.predict(mode, neighbours, hasTop, hasLeft, prediction);
          int cost = Costs.satd4x4(src, 16, bx * 4, by * 4, prediction, 4, 0, 0, scratch)
              + lambda * (mode == expected ? 1 : 4);
          if (cost < bestCost) {
            bestCost = cost;
            bestMode = mode;
            System.arraycopy(prediction, 0, best, 0, 16);
          }
        }
        total += bestCost;
        modes[blk] = bestMode;
        predicted[blk] = expected;
        pictureModes[gy * blocksPerRow + gx] = bestMode;
        int[] decoded = residual.lumaIntra4x4(src, blk, best);
        Residual.put(plane, stride, gx * 4, gy * 4, best, 4, 0, 0, decoded);
      }
    }
    return total;
  }

  /** prev_intra4x4_pred_mode_flag / rem_intra4x4_pred_mode of the macroblock last coded. */
  void writeModes(BitWriter out) {
    for (int i8 = 0; i8 < 4; i8++) {
      for (int b = 0; b < 4; b++) {
        int blk = Residual.blockIndex(i8, b);
        if (modes[blk] == predicted[blk]) {
          out.write1Bit(1);
        } else {
          out.write1Bit(0);
          out.writeNBit(modes[blk] < predicted[blk] ? modes[blk] : modes[blk] - 1, 3);
        }
      }
    }
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

  private void loadNeighbours(byte[] plane, int stride, int x0, int y0, boolean hasTop, boolean hasLeft,
      boolean hasTopRight) {
    if (hasTop) {
      int row = (y0 - 1) * stride + x0;
      for (int i = 0; i < 4; i++) {
        neighbours[i] = plane[row + i] + 128;
      }
      for (int i = 4; i < 8; i++) {
        neighbours[i] = hasTopRight ? plane[row + i] + 128 : neighbours[3];
      }
    }
    if (hasLeft) {
      for (int i = 0; i < 4; i++) {
        neighbours[8 + i] = plane[(y0 + i) * stride + x0 - 1] + 128;
      }
    }
    if (hasTop && hasLeft) {
      neighbours[12] = plane[(y0 - 1) * stride + x0 - 1] + 128;
    }
  }
}
