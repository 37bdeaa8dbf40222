package io.stillmotion.render;

/**
 * H.264 levels (Annex A, table A-1) a stream of ours can declare (our Main profile one or jcodec's
 * Baseline one: the limits are the same): the frame size and macroblock rate they allow and the
 * maximum video bit rate a decoder of that level accepts.
 */
enum H264Level {
  L3_0(30, 40_500, 1_620, 10_000),
  L3_1(31, 108_000, 3_600, 14_000),
  L3_2(32, 216_000, 5_120, 20_000),
  L4_0(40, 245_760, 8_192, 20_000),
  L4_2(42, 522_240, 8_704, 50_000),
  L5_1(51, 983_040, 36_864, 240_000);

  private final int idc;
  private final long maxMacroblocksPerSecond;
  private final int maxFrameMacroblocks;
  private final int maxKbitPerSecond;

  H264Level(int idc, long maxMacroblocksPerSecond, int maxFrameMacroblocks, int maxKbitPerSecond) {
    this.idc = idc;
    this.maxMacroblocksPerSecond = maxMacroblocksPerSecond;
    this.maxFrameMacroblocks = maxFrameMacroblocks;
    this.maxKbitPerSecond = maxKbitPerSecond;
  }

  /** level_idc as written in the SPS (level x 10). */
  int idc() {
    return idc;
  }

  /** The most bits per second the stream may carry at this level. */
  long maxBitsPerSecond() {
    return maxKbitPerSecond * 1000L;
  }

  /** The lowest level that fits the frame size and rate, never below 3.1 (every device plays 3.1). */
  static H264Level forVideo(int width, int height, int fps) {
    int mbs = ((width + 15) / 16) * ((height + 15) / 16);
    long rate = (long) mbs * fps;
    for (H264Level level : values()) {
      if (level.ordinal() >= L3_1.ordinal() && mbs <= level.maxFrameMacroblocks
          && rate <= level.maxMacroblocksPerSecond) {
        return level;
      }
    }
    return L5_1;
  }

  @Override
  public String toString() {
    return (idc / 10) + "." + (idc % 10);
  }
}
