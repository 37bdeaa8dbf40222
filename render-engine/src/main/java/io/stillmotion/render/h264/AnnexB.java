package io.stillmotion.render.h264;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Writes NAL units with start codes, inserting emulation prevention bytes into the payload. */
final class AnnexB {

  static final int NAL_SLICE = 1;
  static final int NAL_IDR_SLICE = 5;
  static final int NAL_SPS = 7;
  static final int NAL_PPS = 8;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Appends one NAL unit whose RBSP is the bytes between the buffer's position and limit. */
  void add(int type, int refIdc, ByteBuffer rbsp) {
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(1);
    out.write((refIdc << 5) | type);
    int zeros = 0;
    while (rbsp.hasRemaining()) {
      int b = rbsp.get() & 0xff;
      if (zeros == 2 && b <= 3) {
        out.write(3);
        zeros = 0;
      }
      out.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    // An RBSP ending in 0x00 (only one ending in cabac_zero_words) gets a final 0x03 (clause 7.4.1).
    if (zeros > 0) {
      out.write(3);
    }
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
