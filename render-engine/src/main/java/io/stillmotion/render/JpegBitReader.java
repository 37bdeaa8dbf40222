package io.stillmotion.render;

/**
 * Reads a scan's entropy-coded data MSB-first: bits and Huffman symbols, stuffed zero bytes removed,
 * up to the marker that ends the data. Past that marker it feeds zero bytes (a scan's last symbols may
 * need fewer bits than the reader asks for), but consuming one of them means the data ran out:
 * {@link ProgressiveJpeg.Unsupported}.
 */
final class JpegBitReader {

  private final byte[] data;
  private final int end;
  private int pos;
  /** The bits not yet consumed, at the top. */
  private long acc;
  private int accBits;
  /** Where the marker that ended the entropy-coded data starts (its first 0xFF), -1 before one is met. */
  private int markerAt;
  /** Zero bytes fed in after the data ended; consuming into them means the scan ran out of data. */
  private int padBytes;

  JpegBitReader(byte[] data) {
    this.data = data;
    this.end = data.length;
  }

  /** Starts reading entropy-coded data at {@code at}. */
  void start(int at) {
    pos = at;
    acc = 0;
    accBits = 0;
    markerAt = -1;
    padBytes = 0;
  }

  /** The next n (1..16) bits. */
  int bits(int n) throws ProgressiveJpeg.Unsupported {
    if (accBits < 25) {
      fill();
    }
    int v = (int) (acc >>> (64 - n));
    acc <<= n;
    accBits -= n;
    return v;
  }

  /** The next symbol of table {@code t}. */
  int decode(JpegHuffman t) throws ProgressiveJpeg.Unsupported {
    if (accBits < 25) {
      fill();
    }
    int e = t.lookup[(int) (acc >>> (64 - JpegHuffman.LOOKUP_BITS))];
    if (e != 0) {
      int len = e >>> 8;
      acc <<= len;
      accBits -= len;
      return e & 0xFF;
    }
    for (int len = JpegHuffman.LOOKUP_BITS + 1; len <= 16; len++) {
      int code = (int) (acc >>> (64 - len));
      if (code <= t.maxCode[len]) {
        acc <<= len;
        accBits -= len;
        return t.symbols[t.offset[len] + code];
      }
    }
    throw new ProgressiveJpeg.Unsupported("bad Huffman code");
  }

  /** Fails if the bits consumed so far reach into the zeros fed in after the data. */
  void checkOverrun() throws ProgressiveJpeg.Unsupported {
    if (accBits < 8 * padBytes) {
      throw new ProgressiveJpeg.Unsupported("entropy-coded data ran out");
    }
  }

  /** Where the marker after the data read so far starts: the end of this stretch of entropy-coded data. */
  int dataEnd() {
    return markerAt >= 0 ? markerAt : nextMarker(pos);
  }

  /**
   * Moves past the restart marker that must end this stretch of data ({@code index} counts restarts
   * from 0, the markers cycle RST0..RST7) and starts reading the next.
   */
  void restart(int index) throws ProgressiveJpeg.Unsupported {
    checkOverrun();
    int p = dataEnd();
    while (p < end && data[p] == (byte) 0xFF) {
      p++;
    }
    if (p >= end || (data[p] & 0xFF) != 0xD0 + (index & 7)) {
      throw new ProgressiveJpeg.Unsupported("restart marker missing");
    }
    start(p + 1);
  }

  private void fill() throws ProgressiveJpeg.Unsupported {
    while (accBits <= 56) {
      int c = 0;
      if (markerAt < 0) {
        if (pos >= end) {
          markerAt = end;
        } else {
          c = data[pos] & 0xFF;
          if (c != 0xFF) {
            pos++;
          } else {
            int p = pos + 1;
            while (p < end && data[p] == (byte) 0xFF) {
              p++;
            }
            if (p < end && data[p] == 0) {
              pos = p + 1;
            } else {
              markerAt = pos;
              c = 0;
            }
          }
        }
      }
      if (markerAt >= 0) {
        if (accBits < 8 * padBytes) {
          throw new ProgressiveJpeg.Unsupported("entropy-coded data ran out");
        }
        padBytes++;
      }
      acc |= (long) c << (56 - accBits);
      accBits += 8;
    }
  }

  /** The first marker at or after {@code at} (stuffed zeros are data); the file's end if none. */
  private int nextMarker(int at) {
    while (at < end) {
      if (data[at] != (byte) 0xFF) {
        at++;
        continue;
      }
      int p = at + 1;
      while (p < end && data[p] == (byte) 0xFF) {
        p++;
      }
      if (p < end && data[p] == 0) {
        at = p + 1;
        continue;
      }
      return at;
    }
    return end;
  }
}
