package io.stillmotion.render.h264;

import io.stillmotion.render.Quality;
import org.jcodec.common.model.Picture;

/**
 * What a GOP worker needs: frames and the view each shows in, Annex B access units out. The first
 * frame of each GOP is an IDR picture; every later one is coded along the camera motion from the
 * last reference frame's view (every other P frame is a disposable one), at the QP
 * {@link FrameQpControl} picks for the quality under the level's rate.
 * Views are given as the image position of the frame's top-left corner and the image pixels per
 * frame pixel. One instance per thread; it may code any number of GOPs in turn.
 */
public final class GopCoder {

  private final MotionH264Encoder encoder;
  private final Quality quality;
  private final double maxBitsPerSecond;
  private final int fps;
  private FrameQpControl rateControl;
  private int index;
  private double left;
  private double top;
  private double step;

  public GopCoder(StreamFormat format, Quality quality, double maxBitsPerSecond, int fps) {
    this.encoder = new MotionH264Encoder(format);
    this.quality = quality;
    this.maxBitsPerSecond = maxBitsPerSecond;
    this.fps = fps;
  }

  /** Codes the first frame of a GOP; {@code gopIndex} tells consecutive IDR pictures apart. */
  public byte[] startGop(int gopIndex, Picture frame, double viewLeft, double viewTop, double viewStep) {
    rateControl = FrameQpControl.forQuality(quality, maxBitsPerSecond, fps);
    index = 0;
    byte[] unit = encoder.encodeIdr(frame, rateControl.nextQp(0), gopIndex);
    return done(unit, true, viewLeft, viewTop, viewStep);
  }

  /** Codes the next frame of the current GOP. */
  public byte[] next(Picture frame, double viewLeft, double viewTop, double viewStep) {
    if (rateControl == null) {
      throw new IllegalStateException("a GOP starts with startGop");
    }
    index++;
    boolean reference = FrameQpControl.isReference(index);
    CameraMotion motion = CameraMotion.between(left, top, step, viewLeft, viewTop, viewStep);
    byte[] unit = encoder.encodeP(frame, motion, rateControl.nextQp(index), reference);
    return done(unit, reference, viewLeft, viewTop, viewStep);
  }

  /** Counts the frame's bits and, for a reference frame, remembers its view: the next frames' motion starts there. */
  private byte[] done(byte[] unit, boolean reference, double viewLeft, double viewTop, double viewStep) {
    rateControl.coded(unit.length);
    if (reference) {
      left = viewLeft;
      top = viewTop;
      step = viewStep;
    }
    return unit;
  }
}
