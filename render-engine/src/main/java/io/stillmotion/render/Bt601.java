package io.stillmotion.render;

/**
 * BT.601 limited-range ("studio swing") conversion between 8-bit sRGB and Y'CbCr, the matrix the
 * SPS declares in its VUI. Values are in 12.4 fixed point (x16) where precision matters.
 */
final class Bt601 {

  static final double KR = 0.299;
  static final double KB = 0.114;
  static final double KG = 1 - KR - KB;

  private Bt601() {
  }

  /** Y' scaled to 12.4 fixed point: 219 / 255 levels a unit of y, times 16. */
  private static final double LUMA_SCALE = 219.0 * 16 / 255;
  private static final double CB_SCALE = 224.0 * 16 / (2 * (1 - KB)) / 255;
  private static final double CR_SCALE = 224.0 * 16 / (2 * (1 - KR)) / 255;
  /** The offsets in 12.4, plus the half that makes truncation round (every result is positive). */
  private static final double LUMA_OFFSET = 16 * 16 + 0.5;
  private static final double CHROMA_OFFSET = 128 * 16 + 0.5;

  /*
   * The conversion is round((16 + 219 y / 255) 16) for Y' and round((128 + 224 (b - y) / (2 (1 - KB))
   * / 255) 16) for Cb (Cr alike with r and KR), y = KR r + KG g + KB b. Written with the constants
   * folded into one multiplication and the rounding as a truncation of a positive value (Math.round
   * is plain Java on JDK 17), it gives the very same integers for all 2^24 colours (Bt601Test checks
   * every one) at under half the cost: it is most of the pyramid's conversion, part of a render's
   * start.
   */

  /** Y' in 12.4 fixed point, 16..235 scaled by 16. */
  static int luma16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) (y * LUMA_SCALE + LUMA_OFFSET);
  }

  static int cb16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) ((b - y) * CB_SCALE + CHROMA_OFFSET);
  }

  static int cr16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) ((r - y) * CR_SCALE + CHROMA_OFFSET);
  }

  /** Converts 8-bit limited-range Y'CbCr back to packed 0xRRGGBB. */
  static int toRgb(int y, int cb, int cr) {
    double yy = (y - 16) * 255.0 / 219;
    double pb = (cb - 128) * 255.0 / 224;
    double pr = (cr - 128) * 255.0 / 224;
    int r = clamp(yy + 2 * (1 - KR) * pr);
    int b = clamp(yy + 2 * (1 - KB) * pb);
    int g = clamp(yy - (2 * KR * (1 - KR) * pr + 2 * KB * (1 - KB) * pb) / KG);
    return (r << 16) | (g << 8) | b;
  }

  private static int clamp(double v) {
    long r = Math.round(v);
    return (int) (r < 0 ? 0 : Math.min(255, r));
  }
}
