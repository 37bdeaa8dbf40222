package io.stillmotion.render;

import io.stillmotion.render.JpegFrame.Component;
import io.stillmotion.render.ProgressiveJpeg.DeadlinePassed;
import io.stillmotion.render.ProgressiveJpeg.Unsupported;

/**
 * The entropy side of a progressive JPEG: decodes each scan's data (DC or AC, first or refinement,
 * with end-of-band runs and restart intervals) into its components' coefficients and nonzero masks.
 * The scan's header has been checked by {@link ProgressiveJpeg}. Data that runs out, a bad code or a
 * missing restart marker is {@link Unsupported}.
 */
final class ProgressiveScans {

  private static final int DC_FIRST = 0;
  private static final int DC_REFINE = 1;
  private static final int AC_FIRST = 2;
  private static final int AC_REFINE = 3;

  private final JpegFrame frame;
  private final long deadlineNanos;
  /** The current scan's. */
  private int restartInterval;
  /** Blocks left in the current end-of-band run. */
  private int eobrun;
  // the bit reader's state
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

  ProgressiveScans(JpegFrame frame, byte[] data, long deadlineNanos) {
    this.frame = frame;
    this.data = data;
    this.end = data.length;
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * A scan as its header (SOS) and the restart interval in force describe it: components {@code cs},
   * zig-zag band [ss, se], successive approximation ah, al, a restart marker every {@code restartInterval}
   * MCUs (0: none).
   */
  record Header(Component[] cs, int ss, int se, int ah, int al, int restartInterval) {
  }

  /** Decodes a scan whose data starts at {@code dataAt}; returns where the marker after its data starts. */
  int decode(Header scan, int dataAt) throws Unsupported, DeadlinePassed {
    int ss = scan.ss();
    int kind = ss == 0 ? (scan.ah() == 0 ? DC_FIRST : DC_REFINE) : (scan.ah() == 0 ? AC_FIRST : AC_REFINE);
    restartInterval = scan.restartInterval();
    start(dataAt);
    eobrun = 0;
    for (Component c : scan.cs()) {
      c.dcPred = 0;
    }
    if (scan.cs().length == 1) {
      singleComponent(kind, scan.cs(), ss, scan.se(), scan.al());
    } else {
      interleaved(kind, scan.cs(), ss, scan.se(), scan.al());
    }
    checkOverrun();
    return dataEnd();
  }

  /** A non-interleaved scan: the component's own blocks that hold samples, one per MCU. */
  private void singleComponent(int kind, Component[] cs, int ss, int se, int al)
      throws Unsupported, DeadlinePassed {
    Component c = cs[0];
    int bw = JpegFrame.ceilDiv(c.width, 8);
    int bh = JpegFrame.ceilDiv(c.height, 8);
    int mcu = 0;
    for (int by = 0; by < bh; by++) {
      checkDeadline();
      for (int bx = 0; bx < bw; bx++, mcu++) {
        restartIfDue(cs, mcu);
        block(kind, c, (by * c.blocksW + bx) * 64, ss, se, al);
      }
    }
  }

  /** An interleaved (DC) scan: each MCU holds h x v blocks of every component. */
  private void interleaved(int kind, Component[] cs, int ss, int se, int al) throws Unsupported, DeadlinePassed {
    int mcu = 0;
    for (int my = 0; my < frame.mcusY; my++) {
      checkDeadline();
      for (int mx = 0; mx < frame.mcusX; mx++, mcu++) {
        restartIfDue(cs, mcu);
        for (Component c : cs) {
          for (int y = 0; y < c.v; y++) {
            int row = (my * c.v + y) * c.blocksW + mx * c.h;
            for (int x = 0; x < c.h; x++) {
              block(kind, c, (row + x) * 64, ss, se, al);
            }
          }
        }
      }
    }
  }

  private void restartIfDue(Component[] cs, int mcu) throws Unsupported {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
      skipRestartMarker(mcu / restartInterval - 1);
      for (Component c : cs) {
        c.dcPred = 0;
      }
      eobrun = 0;
    }
  }

  private void checkDeadline() throws DeadlinePassed {
    if (ProgressiveJpeg.expired(deadlineNanos)) {
      throw new DeadlinePassed();
    }
  }

  private void block(int kind, Component c, int at, int ss, int se, int al) throws Unsupported {
    switch (kind) {
      case DC_FIRST -> dcFirst(c, at, al);
      case DC_REFINE -> {
        if (readBits(1) != 0) {
          c.coef[at] |= (short) (1 << al);
        }
      }
      case AC_FIRST -> acFirst(c.ac, c.coef, c.nonzero, at, ss, se, al);
      default -> acRefine(c.ac, c.coef, c.nonzero, at, ss, se, al);
    }
  }

  private void dcFirst(Component c, int at, int al) throws Unsupported {
    int s = decodeSymbol(c.dc);
    int diff = s == 0 ? 0 : extend(readBits(s), s);
    c.dcPred += diff;
    c.coef[at] = (short) (c.dcPred << al);
  }

  private void acFirst(JpegHuffman table, short[] coef, long[] nonzero, int at, int ss, int se, int al)
      throws Unsupported {
    if (eobrun > 0) {
      eobrun--;
      return;
    }
    for (int k = ss; k <= se; ) {
      int rs = decodeSymbol(table);
      int r = rs >> 4;
      int s = rs & 15;
      if (s != 0) {
        k += r;
        if (k > se) {
          throw new Unsupported("coefficient beyond the band");
        }
        short v = (short) (extend(readBits(s), s) << al);
        coef[at + ProgressiveJpeg.NATURAL[k]] = v;
        if (v != 0) {
          nonzero[at >> 6] |= 1L << k;
        }
        k++;
      } else if (r == 15) {
        k += 16;
      } else {
        eobrun = (1 << r) - 1;
        if (r != 0) {
          eobrun += readBits(r);
        }
        break;
      }
    }
  }

  private void acRefine(JpegHuffman table, short[] coef, long[] nonzero, int at, int ss, int se, int al)
      throws Unsupported {
    int p1 = 1 << al;
    int m1 = -1 << al;
    int k = ss;
    if (eobrun == 0) {
      for (; k <= se; k++) {
        int rs = decodeSymbol(table);
        int r = rs >> 4;
        int s = rs & 15;
        int value = 0;
        if (s != 0) {
          if (s != 1) {
            throw new Unsupported("bad refinement size");
          }
          value = readBits(1) != 0 ? p1 : m1;
        } else if (r != 15) {
          eobrun = 1 << r;
          if (r != 0) {
            eobrun += readBits(r);
          }
          break;
        }
        // skip r zero-history coefficients, refining the nonzero ones met on the way
        do {
          int i = at + ProgressiveJpeg.NATURAL[k];
          int c = coef[i];
          if (c != 0) {
            if (readBits(1) != 0 && (c & p1) == 0) {
              coef[i] = (short) (c >= 0 ? c + p1 : c + m1);
            }
          } else if (--r < 0) {
            break;
          }
          k++;
        } while (k <= se);
        if (value != 0) {
          if (k > se) {
            throw new Unsupported("coefficient beyond the band");
          }
          coef[at + ProgressiveJpeg.NATURAL[k]] = (short) value;
          nonzero[at >> 6] |= 1L << k;
        }
      }
    }
    if (eobrun > 0) {
      refineRestOfBand(coef, nonzero[at >> 6], at, k, se, p1, m1);
      eobrun--;
    }
  }

  /** In an end-of-band run the rest of the band holds no new coefficient: a correction bit for each nonzero one. */
  private void refineRestOfBand(short[] coef, long nonzeroMask, int at, int k, int se, int p1, int m1)
      throws Unsupported {
    long band = (-1L << k) & (se == 63 ? -1L : (1L << (se + 1)) - 1);
    for (long m = k > se ? 0 : nonzeroMask & band; m != 0; m &= m - 1) {
      int i = at + ProgressiveJpeg.NATURAL[Long.numberOfTrailingZeros(m)];
      int c = coef[i];
      if (readBits(1) != 0 && (c & p1) == 0) {
        coef[i] = (short) (c >= 0 ? c + p1 : c + m1);
      }
    }
  }

  /** The signed value of an s-bit magnitude category's bits v. */
  private static int extend(int v, int s) {
    return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
  }

  // ---------------------------------------------------------------- the bit reader
  // MSB-first, stuffed zero bytes removed, up to the marker that ends the data. Past that marker it
  // feeds zero bytes (a scan's last symbols may need fewer bits than it asks for), but consuming one
  // of them means the data ran out. Its state lives in this object's fields: behind a reference of
  // its own (a JpegBitReader) the entropy pass took 9% more CPU.

  /** Starts reading entropy-coded data at {@code at}. */
  private void start(int at) {
    pos = at;
    acc = 0;
    accBits = 0;
    markerAt = -1;
    padBytes = 0;
  }

  /** The next n (1..16) bits. */
  private int readBits(int n) throws Unsupported {
    if (accBits < 25) {
      fill();
    }
    int v = (int) (acc >>> (64 - n));
    acc <<= n;
    accBits -= n;
    return v;
  }

  /** The next symbol of table {@code t}. */
  private int decodeSymbol(JpegHuffman t) throws Unsupported {
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
    throw new Unsupported("bad Huffman code");
  }

  /** Fails if the bits consumed so far reach into the zeros fed in after the data. */
  private void checkOverrun() throws Unsupported {
    if (accBits < 8 * padBytes) {
      throw new Unsupported("entropy-coded data ran out");
    }
  }

  /** Where the marker after the data read so far starts: the end of this stretch of entropy-coded data. */
  private int dataEnd() {
    return markerAt >= 0 ? markerAt : nextMarker(pos);
  }

  /**
   * Moves past the restart marker that must end this stretch of data ({@code index} counts restarts
   * from 0, the markers cycle RST0..RST7) and starts reading the next.
   */
  private void skipRestartMarker(int index) throws Unsupported {
    checkOverrun();
    int p = dataEnd();
    while (p < end && data[p] == (byte) 0xFF) {
      p++;
    }
    if (p >= end || (data[p] & 0xFF) != 0xD0 + (index & 7)) {
      throw new Unsupported("restart marker missing");
    }
    start(p + 1);
  }

  private void fill() throws Unsupported {
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
          throw new Unsupported("entropy-coded data ran out");
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
