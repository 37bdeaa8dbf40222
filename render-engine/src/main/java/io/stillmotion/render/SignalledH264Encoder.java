package io.stillmotion.render;

import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.Size;

/**
 * jcodec's Baseline encoder with an honest SPS: the level that fits the video, Constrained
 * Baseline flags, and VUI saying what the samples mean (BT.601 matrix, limited range, BT.709/sRGB
 * primaries) and the frame rate. Without the VUI players guess, and guess differently.
 */
final class SignalledH264Encoder extends H264Encoder {

  static final int PRIMARIES_BT709 = 1;
  static final int TRANSFER_BT709 = 1;
  static final int MATRIX_BT601 = 6;
  private static final int VIDEO_FORMAT_UNSPECIFIED = 5;
  /** Camera moves are slow: a wider search costs time and finds nothing better (measured at 720p). */
  static final int MOTION_SEARCH_RANGE = 8;

  private final H264Level level;
  private final int fps;

  SignalledH264Encoder(RateControl rc, H264Level level, int fps, int gopFrames) {
    super(rc);
    this.level = level;
    this.fps = fps;
    setKeyInterval(Math.max(gopFrames, 1));
    setMotionSearchRange(MOTION_SEARCH_RANGE);
  }

  @Override
  public SeqParameterSet initSPS(Size size) {
    SeqParameterSet sps = super.initSPS(size);
    sps.levelIdc = level.idc();
    sps.constraintSet0Flag = true;
    sps.constraintSet1Flag = true;
    sps.vuiParams = vui(fps);
    return sps;
  }

  static VUIParameters vui(int fps) {
    VUIParameters vui = new VUIParameters();
    vui.videoSignalTypePresentFlag = true;
    vui.videoFormat = VIDEO_FORMAT_UNSPECIFIED;
    vui.videoFullRangeFlag = false;
    vui.colourDescriptionPresentFlag = true;
    vui.colourPrimaries = PRIMARIES_BT709;
    vui.transferCharacteristics = TRANSFER_BT709;
    vui.matrixCoefficients = MATRIX_BT601;
    vui.timingInfoPresentFlag = true;
    vui.numUnitsInTick = 1;
    vui.timeScale = 2 * fps;
    vui.fixedFrameRateFlag = true;
    return vui;
  }
}
