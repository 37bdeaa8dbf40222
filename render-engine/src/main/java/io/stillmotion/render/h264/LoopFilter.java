package io.stillmotion.render.h264;

import java.util.Arrays;
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

/**
 * The in-loop deblocking filter, run on a whole reconstructed picture after its macroblocks are
 * coded (intra prediction reads unfiltered samples; later pictures predict from filtered ones).
 * It is jcodec's decoder's own filter, fed what a decoder would know about each macroblock:
 * type, QPs, motion vectors and which 4x4 luma blocks carry coefficients.
 */
final class LoopFilter {

  private static final int NO_REF = H264Utils.Mv.packMv(0, 0, -1);

  private final int mbW;
  private final DeblockerInput input;
  private final DeblockingFilter filter;
  private final Frame[][] interRefs;

  LoopFilter(SeqParameterSet sps) {
    this.mbW = sps.picWidthInMbsMinus1 + 1;
    this.input = new DeblockerInput(sps);
    this.filter = new DeblockingFilter(8, 8, input);
    // The filter compares reference pictures by identity; all our P macroblocks use the same one.
    Frame ref = new Frame(16, 16, Picture.create(16, 16, ColorSpace.YUV420J).getData(), ColorSpace.YUV420J, null, 0,
        SliceType.P, null, null, 0);
    this.interRefs = new Frame[][] {{ref}, {}};
  }

  void startPicture(SliceHeader sh, int qp, int qpc) {
    Arrays.fill(input.shs, sh);
    Arrays.fill(input.mbQps[0], qp);
    Arrays.fill(input.mbQps[1], qpc);
    Arrays.fill(input.mbQps[2], qpc);
  }

  void intra(int mbX, int mbY) {
    int mb = mbY * mbW + mbX;
    input.mbTypes[mb] = MBType.I_16x16;
    input.refsUsed[mb] = interRefs;
    for (int blk = 0; blk < 16; blk++) {
      int x = (mbX << 2) + (blk & 3);
      int y = (mbY << 2) + (blk >> 2);
      input.nCoeff[y][x] = 0;
      input.mvs.setMv(x, y, 0, NO_REF);
      input.mvs.setMv(x, y, 1, NO_REF);
    }
  }

  /** An inter macroblock, with its luma levels (the loop filter counts each 4x4 block's non-zero ones). */
  void inter(int mbX, int mbY, int mvX, int mvY, Residual levels) {
    int mb = mbY * mbW + mbX;
    input.mbTypes[mb] = MBType.P_16x16;
    input.refsUsed[mb] = interRefs;
    int mv = H264Utils.Mv.packMv(mvX, mvY, 0);
    for (int blk = 0; blk < 16; blk++) {
      int x = (mbX << 2) + (blk & 3);
      int y = (mbY << 2) + (blk >> 2);
      input.nCoeff[y][x] = levels.nonZeroLevels(blk);
      input.mvs.setMv(x, y, 0, mv);
      input.mvs.setMv(x, y, 1, NO_REF);
    }
  }

  void filter(Picture picture) {
    filter.deblockFrame(picture);
  }
}
