package io.stillmotion.render;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * Samples a viewport of the source pyramid straight into a 4:2:0 picture as jcodec wants it (bytes
 * hold value - 128), bilinear at sub-pixel precision. Chroma samples sit where H.264 expects them
 * (left-aligned, vertically between two luma rows) and are read from a level filtered for their
 * double spacing. The picture is padded to whole macroblocks by repeating the edge, which costs
 * the encoder nothing.
 */
final class FrameRenderer {

  private final YuvPyramid source;
  private final int width;
  private final int height;
  private final double originX;
  private final double originY;

  FrameRenderer(YuvPyramid source, int width, int height) {
    this(source, width, height, 0, 0);
  }

  /** A renderer of a source that is the part of a larger image whose top-left corner is at (originX, originY). */
  FrameRenderer(YuvPyramid source, int width, int height, double originX, double originY) {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("frame size must be even: " + width + "x" + height);
    }
    this.source = source;
    this.width = width;
    this.height = height;
    this.originX = originX;
    this.originY = originY;
  }

  Picture newPicture() {
    int paddedW = (width + 15) & ~15;
    int paddedH = (height + 15) & ~15;
    Rect crop = paddedW == width && paddedH == height ? null : new Rect(0, 0, width, height);
    return Picture.createCropped(paddedW, paddedH, ColorSpace.YUV420J, crop);
  }

  void render(Viewport v, Picture pic) {
    double scale = v.width() / width;
    int lumaLevel = source.levelFor(scale);
    int chromaLevel = source.levelFor(2 * scale);
    byte[][] planes = pic.getData();
    int stride = pic.getPlaneWidth(0);
    int cstride = pic.getPlaneWidth(1);
    double left = v.left() - originX;
    double top = v.top() - originY;
    sample(source.level(lumaLevel), lumaLevel, source.level(lumaLevel).y(), left, top, scale,
        0.5, 0.5, 1, width, height, planes[0], stride);
    YuvPyramid.Level cl = source.level(chromaLevel);
    sample(cl, chromaLevel, cl.cb(), left, top, scale, 0.5, 1, 2, width / 2, height / 2, planes[1], cstride);
    sample(cl, chromaLevel, cl.cr(), left, top, scale, 0.5, 1, 2, width / 2, height / 2, planes[2], cstride);
    padPicture(pic, width, height);
  }

  /** Repeats the edge of the visible frame into the macroblock padding of every plane. */
  static void padPicture(Picture pic, int width, int height) {
    byte[][] planes = pic.getData();
    int stride = pic.getPlaneWidth(0);
    int cstride = pic.getPlaneWidth(1);
    pad(planes[0], stride, pic.getPlaneHeight(0), width, height);
    pad(planes[1], cstride, pic.getPlaneHeight(1), width / 2, height / 2);
    pad(planes[2], cstride, pic.getPlaneHeight(2), width / 2, height / 2);
  }

  /**
   * Output sample (i, j) sits at output-pixel position (step*i + offX, step*j + offY), measured
   * from the frame's top-left corner in output pixels; it maps to level-0 position
   * left + pos * scale, then to the level's own coordinates (pixel centres at integers).
   */
  private static void sample(YuvPyramid.Level level, int levelIndex, short[] plane, double left, double top,
      double scale, double offX, double offY, int step, int outW, int outH, byte[] out, int stride) {
    double levelScale = 1.0 / (1 << levelIndex);
    int lw = level.width();
    int lh = level.height();
    int[] x0 = new int[outW];
    int[] fx = new int[outW];
    for (int i = 0; i < outW; i++) {
      double sx = (left + (step * i + offX) * scale) * levelScale - 0.5;
      sx = Math.max(0, Math.min(lw - 1, sx));
      int ix = Math.min((int) sx, lw - 2);
      x0[i] = Math.max(ix, 0);
      fx[i] = lw < 2 ? 0 : (int) Math.round((sx - x0[i]) * 256);
    }
    int xStep = lw < 2 ? 0 : 1;
    int from = x0[0];
    int to = x0[outW - 1] + xStep;
    // The bilinear sum is exact integer arithmetic, so blending the two source rows first (once per
    // source column, not twice per output sample) gives the same samples for fewer multiplications.
    int[] column = new int[lw];
    for (int j = 0; j < outH; j++) {
      double sy = (top + (step * j + offY) * scale) * levelScale - 0.5;
      sy = Math.max(0, Math.min(lh - 1, sy));
      int iy = Math.max(0, Math.min((int) sy, lh - 2));
      int fy = lh < 2 ? 0 : (int) Math.round((sy - iy) * 256);
      int row0 = iy * lw;
      int row1 = lh < 2 ? row0 : row0 + lw;
      for (int k = from; k <= to; k++) {
        column[k] = plane[row0 + k] * (256 - fy) + plane[row1 + k] * fy;
      }
      int o = j * stride;
      for (int i = 0; i < outW; i++) {
        int a = x0[i];
        int f = fx[i];
        int v = (column[a] * (256 - f) + column[a + xStep] * f + (1 << 19)) >> 20;
        out[o + i] = (byte) (v - 128);
      }
    }
  }

  private static void pad(byte[] plane, int stride, int planeH, int w, int h) {
    if (w < stride) {
      for (int y = 0; y < h; y++) {
        int row = y * stride;
        java.util.Arrays.fill(plane, row + w, row + stride, plane[row + w - 1]);
      }
    }
    for (int y = h; y < planeH; y++) {
      System.arraycopy(plane, (h - 1) * stride, plane, y * stride, stride);
    }
  }
}
