package io.stillmotion.render.h264;

import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.ColorSpace;

/**
 * What every picture of a stream shares: the frame size (coded in whole macroblocks, cropped back
 * to the frame), the level, and the VUI (colour and timing) the SPS carries. Constrained Baseline:
 * CAVLC, one reference frame, no B frames.
 */
public record StreamFormat(int width, int height, int levelIdc, VUIParameters vui) {

  /** frame_num and the picture order count wrap at 256; one reference frame makes that harmless. */
  static final int LOG2_MAX_FRAME_NUM = 8;

  public StreamFormat {
    if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("frame size must be even and at least 16x16: " + width + "x" + height);
    }
  }

  int mbWidth() {
    return (width + 15) >> 4;
  }

  int mbHeight() {
    return (height + 15) >> 4;
  }

  SeqParameterSet sps() {
    SeqParameterSet sps = new SeqParameterSet();
    sps.profileIdc = 66;
    sps.constraintSet0Flag = true;
    sps.constraintSet1Flag = true;
    sps.levelIdc = levelIdc;
    sps.chromaFormatIdc = ColorSpace.YUV420J;
    sps.picWidthInMbsMinus1 = mbWidth() - 1;
    sps.picHeightInMapUnitsMinus1 = mbHeight() - 1;
    sps.frameMbsOnlyFlag = true;
    sps.direct8x8InferenceFlag = true;
    sps.numRefFrames = 1;
    sps.log2MaxFrameNumMinus4 = LOG2_MAX_FRAME_NUM - 4;
    sps.picOrderCntType = 0;
    sps.log2MaxPicOrderCntLsbMinus4 = LOG2_MAX_FRAME_NUM - 4;
    int cropRight = mbWidth() * 16 - width;
    int cropBottom = mbHeight() * 16 - height;
    sps.frameCroppingFlag = cropRight != 0 || cropBottom != 0;
    sps.frameCropRightOffset = cropRight / 2;
    sps.frameCropBottomOffset = cropBottom / 2;
    sps.vuiParams = vui;
    return sps;
  }

  PictureParameterSet pps() {
    PictureParameterSet pps = new PictureParameterSet();
    pps.picInitQpMinus26 = 0;
    return pps;
  }
}
