package io.stillmotion.render.audio;

/** Big-endian reads with bounds the caller has checked. */
final class Bytes {

  private Bytes() {
  }

  static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  static int u16(byte[] b, int at) {
    return (u8(b, at) << 8) | u8(b, at + 1);
  }

  static long u32(byte[] b, int at) {
    return ((long) u16(b, at) << 16) | u16(b, at + 2);
  }

  static long u64(byte[] b, int at) {
    return (u32(b, at) << 32) | u32(b, at + 4);
  }

  static boolean ascii(byte[] b, int at, String text) {
    if (at < 0 || at + text.length() > b.length) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (b[at + i] != (byte) text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Length of an ID3v2 tag at the start of the data (0 when there is none). */
  static int id3Length(byte[] b) {
    if (b.length < 10 || !ascii(b, 0, "ID3")) {
      return 0;
    }
    int size = ((b[6] & 0x7F) << 21) | ((b[7] & 0x7F) << 14) | ((b[8] & 0x7F) << 7) | (b[9] & 0x7F);
    boolean footer = (b[5] & 0x10) != 0;
    long total = 10L + size + (footer ? 10 : 0);
    return (int) Math.min(total, b.length);
  }
}
