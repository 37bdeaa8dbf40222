package io.stillmotion.render;

/**
 * Proves a baseline JPEG complete without decoding it: walks its marker segments (each within the
 * file), the entropy-coded data of its scan up to the next marker, and requires a frame header, a
 * scan and the end-of-image marker. A file cut anywhere lacks the end marker or ends inside a
 * segment. Damaged entropy data is not seen here: the decode in the worker finds it. Linear in the
 * file's length, a millisecond for a few megabytes, where decoding the pixels takes hundreds.
 */
final class JpegSegments {

  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int TEM = 0x01;

  private JpegSegments() {
  }

  static boolean isComplete(byte[] b) {
    int n = b.length;
    if (n < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != SOI) {
      return false;
    }
    boolean frame = false;
    boolean scan = false;
    int at = 2;
    while (at < n) {
      if ((b[at] & 0xFF) != 0xFF) {
        return false;
      }
      while (at < n && (b[at] & 0xFF) == 0xFF) {
        at++;
      }
      if (at >= n) {
        return false;
      }
      int marker = b[at++] & 0xFF;
      if (marker == EOI) {
        return frame && scan;
      }
      if (marker == TEM || isRestart(marker)) {
        continue;
      }
      if (at + 2 > n) {
        return false;
      }
      int length = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
      if (length < 2 || at + length > n) {
        return false;
      }
      frame |= isFrameHeader(marker);
      at += length;
      if (marker == SOS) {
        scan = true;
        at = endOfEntropyData(b, at);
      }
    }
    return false;
  }

  /** The position of the first marker after entropy-coded data (stuffed zeros and restarts are data). */
  private static int endOfEntropyData(byte[] b, int at) {
    int n = b.length;
    while (at + 1 < n) {
      if ((b[at] & 0xFF) == 0xFF) {
        int next = b[at + 1] & 0xFF;
        if (next != 0 && next != 0xFF && !isRestart(next)) {
          return at;
        }
        at += next == 0xFF ? 1 : 2;
      } else {
        at++;
      }
    }
    return n;
  }

  private static boolean isRestart(int marker) {
    return marker >= 0xD0 && marker <= 0xD7;
  }

  private static boolean isFrameHeader(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }
}
