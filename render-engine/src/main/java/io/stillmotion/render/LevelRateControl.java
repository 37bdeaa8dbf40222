package io.stillmotion.render;

import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.Size;

/**
 * Rate control for one GOP at a time: the GOP gets the bits its duration allows, the IDR frame a
 * larger share than each P frame. Each frame's QP comes from a per-slice-type model
 * (bits ~ c * 2^(-qp/6)) fitted to the frames already coded; within a frame the QP moves one step
 * per macroblock when the bits run ahead of or behind schedule. Never asks jcodec to re-encode a
 * macroblock.
 *
 * <p>Two budgets: the quality's target (a share of the level's maximum rate) within the quality's
 * QP range, and the level's maximum itself, which may push the QP as high as needed. jcodec 0.2.5
 * quantises chroma with the luma QP while decoders use the standard's smaller chroma QP from 30 on,
 * so QPs above 29 make chroma drift a little (one quantiser step at 30-31, more above): HIGH stays
 * at or below 29, MEDIUM 31, LOW 36, unless the level forces more.
 */
final class LevelRateControl implements RateControl {

  static final int MAX_QP = 51;
  private static final double IDR_WEIGHT = 10;
  private static final int MAX_RAISE = 6;
  private static final int MAX_LOWER = 2;
  /**
   * jcodec 0.2.5 predicts intra macroblocks from deblocked neighbours where the standard (and every
   * decoder) uses unfiltered ones, so its IDR frames drift from what players show, chroma worst
   * (measured: mean error 3-5 levels at QP 18-26). At QP 15 and below the deblocking filter
   * changes nothing and encoder and decoder agree exactly; the IDR frame is the base of its whole
   * GOP, so it is coded there unless the level's budget forbids.
   */
  static final int EXACT_INTRA_QP = 15;
  /** Highest QP at which jcodec's chroma quantiser matches the standard's. */
  static final int CLEAN_CHROMA_QP = 29;

  private final int macroblocks;
  private final double bitsPerFrame;
  private final int qpFloor;
  private final int qpCeiling;
  private final double maxBitsPerFrame;
  private double iModel;
  private double pModel;
  private boolean pModelFitted;

  private double gopBitsLeft;
  private double gopMaxBitsLeft;
  private double frameMax;
  private int gopFramesLeft;

  private boolean inFrame;
  private SliceType sliceType;
  private int frameQp;
  private int currentQp;
  private long qpSum;
  private double frameTarget;
  private long frameBits;
  private int mbDone;

  LevelRateControl(int width, int height, double bitsPerSecond, double maxBitsPerSecond, int fps, int qpFloor,
      int qpCeiling) {
    this.macroblocks = ((width + 15) / 16) * ((height + 15) / 16);
    this.bitsPerFrame = bitsPerSecond / fps;
    this.maxBitsPerFrame = maxBitsPerSecond / fps;
    this.qpFloor = qpFloor;
    this.qpCeiling = qpCeiling;
    // Starting guesses for photographic content, corrected after the first frame of each type.
    // jcodec codes every P macroblock (no skips), so a P frame costs about what an I frame does.
    this.iModel = 900.0 * macroblocks * Math.pow(2, 26 / 6.0);
    this.pModel = iModel;
  }

  /** Share of the level's maximum bit rate the level budget aims at, leaving room for peaks. */
  static final double LEVEL_SHARE = 0.85;

  /** Target share of the level's maximum bit rate and QP range for each quality. */
  static LevelRateControl forQuality(Quality quality, H264Level level, int width, int height, int fps) {
    double share = switch (quality) {
      case LOW -> 0.2;
      case MEDIUM -> 0.4;
      case HIGH -> 0.7;
    };
    // The floors keep easy content small: below them the picture gets no visibly better.
    int floor = switch (quality) {
      case LOW -> 29;
      case MEDIUM -> 27;
      case HIGH -> 22;
    };
    int ceiling = switch (quality) {
      case LOW -> 36;
      case MEDIUM -> 31;
      case HIGH -> CLEAN_CHROMA_QP;
    };
    return new LevelRateControl(width, height, level.maxBitsPerSecond() * share,
        level.maxBitsPerSecond() * LEVEL_SHARE, fps, floor, ceiling);
  }

  /** Target bits per second (for reports and tests). */
  double targetBitsPerSecond(int fps) {
    return bitsPerFrame * fps;
  }

  /** Starts a GOP of {@code frames} frames; the next picture must be its IDR frame. */
  void startGop(int frames) {
    finishFrame();
    gopBitsLeft = bitsPerFrame * frames;
    gopMaxBitsLeft = maxBitsPerFrame * frames;
    gopFramesLeft = frames;
  }

  @Override
  public int startPicture(Size size, int maxSize, SliceType type) {
    finishFrame();
    if (gopFramesLeft <= 0) {
      startGop(1);
    }
    sliceType = type;
    boolean intra = type == SliceType.I;
    double share = (intra ? IDR_WEIGHT : 1) / ((intra ? IDR_WEIGHT : 1) + Math.max(0, gopFramesLeft - 1));
    frameTarget = Math.max(bitsPerFrame * 0.1, gopBitsLeft * share);
    frameMax = Math.min(Math.max(maxBitsPerFrame * 0.1, gopMaxBitsLeft * share), maxSize * 8.0 * 0.8);
    double model = intra ? iModel : pModel;
    int floor = intra ? EXACT_INTRA_QP : qpFloor;
    int wanted = intra ? EXACT_INTRA_QP : clamp(qpFor(model, frameTarget), floor, qpCeiling);
    // A fresh GOP has no history for its IDR frame: the per-macroblock guard below holds the level.
    int forced = intra ? floor : qpFor(model, frameMax);
    frameQp = clamp(Math.max(wanted, forced), floor, MAX_QP);
    frameTarget = intra ? frameMax
        : Math.min(Math.max(frameTarget, model * Math.pow(2, -frameQp / 6.0)), frameMax);
    currentQp = frameQp;
    qpSum = 0;
    frameBits = 0;
    mbDone = 0;
    inFrame = true;
    return frameQp;
  }

  @Override
  public int initialQpDelta() {
    if (mbDone < macroblocks / 16) {
      return 0;
    }
    double expected = frameTarget * mbDone / macroblocks;
    double ratio = Math.max(1e-3, frameBits / expected);
    int wanted = frameQp + (int) Math.round(6 * log2(ratio) / 2);
    boolean overLevel = frameBits > frameMax * mbDone / macroblocks;
    if (sliceType == SliceType.I) {
      // Stay exact unless the level's budget is at stake.
      wanted = overLevel ? Math.min(MAX_QP, currentQp + 1) : frameQp;
    } else {
      int ceiling = overLevel ? MAX_QP : Math.max(qpCeiling, frameQp);
      wanted = clamp(wanted, Math.max(qpFloor, frameQp - MAX_LOWER), Math.min(ceiling, frameQp + MAX_RAISE));
    }
    int delta = Integer.signum(wanted - currentQp);
    currentQp += delta;
    return delta;
  }

  @Override
  public int accept(int bits) {
    frameBits += bits;
    qpSum += currentQp;
    mbDone++;
    return 0;
  }

  private void finishFrame() {
    if (!inFrame) {
      return;
    }
    inFrame = false;
    gopBitsLeft -= frameBits;
    gopMaxBitsLeft -= frameBits;
    gopFramesLeft--;
    double meanQp = mbDone == 0 ? frameQp : (double) qpSum / mbDone;
    double fitted = Math.max(1, frameBits) * Math.pow(2, meanQp / 6);
    if (sliceType == SliceType.I) {
      iModel = fitted;
      if (!pModelFitted) {
        pModel = fitted;
      }
    } else {
      pModel = pModelFitted ? 0.5 * pModel + 0.5 * fitted : fitted;
      pModelFitted = true;
    }
  }

  private static int qpFor(double model, double bits) {
    return (int) Math.round(6 * log2(model / bits));
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
