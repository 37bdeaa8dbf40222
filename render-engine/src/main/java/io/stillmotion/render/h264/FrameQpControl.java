package io.stillmotion.render.h264;

/**
 * Constant quality with a ceiling, for one GOP. Only every {@value #REFERENCE_INTERVAL}th frame
 * is kept as a reference; the frames between are predicted from it and dropped. Each prediction
 * through the sub-pel filters blurs a little, and a chain of references accumulates that blur:
 * measured on two photos, predicting across up to eight frames instead of one gave 30-50% fewer
 * bytes at a higher PSNR. The dropped frames take {@value #DISPOSABLE_QP_PENALTY} steps more QP
 * than the base (their errors go nowhere), the references {@value #REFERENCE_QP_BONUS} less and
 * the IDR frame {@value #IDR_QP_BONUS} less (down to {@link Quant#MIN_QP}): its detail is what the
 * skipped macroblocks of the whole GOP keep showing, and with one IDR frame per GOP of up to 10 s
 * it is a small share of the bytes. Measured (5 s Ken Burns over a photo at 720p, qualities low to
 * high, PSNR-Y of ffmpeg's decode): 6/0/5 steps wrote 9% more bytes at equal PSNR-Y than 10/2/5,
 * 8/2/5 1.4% more. Then (BytesBench: RenderBench's job at medium quality, size at equal PSNR-Y
 * against x264 veryfast, cups / path photo at 720p; the IDR frame is at {@link Quant#MIN_QP} there
 * anyway) disposable frames at +4 0.928 / 0.848, +5 0.913 / 0.818, +6 0.909 / 0.805, +7 0.911 /
 * 0.797, +8 0.915 / 0.794; references 3 steps below the base 0.902 / 0.825 (at +5), the IDR frame
 * 8 below 0.914 / 0.825. With the reference frames' vectors costed as {@link SliceCoder} now does,
 * +7 gives 0.871 / 0.797.
 * The IDR frame's bonus is scaled by the square of the mean share of the GOP's later frames that
 * still show its content: a zoom in keeps all of it in view, a pan may carry it out of the picture
 * (the honeywave photo's Ken Burns shows 47% of it on average, so its bonus is 2), and detail nobody
 * sees is not worth its bits. Measured (BytesBench as above, honeywave photo with the references
 * {@link GopCoder} adds for pans, 720p / 1080p): bonus 10 0.929 / 0.953, 6 0.902 / 0.917, 5 0.908 /
 * 0.917, 4 0.906 / 0.911, 3 0.903 at 720p, 2 0.899 / 0.901, 1 0.911 / 0.909, 0 0.915 / 0.909; the
 * path photo lost 2.9% at 6.
 * A leaky bucket one second deep tracks the bits above the level's rate; while it is more than a
 * quarter full the QP climbs a step per frame, and it relaxes back a step per frame once empty.
 */
public final class FrameQpControl {

  static final int IDR_QP_BONUS = 10;
  static final int DISPOSABLE_QP_PENALTY = 7;
  static final int REFERENCE_QP_BONUS = 2;
  static final int REFERENCE_INTERVAL = 8;
  private static final int MAX_RAISE = 16;

  private final int baseQp;
  private final int idrBonus;
  private final double bitsPerFrame;
  private final double bucketBits;
  private double debt;
  private int raise;

  /** {@code maxBitsPerSecond}: the level's limit (or any lower target the stream must stay under). */
  public FrameQpControl(int baseQp, double maxBitsPerSecond, int fps) {
    this(baseQp, maxBitsPerSecond, fps, 1);
  }

  /**
   * {@code idrShown}: the mean share of the GOP's later frames that show the IDR frame's content;
   * the IDR frame's bonus shrinks with it.
   */
  public FrameQpControl(int baseQp, double maxBitsPerSecond, int fps, double idrShown) {
    this.baseQp = baseQp;
    this.idrBonus = (int) Math.round(IDR_QP_BONUS * idrShown * idrShown);
    this.bitsPerFrame = maxBitsPerSecond / fps;
    this.bucketBits = maxBitsPerSecond;
  }

  /** Whether the frame at this position of a GOP is kept as a reference for the frames after it. */
  static boolean isReference(int indexInGop) {
    return indexInGop % REFERENCE_INTERVAL == 0;
  }

  /** QP for the frame at this position of its GOP (0: the IDR frame), a reference where {@link #isReference} says. */
  public int nextQp(int indexInGop) {
    return nextQp(indexInGop, isReference(indexInGop));
  }

  /**
   * QP for the frame at this position of its GOP (0: the IDR frame), at a periodic reference's QP
   * or a disposable frame's.
   */
  public int nextQp(int indexInGop, boolean reference) {
    int offset = indexInGop == 0 ? -idrBonus : reference ? -REFERENCE_QP_BONUS : DISPOSABLE_QP_PENALTY;
    return Math.max(Quant.MIN_QP, Math.min(Quant.MAX_QP, baseQp + raise + offset));
  }

  /** Reports the size of the frame just coded. */
  public void coded(int bytes) {
    debt = Math.max(0, Math.min(bucketBits, debt + bytes * 8.0 - bitsPerFrame));
    if (debt > bucketBits / 4) {
      raise = Math.min(MAX_RAISE, raise + 1);
    } else if (debt == 0 && raise > 0) {
      raise--;
    }
  }
}
