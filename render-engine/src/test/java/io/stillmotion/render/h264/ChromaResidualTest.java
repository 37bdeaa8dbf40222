package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Residual}'s chroma path against the plain computation it shortcuts (inter blocks under
 * {@link Quant#zeroBlockSad} skip the transform): every block transformed and quantised, every DC
 * transformed and quantised, the same decimation. The macroblocks' residuals sweep their sum of
 * absolute values across the quantisers' thresholds, at every QP.
 */
class ChromaResidualTest {

  private static final int MB_W = 8;
  private static final int MB_H = 6;
  /** Residual sums swept per QP: past the largest sum whose DC levels all quantise to zero (374, chroma QP 39). */
  private static final int SWEEP = 480;

  @Test
  @DisplayName("chroma residuals give the same levels and reconstruct the same samples as transforming every block")
  void matchesTransformingEveryBlock() {
    Random random = new Random(7);
    for (int qp = Quant.MIN_QP; qp <= Quant.MAX_QP; qp++) {
      for (boolean intra : new boolean[] {false, true}) {
        Residual residual = new Residual();
        residual.startSlice(qp);
        PlainChroma plain = new PlainChroma(Quant.chromaQp(qp), intra);
        byte[][] ourPlanes = {null, new byte[MB_W * 8 * MB_H * 8], new byte[MB_W * 8 * MB_H * 8]};
        byte[][] expectedPlanes = {null, new byte[MB_W * 8 * MB_H * 8], new byte[MB_W * 8 * MB_H * 8]};
        int[][] src = new int[2][64];
        int[][] pred = new int[2][64];
        for (int mb = 0; mb < 3 * SWEEP; mb++) {
          int mbX = mb % MB_W;
          int mbY = mb / MB_W % MB_H;
          macroblock(random, mb, src, pred);
          int cbp = intra ? residual.chromaIntra(src, pred) : residual.chromaInter(src, pred);
          assertThat(cbp).as("qp %d intra %b macroblock %d", qp, intra, mb).isEqualTo(plain.chroma(src, pred));
          for (int c = 0; c < 2 && cbp != 0; c++) {
            assertThat(residual.chromaDcLevels(c)).as("qp %d intra %b macroblock %d DC %d", qp, intra, mb, c)
                .isEqualTo(plain.dc[c]);
            for (int blk = 0; blk < 4 && cbp == 2; blk++) {
              assertThat(ac(residual.chromaLevels(c, blk))).as("qp %d intra %b macroblock %d AC %d/%d", qp, intra, mb,
                  c, blk).isEqualTo(ac(plain.levels[c][blk]));
            }
          }
          residual.reconstructChroma(ourPlanes, MB_W * 8, mbX, mbY, pred);
          plain.reconstruct(expectedPlanes, MB_W * 8, mbX, mbY, pred);
          assertThat(ourPlanes[1]).as("qp %d intra %b macroblock %d Cb", qp, intra, mb).isEqualTo(expectedPlanes[1]);
          assertThat(ourPlanes[2]).as("qp %d intra %b macroblock %d Cr", qp, intra, mb).isEqualTo(expectedPlanes[2]);
        }
      }
    }
  }

  /**
   * One macroblock in three: residuals of one sign summing to {@code mb / 3} in one component,
   * spread over a random number of its blocks (DC-heavy); one in three: a single sample off by up
   * to 250 (one block's AC); the rest: random noise of random amplitude in both components.
   */
  private static void macroblock(Random random, int mb, int[][] src, int[][] pred) {
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 64; i++) {
        pred[c][i] = 40 + random.nextInt(176);
        src[c][i] = pred[c][i];
      }
    }
    if (mb % 3 == 0) {
      int c = random.nextInt(2);
      int sign = random.nextBoolean() ? 1 : -1;
      int blocks = 1 + random.nextInt(4);
      for (int left = mb / 3; left > 0; left--) {
        int blk = random.nextInt(blocks);
        int at = (blk >> 1) * 32 + (blk & 1) * 4 + random.nextInt(4) * 8 + random.nextInt(4);
        src[c][at] += sign;
      }
    } else if (mb % 3 == 1) {
      int c = random.nextInt(2);
      int at = random.nextInt(64);
      src[c][at] = Math.max(0, Math.min(255, src[c][at] + random.nextInt(501) - 250));
    } else {
      int amplitude = new int[] {1, 2, 3, 5, 9, 30}[random.nextInt(6)];
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 64; i++) {
          src[c][i] = Math.max(0, Math.min(255, src[c][i] + random.nextInt(2 * amplitude + 1) - amplitude));
        }
      }
    }
  }

  /** The AC levels of a 4x4 block (all but position 0, which holds the unquantised DC). */
  private static int[] ac(int[] levels) {
    return Arrays.copyOfRange(levels, 1, 16);
  }

  /** The chroma residual computed without any shortcut, decoded as a decoder reads it. */
  private static final class PlainChroma {
    private final int qpc;
    private final boolean intra;
    private final int[][][] levels = new int[2][4][16];
    private final int[][] dc = new int[2][4];

    PlainChroma(int qpc, boolean intra) {
      this.qpc = qpc;
      this.intra = intra;
    }

    int chroma(int[][] src, int[][] pred) {
      boolean anyAc = false;
      boolean anyDc = false;
      for (int c = 0; c < 2; c++) {
        boolean componentAc = false;
        int score = 0;
        for (int blk = 0; blk < 4; blk++) {
          int[] block = levels[c][blk];
          for (int i = 0; i < 16; i++) {
            int at = ((blk >> 1) * 4 + (i >> 2)) * 8 + (blk & 1) * 4 + (i & 3);
            block[i] = src[c][at] - pred[c][at];
          }
          CoeffTransformer.fdct4x4(block);
          dc[c][blk] = block[0];
          componentAc |= QuantReference.quantize4x4(block, qpc, intra, 1);
          score += QuantReference.decimateScore(block, zigzag4x4, 1);
        }
        if (!intra && score < Residual.DECIMATE_CHROMA) {
          for (int[] block : levels[c]) {
            Arrays.fill(block, 0);
          }
          componentAc = false;
        }
        anyAc |= componentAc;
        CoeffTransformer.fvdDC2x2(dc[c]);
        anyDc |= Quant.quantizeDc(dc[c], 4, qpc, intra);
      }
      return anyAc ? 2 : anyDc ? 1 : 0;
    }

    void reconstruct(byte[][] planes, int stride, int mbX, int mbY, int[][] pred) {
      for (int c = 0; c < 2; c++) {
        int[] dcs = dc[c].clone();
        CoeffTransformer.invDC2x2(dcs);
        CoeffTransformer.dequantizeDC2x2(dcs, qpc, null);
        for (int blk = 0; blk < 4; blk++) {
          int[] block = levels[c][blk].clone();
          CoeffTransformer.dequantizeAC(block, qpc, null);
          block[0] = dcs[blk];
          CoeffTransformer.idct4x4(block);
          for (int i = 0; i < 16; i++) {
            int x = (blk & 1) * 4 + (i & 3);
            int y = (blk >> 1) * 4 + (i >> 2);
            int v = Math.max(0, Math.min(255, pred[c][y * 8 + x] + block[i]));
            planes[c + 1][(mbY * 8 + y) * stride + mbX * 8 + x] = (byte) (v - 128);
          }
        }
      }
    }
  }
}
