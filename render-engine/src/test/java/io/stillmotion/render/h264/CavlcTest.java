package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.H264Const;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.jcodec.codecs.h264.io.CAVLC;
import org.jcodec.codecs.h264.io.model.MBType;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Our CAVLC residual writer against jcodec's, which the encoder used before and whose streams
 * ffmpeg and jcodec decode: the same macroblocks written by both must give the same bits, with
 * the coefficient-count contexts carried over a whole picture (skipped macroblocks and uncoded
 * blocks included).
 */
class CavlcTest {

  private static final int MB_W = 7;
  private static final int MB_H = 5;
  private static final MBType PRESENT = MBType.P_16x16;

  @Test
  @DisplayName("random levels, from sparse +-1 to escapes, are written bit for bit as jcodec writes them")
  void randomBlocksMatchJcodec() {
    Random random = new Random(12);
    for (int picture = 0; picture < 40; picture++) {
      Pair pair = new Pair();
      for (int mb = 0; mb < MB_W * MB_H; mb++) {
        pair.macroblock(random, mb % MB_W, mb / MB_W, (x, blocks) -> randomLevels(random, x, blocks));
      }
      assertThat(pair.ours()).as("picture %d", picture).isEqualTo(pair.jcodec());
    }
  }

  @Test
  @DisplayName("levels of real picture blocks at every QP are written bit for bit as jcodec writes them")
  void realBlocksMatchJcodec() {
    Picture picture = Scenes.render(Scenes.views(Scenes.Move.KEN_BURNS, MB_W * 16, MB_H * 16, 1).get(0),
        MB_W * 16, MB_H * 16);
    byte[] luma = picture.getPlaneData(0);
    for (int qp = Quant.MIN_QP; qp <= Quant.MAX_QP; qp++) {
      int q = qp;
      Random random = new Random(qp);
      Pair pair = new Pair();
      for (int mb = 0; mb < MB_W * MB_H; mb++) {
        int mbX = mb % MB_W;
        int mbY = mb / MB_W;
        pair.macroblock(random, mbX, mbY, (x, blocks) -> {
          for (int blk = 0; blk < blocks.length; blk++) {
            // A block's samples against the one to its right: the texture an inter residual leaves.
            int at = (mbY * 16 + (blk & 15) / 4 * 4) * MB_W * 16 + mbX * 16 + blk % 4 * 4;
            int[] block = blocks[blk];
            for (int i = 0; i < 16; i++) {
              int p = at + (i >> 2) * MB_W * 16 + (i & 3);
              int right = p + 4 < luma.length ? luma[p + 4] : 0;
              block[i] = luma[p] - right;
            }
            CoeffTransformer.fdct4x4(block);
            QuantReference.quantize4x4(block, x == 1 ? Quant.chromaQp(q) : q, random.nextBoolean(), 0);
          }
        });
      }
      assertThat(pair.ours()).as("qp %d", qp).isEqualTo(pair.jcodec());
    }
  }

  @Test
  @DisplayName("the coeff_token, total_zeros and run_before codes all match jcodec's tables")
  void everyCodeMatchesJcodec() {
    Random random = new Random(3);
    Pair pair = new Pair();
    for (int tc = 0; tc <= 16; tc++) {
      for (int t1 = 0; t1 <= Math.min(3, tc); t1++) {
        for (int zeros = 0; zeros <= 16 - tc; zeros++) {
          // Every nC class: the neighbours' counts are set by the blocks written before.
          for (int nc = 0; nc < 4; nc++) {
            int[] block = new int[16];
            int[] positions = positions(random, tc, zeros);
            for (int i = 0; i < tc; i++) {
              int level = i >= tc - t1 ? 1 : 2 + random.nextInt(3);
              block[zigzag4x4[positions[i]]] = random.nextBoolean() ? level : -level;
            }
            pair.lumaInContext(block, new int[] {0, 2, 5, 12}[nc]);
          }
        }
      }
    }
    for (int tc = 0; tc <= 4; tc++) {
      for (int zeros = 0; zeros <= 4 - tc; zeros++) {
        for (int t1 = 0; t1 <= Math.min(3, tc); t1++) {
          int[] dc = new int[4];
          int[] positions = positions(random, tc, zeros);
          for (int i = 0; i < tc; i++) {
            dc[positions[i]] = i >= tc - t1 ? -1 : 3;
          }
          pair.chromaDc(dc);
        }
      }
    }
    assertThat(pair.ours()).isEqualTo(pair.jcodec());
  }

  /** {@code tc} ascending scan positions with exactly {@code zeros} free positions below the last. */
  private static int[] positions(Random random, int tc, int zeros) {
    int[] positions = new int[tc];
    if (tc == 0) {
      return positions;
    }
    boolean[] used = new boolean[tc + zeros];
    used[tc + zeros - 1] = true;
    for (int placed = 1; placed < tc; ) {
      int p = random.nextInt(tc + zeros - 1);
      if (!used[p]) {
        used[p] = true;
        placed++;
      }
    }
    for (int p = 0, i = 0; p < used.length; p++) {
      if (used[p]) {
        positions[i++] = p;
      }
    }
    return positions;
  }

  /** Fills {@code blocks} with levels: 0 luma, 1 chroma AC, 2 Intra 16x16 (its DC in block 16). */
  private interface Levels {
    void fill(int kind, int[][] blocks);
  }

  private static void randomLevels(Random random, int kind, int[][] blocks) {
    int style = random.nextInt(5);
    for (int[] block : blocks) {
      Arrays.fill(block, 0);
      int n = style == 0 ? random.nextInt(3) : style == 4 ? 16 : random.nextInt(17);
      for (int i = 0; i < n; i++) {
        int magnitude = switch (style) {
          case 0, 1 -> 1;
          case 2 -> 1 + random.nextInt(4);
          case 3 -> 1 + random.nextInt(40);
          default -> 1 + random.nextInt(random.nextBoolean() ? 8 : 2000);
        };
        block[random.nextInt(16)] = random.nextBoolean() ? magnitude : -magnitude;
      }
    }
  }

  /** The same macroblocks written by jcodec's CAVLC (as the encoder did before) and by ours. */
  private static final class Pair {
    private final StreamFormat format = new StreamFormat(MB_W * 16, MB_H * 16, 40, null);
    private final CAVLC[] theirs = {new CAVLC(format.sps(), format.pps(), 2, 2),
        new CAVLC(format.sps(), format.pps(), 1, 1), new CAVLC(format.sps(), format.pps(), 1, 1)};
    private final Cavlc cavlc = new Cavlc(MB_W);
    private final BitWriter jcodecBits = new BitWriter(ByteBuffer.allocate(1 << 22));
    private final BitWriter ourBits = new BitWriter(ByteBuffer.allocate(1 << 22));
    private final int[][] luma = new int[17][16];
    private final int[][] chroma = new int[8][16];
    private final int[][] chromaDc = new int[2][4];
    private int contextBlock;

    /** A skipped, inter or Intra 16x16 macroblock with a random coded block pattern. */
    void macroblock(Random random, int mbX, int mbY, Levels levels) {
      int kind = random.nextInt(5);
      if (kind == 0) {
        for (int blk = 0; blk < 16; blk++) {
          theirs[0].setZeroCoeff((mbX << 2) + (blk & 3), (mbY << 2) + (blk >> 2));
        }
        zeroChroma(mbX, mbY);
        cavlc.empty(mbX);
        return;
      }
      boolean intra16 = kind == 1;
      levels.fill(intra16 ? 2 : 0, luma);
      levels.fill(1, chroma);
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 4; i++) {
          chromaDc[c][i] = chroma[c * 4 + i][0];
        }
      }
      int cbp = random.nextInt(16);
      int cbpChroma = random.nextInt(3);
      if (intra16) {
        theirs[0].writeLumaDCBlock(jcodecBits, mbX << 2, mbY << 2, PRESENT, PRESENT, luma[16], H264Const.totalZeros16,
            0, 16, zigzag4x4);
        cavlc.lumaDc(ourBits, mbX, mbY, luma[16]);
        cbp = random.nextBoolean() ? 15 : 0;
      }
      int first = intra16 ? 1 : 0;
      for (int i8 = 0; i8 < 4; i8++) {
        for (int b = 0; b < 4; b++) {
          int blk = Residual.blockIndex(i8, b);
          int bx = (mbX << 2) + (blk & 3);
          int by = (mbY << 2) + (blk >> 2);
          if ((cbp & (1 << i8)) != 0) {
            theirs[0].writeACBlock(jcodecBits, bx, by, PRESENT, PRESENT, luma[blk], H264Const.totalZeros16, first,
                16 - first, zigzag4x4);
            cavlc.luma(ourBits, mbX, mbY, blk, luma[blk], first, count(luma[blk], first));
          } else {
            theirs[0].setZeroCoeff(bx, by);
            cavlc.lumaEmpty(mbX, blk);
          }
        }
      }
      if (cbpChroma != 0) {
        for (int c = 0; c < 2; c++) {
          theirs[c + 1].writeChrDCBlock(jcodecBits, chromaDc[c], H264Const.totalZeros4, 0, 4, CAVLC.NO_ZIGZAG);
          cavlc.chromaDc(ourBits, chromaDc[c]);
        }
      }
      if (cbpChroma == 2) {
        for (int c = 0; c < 2; c++) {
          for (int blk = 0; blk < 4; blk++) {
            theirs[c + 1].writeACBlock(jcodecBits, (mbX << 1) + (blk & 1), (mbY << 1) + (blk >> 1), PRESENT, PRESENT,
                chroma[c * 4 + blk], H264Const.totalZeros16, 1, 15, zigzag4x4);
            cavlc.chromaAc(ourBits, mbX, mbY, c, blk, chroma[c * 4 + blk], count(chroma[c * 4 + blk], 1));
          }
        }
      } else {
        zeroChroma(mbX, mbY);
        cavlc.chromaEmpty(mbX);
      }
    }

    /**
     * One luma block written after a neighbour on each side with {@code neighbours} levels, so
     * that it takes the coeff_token table of that nC (the blocks walk the picture's blocks).
     */
    void lumaInContext(int[] block, int neighbours) {
      int[] context = new int[16];
      for (int i = 0; i < neighbours; i++) {
        context[i] = 5;
      }
      int[] sequence = {2, 1, 3};
      int blocks = MB_W * MB_H * 16;
      int at = contextBlock % blocks;
      contextBlock++;
      int mbX = at / 16 % MB_W;
      int mbY = at / 16 / MB_W;
      int i8 = sequence[at % 3];
      // 4x4 block 3 of an 8x8 block has its left (block 2) and top (block 1) inside the same 8x8.
      write(mbX, mbY, Residual.blockIndex(i8, 1), context);
      write(mbX, mbY, Residual.blockIndex(i8, 2), context);
      write(mbX, mbY, Residual.blockIndex(i8, 3), block);
    }

    private void write(int mbX, int mbY, int blk, int[] levels) {
      theirs[0].writeACBlock(jcodecBits, (mbX << 2) + (blk & 3), (mbY << 2) + (blk >> 2), PRESENT, PRESENT, levels,
          H264Const.totalZeros16, 0, 16, zigzag4x4);
      cavlc.luma(ourBits, mbX, mbY, blk, levels, 0, count(levels, 0));
    }

    /** Non-zero levels of a block from zigzag position {@code first}, as the quantiser counts them. */
    private static int count(int[] levels, int first) {
      int n = 0;
      for (int i = first; i < 16; i++) {
        if (levels[zigzag4x4[i]] != 0) {
          n++;
        }
      }
      return n;
    }

    void chromaDc(int[] dc) {
      theirs[1].writeChrDCBlock(jcodecBits, dc, H264Const.totalZeros4, 0, 4, CAVLC.NO_ZIGZAG);
      cavlc.chromaDc(ourBits, dc);
    }

    private void zeroChroma(int mbX, int mbY) {
      for (int c = 1; c < 3; c++) {
        for (int blk = 0; blk < 4; blk++) {
          theirs[c].setZeroCoeff((mbX << 1) + (blk & 1), (mbY << 1) + (blk >> 1));
        }
      }
    }

    byte[] jcodec() {
      return bytes(jcodecBits);
    }

    byte[] ours() {
      return bytes(ourBits);
    }

    private static byte[] bytes(BitWriter writer) {
      BitWriter copy = writer.fork();
      copy.flush();
      ByteBuffer buffer = copy.getBuffer();
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }
}
