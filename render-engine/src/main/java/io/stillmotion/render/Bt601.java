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

  /** Y' in 12.4 fixed point, 16..235 scaled by 16. */
  static int luma16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) Math.round((16 + 219 * y / 255) * 16);
  }

  static int cb16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) Math.round((128 + 224 * (b - y) / (2 * (1 - KB)) / 255) * 16);
  }

  static int cr16(int r, int g, int b) {
    double y = KR * r + KG * g + KB * b;
    return (int) Math.round((128 + 224 * (r - y) / (2 * (1 - KR)) / 255) * 16);
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
