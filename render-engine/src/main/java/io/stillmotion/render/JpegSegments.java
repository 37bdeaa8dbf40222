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
  private static final int APP2 = 0xE2;
  private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

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

  /**
   * The ICC profile embedded in a JPEG's APP2 segments before its first scan, its chunks joined in
   * sequence order; null when there is none or its chunks do not add up (numbered 1..n, each once),
   * in which case the file is left to the image reader as it is.
   */
  static byte[] iccProfile(byte[] b) {
    byte[][] chunks = null;
    for (int at = firstSegment(b); at > 0; at = nextSegment(b, at)) {
      int marker = b[at - 1] & 0xFF;
      if (marker == SOS) {
        break;
      }
      if (marker != APP2 || !isIccSegment(b, at)) {
        continue;
      }
      int length = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
      int sequence = b[at + 2 + ICC_ID.length] & 0xFF;
      int count = b[at + 3 + ICC_ID.length] & 0xFF;
      if (chunks == null) {
        chunks = new byte[Math.max(count, 1)][];
      }
      if (count != chunks.length || sequence < 1 || sequence > count || chunks[sequence - 1] != null) {
        return null;
      }
      int from = at + 4 + ICC_ID.length;
      chunks[sequence - 1] = java.util.Arrays.copyOfRange(b, from, at + length);
    }
    if (chunks == null) {
      return null;
    }
    java.io.ByteArrayOutputStream profile = new java.io.ByteArrayOutputStream();
    for (byte[] chunk : chunks) {
      if (chunk == null) {
        return null;
      }
      profile.writeBytes(chunk);
    }
    return profile.toByteArray();
  }

  /** A copy of the JPEG without the APP2 segments that carry an ICC profile; everything else byte for byte. */
  static byte[] withoutIccProfile(byte[] b) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
    int copied = 0;
    int start = 2;
    for (int at = firstSegment(b); at > 0; at = nextSegment(b, at)) {
      int marker = b[at - 1] & 0xFF;
      int end = at + (((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF));
      if (marker == SOS) {
        break;
      }
      if (marker == APP2 && isIccSegment(b, at)) {
        out.write(b, copied, start - copied);
        copied = end;
      }
      start = end;
    }
    out.write(b, copied, b.length - copied);
    return out.toByteArray();
  }

  private static boolean isIccSegment(byte[] b, int at) {
    int length = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    if (length < 2 + ICC_ID.length + 2) {
      return false;
    }
    for (int i = 0; i < ICC_ID.length; i++) {
      if (b[at + 2 + i] != ICC_ID[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The position of the first segment's length field (just after SOI and the first marker), or -1
   * when the file does not start like a JPEG or that segment does not fit in the file.
   */
  private static int firstSegment(byte[] b) {
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != SOI) {
      return -1;
    }
    return segmentAt(b, 2);
  }

  /** The length field of the segment after the one whose length field is at {@code at}, or -1. */
  private static int nextSegment(byte[] b, int at) {
    return segmentAt(b, at + (((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF)));
  }

  /**
   * From a marker's first 0xFF at {@code at} (fill bytes allowed): the position of its segment's
   * length field when it is a marker segment that lies wholly within the file, else -1 (also for
   * markers without a length, which do not occur before the first scan).
   */
  private static int segmentAt(byte[] b, int at) {
    int n = b.length;
    if (at >= n || (b[at] & 0xFF) != 0xFF) {
      return -1;
    }
    while (at < n && (b[at] & 0xFF) == 0xFF) {
      at++;
    }
    if (at + 3 > n) {
      return -1;
    }
    int marker = b[at] & 0xFF;
    if (marker == EOI || marker == TEM || isRestart(marker) || marker == 0) {
      return -1;
    }
    int length = ((b[at + 1] & 0xFF) << 8) | (b[at + 2] & 0xFF);
    return length < 2 || at + 1 + length > n ? -1 : at + 1;
  }
}
