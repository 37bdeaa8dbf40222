package io.stillmotion.render;

import java.util.ArrayList;
import java.util.List;

/**
 * The source image as BT.601 limited-range Y', Cb, Cr planes at full resolution (12.4 fixed point),
 * plus successively halved levels (2x2 box filter) so that a frame showing the image smaller than
 * its stored size samples a level already filtered for that scale instead of aliasing.
 */
final class YuvPyramid {

  /** One resolution level; plane samples are values x16. */
  record Level(int width, int height, short[] y, short[] cb, short[] cr) {
  }

  private static final int MIN_LEVEL_SIZE = 16;
  private static final int MAX_LEVELS = 8;

  private final List<Level> levels;

  private YuvPyramid(List<Level> levels) {
    this.levels = levels;
  }

  static YuvPyramid of(RgbImage image) {
    return of(image, 0, 0, image.width(), image.height(), RowBands.SERIAL);
  }

  /**
   * The pyramid of the w x h rectangle of {@code image} at (x, y), read in place rather than from a
   * cropped copy; {@code bands}: the threads that share the conversion and the halving.
   */
  static YuvPyramid of(RgbImage image, int x, int y, int w, int h, RowBands bands) {
    if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > image.width() || y + h > image.height()) {
      throw new IllegalArgumentException("rectangle " + w + "x" + h + " at " + x + "," + y + " is outside the "
          + image.width() + "x" + image.height() + " image");
    }
    List<Level> levels = new ArrayList<>();
    Level level = convert(image, x, y, w, h, bands);
    levels.add(level);
    while (levels.size() < MAX_LEVELS && Math.min(level.width(), level.height()) >= 2 * MIN_LEVEL_SIZE) {
      level = halve(level, bands);
      levels.add(level);
    }
    return new YuvPyramid(levels);
  }

  int width() {
    return levels.get(0).width();
  }

  int height() {
    return levels.get(0).height();
  }

  int levelCount() {
    return levels.size();
  }

  Level level(int index) {
    return levels.get(Math.min(index, levels.size() - 1));
  }

  /** The level to sample when one output sample spans {@code scale} level-0 pixels. */
  int levelFor(double scale) {
    if (scale < 2) {
      return 0;
    }
    int l = (int) Math.floor(Math.log(scale) / Math.log(2));
    return Math.min(l, levels.size() - 1);
  }

  private static Level convert(RgbImage image, int x, int y, int w, int h, RowBands bands) {
    short[] luma = new short[w * h];
    short[] cb = new short[w * h];
    short[] cr = new short[w * h];
    int[] px = image.pixels();
    int stride = image.width();
    bands.run(h, (from, to) -> {
      for (int row = from; row < to; row++) {
        int in = (y + row) * stride + x;
        int out = row * w;
        for (int i = 0; i < w; i++) {
          int p = px[in + i];
          int r = (p >> 16) & 0xFF;
          int g = (p >> 8) & 0xFF;
          int b = p & 0xFF;
          luma[out + i] = (short) Bt601.luma16(r, g, b);
          cb[out + i] = (short) Bt601.cb16(r, g, b);
          cr[out + i] = (short) Bt601.cr16(r, g, b);
        }
      }
    });
    return new Level(w, h, luma, cb, cr);
  }

  private static Level halve(Level l, RowBands bands) {
    int w = (l.width() + 1) / 2;
    int h = (l.height() + 1) / 2;
    short[] y = new short[w * h];
    short[] cb = new short[w * h];
    short[] cr = new short[w * h];
    bands.run(h, (from, to) -> {
      halve(l.y(), l.width(), l.height(), y, w, from, to);
      halve(l.cb(), l.width(), l.height(), cb, w, from, to);
      halve(l.cr(), l.width(), l.height(), cr, w, from, to);
    });
    return new Level(w, h, y, cb, cr);
  }

  /** Rows [from, to) of the half-size plane {@code out}, {@code w} wide. */
  private static void halve(short[] src, int sw, int sh, short[] out, int w, int from, int to) {
    for (int y = from; y < to; y++) {
      int r0 = 2 * y * sw;
      int r1 = Math.min(2 * y + 1, sh - 1) * sw;
      for (int x = 0; x < w; x++) {
        int c0 = 2 * x;
        int c1 = Math.min(2 * x + 1, sw - 1);
        out[y * w + x] = (short) ((src[r0 + c0] + src[r0 + c1] + src[r1 + c0] + src[r1 + c1] + 2) >> 2);
      }
    }
  }
}
