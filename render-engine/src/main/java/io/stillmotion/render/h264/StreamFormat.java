package io.stillmotion.render.h264;

import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.ColorSpace;

/**
 * What every picture of a stream shares: the frame size (coded in whole macroblocks, cropped back
 * to the frame), the level, and the VUI (colour and timing) the SPS carries. Main profile:
 * CABAC, one reference frame, no B frames, frames only.
 */
public record StreamFormat(int width, int height, int levelIdc, VUIParameters vui) {

  /** frame_num and the picture order count wrap at 256; one reference frame makes that harmless. */
  static final int LOG2_MAX_FRAME_NUM = 8;
  /**
   * The context initialisation table of every P slice (clause 9.3.1.1). Measured (BytesBench,
   * medium quality, bytes at equal PSNR-Y against x264 veryfast, path / cups / autumn / honeywave):
   * 0 gives 0.6673 / 0.6801 / 0.6403 / 0.6859 at 720p and 0.6949 / 0.5971 / 0.6115 / 0.6638 at
   * 1080p; 1 and 2 write 0.1-1.3% more on every one of those rows, so choosing per picture (coding
   * the slice three times) has nothing to gain.
   */
  static final int CABAC_INIT_IDC = 0;

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
    // Main (77) and what else is true of every stream of ours: it keeps to the Main profile's
    // constraints (set1), codes frames only (set4) and has no B slices (set5). Not Baseline (set0)
    // nor Extended (set2): both exclude CABAC.
    sps.profileIdc = 77;
    sps.constraintSet1Flag = true;
    sps.constraintSet4Flag = true;
    sps.constraintSet5Flag = true;
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
    pps.entropyCodingModeFlag = true;
    return pps;
  }
}
