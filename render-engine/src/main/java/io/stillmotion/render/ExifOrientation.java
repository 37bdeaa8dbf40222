package io.stillmotion.render;

/**
 * Reads the EXIF orientation tag (1-8) of a JPEG and turns an image upright. Cameras store the
 * sensor's pixels as shot and only note how the phone was held; viewers rotate on display, so we
 * must too.
 */
final class ExifOrientation {

  static final int NORMAL = 1;
  private static final int TAG_ORIENTATION = 0x0112;

  private ExifOrientation() {
  }

  /** The orientation of a JPEG file, or {@link #NORMAL} when absent, unreadable or not a JPEG. */
  static int of(byte[] file) {
    try {
      return readJpeg(file);
    } catch (RuntimeException e) {
      return NORMAL;
    }
  }

  private static int readJpeg(byte[] b) {
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
      return NORMAL;
    }
    int pos = 2;
    while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
      int marker = b[pos + 1] & 0xFF;
      if (marker == 0xDA || marker == 0xD9) {
        return NORMAL;
      }
      int length = u16(b, pos + 2, false);
      if (marker == 0xE1 && length >= 8 && startsWithExif(b, pos + 4)) {
        return readTiff(b, pos + 10, pos + 2 + length);
      }
      pos += 2 + length;
    }
    return NORMAL;
  }

  private static boolean startsWithExif(byte[] b, int at) {
    return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0;
  }

  private static int readTiff(byte[] b, int tiff, int end) {
    boolean little = b[tiff] == 'I';
    int ifd = tiff + (int) u32(b, tiff + 4, little);
    int entries = u16(b, ifd, little);
    for (int i = 0; i < entries; i++) {
      int entry = ifd + 2 + i * 12;
      if (entry + 12 > end) {
        break;
      }
      if (u16(b, entry, little) == TAG_ORIENTATION) {
        int value = u16(b, entry + 8, little);
        return value >= 1 && value <= 8 ? value : NORMAL;
      }
    }
    return NORMAL;
  }

  private static int u16(byte[] b, int at, boolean little) {
    int a = b[at] & 0xFF;
    int c = b[at + 1] & 0xFF;
    return little ? (c << 8) | a : (a << 8) | c;
  }

  private static long u32(byte[] b, int at, boolean little) {
    long hi = u16(b, at, little);
    long lo = u16(b, at + 2, little);
    return little ? (lo << 16) | hi : (hi << 16) | lo;
  }

  /** Returns the upright image for the given orientation (1-8, as defined by EXIF/TIFF). */
  static RgbImage apply(RgbImage src, int orientation) {
    if (orientation <= NORMAL || orientation > 8) {
      return src;
    }
    int w = src.width();
    int h = src.height();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] out = new int[ow * oh];
    int[] in = src.pixels();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> { dx = w - 1 - x; dy = y; }
          case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }
          case 4 -> { dx = x; dy = h - 1 - y; }
          case 5 -> { dx = y; dy = x; }
          case 6 -> { dx = h - 1 - y; dy = x; }
          case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }
          default -> { dx = y; dy = w - 1 - x; }
        }
        out[dy * ow + dx] = in[y * w + x];
      }
    }
    return new RgbImage(ow, oh, out);
  }
}
