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
    List<Level> levels = new ArrayList<>();
    Level level = convert(image);
    levels.add(level);
    while (levels.size() < MAX_LEVELS && Math.min(level.width(), level.height()) >= 2 * MIN_LEVEL_SIZE) {
      level = halve(level);
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

  private static Level convert(RgbImage image) {
    int n = image.width() * image.height();
    short[] y = new short[n];
    short[] cb = new short[n];
    short[] cr = new short[n];
    int[] px = image.pixels();
    for (int i = 0; i < n; i++) {
      int r = (px[i] >> 16) & 0xFF;
      int g = (px[i] >> 8) & 0xFF;
      int b = px[i] & 0xFF;
      y[i] = (short) Bt601.luma16(r, g, b);
      cb[i] = (short) Bt601.cb16(r, g, b);
      cr[i] = (short) Bt601.cr16(r, g, b);
    }
    return new Level(image.width(), image.height(), y, cb, cr);
  }

  private static Level halve(Level l) {
    int w = (l.width() + 1) / 2;
    int h = (l.height() + 1) / 2;
    return new Level(w, h, halve(l.y(), l.width(), l.height(), w, h), halve(l.cb(), l.width(), l.height(), w, h),
        halve(l.cr(), l.width(), l.height(), w, h));
  }

  private static short[] halve(short[] src, int sw, int sh, int w, int h) {
    short[] out = new short[w * h];
    for (int y = 0; y < h; y++) {
      int r0 = 2 * y * sw;
      int r1 = Math.min(2 * y + 1, sh - 1) * sw;
      for (int x = 0; x < w; x++) {
        int c0 = 2 * x;
        int c1 = Math.min(2 * x + 1, sw - 1);
        out[y * w + x] = (short) ((src[r0 + c0] + src[r0 + c1] + src[r1 + c0] + src[r1 + c1] + 2) >> 2);
      }
    }
    return out;
  }
}
