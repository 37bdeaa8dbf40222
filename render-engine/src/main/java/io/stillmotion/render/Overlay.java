package io.stillmotion.render;

import org.jcodec.common.model.Picture;

/**
 * Something drawn over the picture once per shot (its caption, the title) and blended into every
 * frame of the shot in 4:2:0: luma and its opacity per pixel, chroma and the mean opacity per 2x2
 * block. Only the rectangle holding the drawing is stored and blended.
 */
final class Overlay {

  private final int x;
  private final int y;
  private final int w;
  private final int h;
  private final byte[] luma;
  private final short[] alpha;
  private final byte[] cb;
  private final byte[] cr;
  private final short[] chromaAlpha;

  private Overlay(int x, int y, int w, int h, byte[] luma, short[] alpha, byte[] cb, byte[] cr, short[] chromaAlpha) {
    this.x = x;
    this.y = y;
    this.w = w;
    this.h = h;
    this.luma = luma;
    this.alpha = alpha;
    this.cb = cb;
    this.cr = cr;
    this.chromaAlpha = chromaAlpha;
  }

  /**
   * From non-premultiplied ARGB pixels ({@code argbW} wide) whose top-left corner sits at
   * (left, top) of a frame of the given size; whatever falls outside the frame is dropped.
   */
  static Overlay of(int[] argb, int argbW, int argbH, int left, int top, int frameW, int frameH) {
    int x0 = Math.max(0, left) & ~1;
    int y0 = Math.max(0, top) & ~1;
    int x1 = Math.min(frameW, (left + argbW + 1) & ~1);
    int y1 = Math.min(frameH, (top + argbH + 1) & ~1);
    int w = Math.max(0, x1 - x0);
    int h = Math.max(0, y1 - y0);
    byte[] luma = new byte[w * h];
    short[] alpha = new short[w * h];
    int[] ycc = new int[w * h * 3];
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        int sx = x0 + i - left;
        int sy = y0 + j - top;
        int px = sx >= 0 && sy >= 0 && sx < argbW && sy < argbH ? argb[sy * argbW + sx] : 0;
        int a = px >>> 24;
        int r = (px >> 16) & 0xFF;
        int g = (px >> 8) & 0xFF;
        int b = px & 0xFF;
        int k = j * w + i;
        luma[k] = (byte) (((Bt601.luma16(r, g, b) + 8) >> 4) - 128);
        alpha[k] = (short) (a + (a >> 7));
        ycc[3 * k + 1] = (Bt601.cb16(r, g, b) + 8) >> 4;
        ycc[3 * k + 2] = (Bt601.cr16(r, g, b) + 8) >> 4;
      }
    }
    int cw = w / 2;
    int ch = h / 2;
    byte[] cb = new byte[cw * ch];
    byte[] cr = new byte[cw * ch];
    short[] ca = new short[cw * ch];
    for (int j = 0; j < ch; j++) {
      for (int i = 0; i < cw; i++) {
        int sum = 0;
        int sumCb = 0;
        int sumCr = 0;
        for (int d = 0; d < 4; d++) {
          int k = (2 * j + (d >> 1)) * w + 2 * i + (d & 1);
          sum += alpha[k];
          sumCb += alpha[k] * ycc[3 * k + 1];
          sumCr += alpha[k] * ycc[3 * k + 2];
        }
        int c = j * cw + i;
        ca[c] = (short) ((sum + 2) >> 2);
        cb[c] = (byte) ((sum == 0 ? 128 : (sumCb + sum / 2) / sum) - 128);
        cr[c] = (byte) ((sum == 0 ? 128 : (sumCr + sum / 2) / sum) - 128);
      }
    }
    return new Overlay(x0, y0, w, h, luma, alpha, cb, cr, ca);
  }

  /** Blends the overlay into the visible frame of a picture. */
  void blendInto(Picture pic) {
    blend(pic.getPlaneData(0), pic.getPlaneWidth(0), x, y, w, h, luma, alpha);
    blend(pic.getPlaneData(1), pic.getPlaneWidth(1), x / 2, y / 2, w / 2, h / 2, cb, chromaAlpha);
    blend(pic.getPlaneData(2), pic.getPlaneWidth(2), x / 2, y / 2, w / 2, h / 2, cr, chromaAlpha);
  }

  private static void blend(byte[] plane, int stride, int x0, int y0, int w, int h, byte[] value, short[] alpha) {
    for (int j = 0; j < h; j++) {
      int row = (y0 + j) * stride + x0;
      for (int i = 0; i < w; i++) {
        int k = j * w + i;
        int a = alpha[k];
        if (a != 0) {
          int o = plane[row + i];
          plane[row + i] = (byte) (o + (((value[k] - o) * a + 128) >> 8));
        }
      }
    }
  }
}
