package io.stillmotion.render;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** zlib inflate with a hard cap on the output: a few bytes that unpack to a gigabyte stop at the cap. */
final class BoundedInflater {

  /** The data unpacks to more than the cap. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private BoundedInflater() {
  }

  /**
   * @return the inflated bytes, never more than {@code cap}
   * @throws TooLarge   when the data would unpack to more than {@code cap} bytes
   * @throws DataFormatException when it is not zlib data, or ends early
   */
  static byte[] inflate(byte[] data, int offset, int length, int cap) throws TooLarge, DataFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, offset, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(cap, Math.max(64, length * 4)));
      byte[] buffer = new byte[16 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("truncated zlib data");
        }
        if (out.size() + n > cap) {
          throw new TooLarge();
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }
}
