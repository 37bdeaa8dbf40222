package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.decode.DeblockerInput;
import org.jcodec.codecs.h264.decode.deblock.DeblockingFilter;
import org.jcodec.codecs.h264.io.model.Frame;
import org.jcodec.codecs.h264.io.model.MBType;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoopFilterTest {

  /** Vector differences between neighbours: around the bS 1 threshold of 4 quarter pels, and far apart. */
  private static final int[] VECTOR_STEPS = {0, 0, 0, 1, -1, 3, -3, 4, -4, 5, -5, 12};

  @Test
  @DisplayName("filters random pictures of intra, inter and skipped macroblocks byte for byte as jcodec's decoder does")
  void matchesJcodecsDecoder() {
    Random random = new Random(12);
    for (int trial = 0; trial < 400; trial++) {
      int mbW = 1 + random.nextInt(5);
      int mbH = 1 + random.nextInt(4);
      SeqParameterSet sps = new StreamFormat(mbW * 16, mbH * 16, 40, null).sps();
      LoopFilter ours = new LoopFilter(sps);
      JcodecFilter theirs = new JcodecFilter(sps);
      // Several pictures through the same filters: nothing of one picture may leak into the next.
      for (int n = 0; n < 4; n++) {
        SliceHeader sh = header(sps, random);
        int qp = random.nextInt(52);
        int qpc = Quant.chromaQp(Math.max(0, Math.min(51, qp + random.nextInt(25) - 12)));
        ours.startPicture(sh, qp, qpc);
        theirs.startPicture(sh, qp, qpc);
        describeMacroblocks(random, mbW, mbH, ours, theirs);
        Picture picture = randomPicture(random, mbW * 16, mbH * 16);
        Picture expected = copy(picture);
        ours.filter(picture);
        theirs.filter(expected);
        for (int p = 0; p < 3; p++) {
          assertThat(picture.getPlaneData(p))
              .as("trial %d picture %d plane %d, %dx%d MBs, QP %d/%d, offsets %d/%d", trial, n, p, mbW, mbH, qp, qpc,
                  sh.sliceAlphaC0OffsetDiv2, sh.sliceBetaOffsetDiv2)
              .isEqualTo(expected.getPlaneData(p));
        }
      }
    }
  }

  @Test
  @DisplayName("disable_deblocking_filter_idc 1 leaves the picture as it is")
  void disabledFilterChangesNothing() {
    Random random = new Random(5);
    SeqParameterSet sps = new StreamFormat(64, 48, 40, null).sps();
    LoopFilter filter = new LoopFilter(sps);
    SliceHeader sh = header(sps, random);
    sh.disableDeblockingFilterIdc = 1;
    filter.startPicture(sh, 40, 36);
    for (int mbY = 0; mbY < 3; mbY++) {
      for (int mbX = 0; mbX < 4; mbX++) {
        filter.intra(mbX, mbY);
      }
    }
    Picture picture = randomPicture(random, 64, 48);
    Picture before = copy(picture);
    filter.filter(picture);
    for (int p = 0; p < 3; p++) {
      assertThat(picture.getPlaneData(p)).isEqualTo(before.getPlaneData(p));
    }
  }

  private static SliceHeader header(SeqParameterSet sps, Random random) {
    SliceHeader sh = new SliceHeader();
    sh.sps = sps;
    sh.sliceType = SliceType.P;
    // idc 2 (no filtering across slice edges) is idc 0 for a picture of one slice.
    sh.disableDeblockingFilterIdc = random.nextInt(4) == 0 ? 2 : 0;
    sh.sliceAlphaC0OffsetDiv2 = random.nextInt(13) - 6;
    sh.sliceBetaOffsetDiv2 = random.nextInt(13) - 6;
    return sh;
  }

  /**
   * Intra, skipped (no coefficients) and coded inter macroblocks; vectors near a shared camera
   * vector, so neighbours differ by 0 to 12 quarter pels in x, y or both.
   */
  private static void describeMacroblocks(Random random, int mbW, int mbH, LoopFilter ours, JcodecFilter theirs) {
    int baseX = random.nextInt(401) - 200;
    int baseY = random.nextInt(401) - 200;
    int intraShare = random.nextInt(4);
    for (int mbY = 0; mbY < mbH; mbY++) {
      for (int mbX = 0; mbX < mbW; mbX++) {
        if (random.nextInt(8) < intraShare) {
          ours.intra(mbX, mbY);
          theirs.intra(mbX, mbY);
          continue;
        }
        int mvX = baseX + (random.nextInt(3) == 0 ? VECTOR_STEPS[random.nextInt(VECTOR_STEPS.length)] : 0);
        int mvY = baseY + (random.nextInt(3) == 0 ? VECTOR_STEPS[random.nextInt(VECTOR_STEPS.length)] : 0);
        int codedBlocks = random.nextBoolean() ? 0 : random.nextInt(1 << 16) & random.nextInt(1 << 16);
        ours.inter(mbX, mbY, mvX, mvY, codedBlocks);
        theirs.inter(mbX, mbY, mvX, mvY, codedBlocks);
      }
    }
  }

  /**
   * Blocks of 4x4 samples at levels a few steps apart (steps of a random size, so every QP finds
   * edges it filters and edges it keeps), plus a little noise; now and then against the ends of
   * the sample range, where the filters clip.
   */
  private static Picture randomPicture(Random random, int width, int height) {
    Picture picture = Picture.create(width, height, ColorSpace.YUV420J);
    int step = 1 + random.nextInt(random.nextBoolean() ? 8 : 40);
    int noise = 1 + random.nextInt(4);
    for (int p = 0; p < 3; p++) {
      int w = picture.getPlaneWidth(p);
      int h = picture.getPlaneHeight(p);
      int blocksW = (w + 3) / 4;
      int[] levels = new int[blocksW * ((h + 3) / 4)];
      int base = random.nextInt(4) == 0 ? (random.nextBoolean() ? 120 : -125) : random.nextInt(200) - 100;
      for (int i = 0; i < levels.length; i++) {
        levels[i] = base + (random.nextInt(5) - 2) * step;
      }
      byte[] data = picture.getPlaneData(p);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = levels[(y / 4) * blocksW + x / 4] + random.nextInt(2 * noise + 1) - noise;
          data[y * w + x] = (byte) Math.max(-128, Math.min(127, v));
        }
      }
    }
    return picture;
  }

  private static Picture copy(Picture picture) {
    Picture copy = Picture.create(picture.getWidth(), picture.getHeight(), ColorSpace.YUV420J);
    for (int p = 0; p < 3; p++) {
      System.arraycopy(picture.getPlaneData(p), 0, copy.getPlaneData(p), 0, picture.getPlaneData(p).length);
    }
    return copy;
  }

  /** jcodec's decoder's deblocking filter, fed what its decoder would know about each macroblock. */
  private static final class JcodecFilter {
    private static final int NO_REF = H264Utils.Mv.packMv(0, 0, -1);

    private final int mbW;
    private final DeblockerInput input;
    private final DeblockingFilter filter;
    private final Frame[][] refs;

    JcodecFilter(SeqParameterSet sps) {
      this.mbW = sps.picWidthInMbsMinus1 + 1;
      this.input = new DeblockerInput(sps);
      this.filter = new DeblockingFilter(8, 8, input);
      // It compares reference pictures by identity: every P macroblock predicts from this one.
      Frame ref = new Frame(16, 16, Picture.create(16, 16, ColorSpace.YUV420J).getData(), ColorSpace.YUV420J, null,
          0, SliceType.P, null, null, 0);
      this.refs = new Frame[][] {{ref}, {}};
    }

    void startPicture(SliceHeader sh, int qp, int qpc) {
      Arrays.fill(input.shs, sh);
      Arrays.fill(input.mbQps[0], qp);
      Arrays.fill(input.mbQps[1], qpc);
      Arrays.fill(input.mbQps[2], qpc);
    }

    void intra(int mbX, int mbY) {
      set(mbX, mbY, MBType.I_16x16, NO_REF, 0);
    }

    void inter(int mbX, int mbY, int mvX, int mvY, int codedBlocks) {
      set(mbX, mbY, MBType.P_16x16, H264Utils.Mv.packMv(mvX, mvY, 0), codedBlocks);
    }

    private void set(int mbX, int mbY, MBType type, int mv, int codedBlocks) {
      int mb = mbY * mbW + mbX;
      input.mbTypes[mb] = type;
      input.refsUsed[mb] = refs;
      for (int blk = 0; blk < 16; blk++) {
        int x = (mbX << 2) + (blk & 3);
        int y = (mbY << 2) + (blk >> 2);
        input.nCoeff[y][x] = (codedBlocks >> blk) & 1;
        input.mvs.setMv(x, y, 0, mv);
        input.mvs.setMv(x, y, 1, NO_REF);
      }
    }

    void filter(Picture picture) {
      filter.deblockFrame(picture);
    }
  }
}
