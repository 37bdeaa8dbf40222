package io.stillmotion.render;

import io.stillmotion.render.JpegFrame.Component;

/**
 * Our own decoder for the common progressive JPEG: Huffman-coded (SOF2), 8-bit, grey or YCbCr with
 * luma sampled 1x1, 2x1 or 2x2 and chroma 1x1 (4:4:4, 4:2:2, 4:2:0), no colour profile to apply. The
 * JDK's decoder (which TwelveMonkeys' reader delegates to) hands the whole picture to Java after
 * every scan, IDCT, upsampling and colour conversion about ten times over; here every scan is
 * entropy-decoded once into
 * one coefficient buffer, then one pass turns the coefficients into pixels, its rows shared between
 * threads by {@link RowBands}.
 *
 * <p>This class walks the markers, reads the tables and the frame and scan headers, and decides what it
 * handles; {@link JpegFrame} describes the frame and holds the coefficients, {@link JpegHuffman} is a
 * Huffman table, {@link ProgressiveScans} reads the scans' entropy-coded data into the coefficients, and
 * {@link JpegPixels} (with {@link JpegIdct}) makes the pixels.
 *
 * <p>The pixels are meant to be the JDK's (libjpeg) exactly: the accurate integer IDCT (the
 * Loeffler–Ligtenberg–Moschytz factorisation with 13 fractional bits, two extra bits between the
 * passes, and libjpeg's wrap-around range limit), "fancy" triangle upsampling for chroma halved
 * horizontally (and vertically), and YCbCr to RGB in fixed point with 16 fractional bits. The math
 * is written here from those definitions; the pixels are equal to the JDK's with its bundled libjpeg 6b
 * and with the system's libjpeg-turbo (Debian's builds) alike.
 *
 * <p>Uploaded bytes are hostile: anything this decoder does not recognise or that does not add up
 * (unsupported variants, marker or table errors, scans that run out of data, a bogus progression,
 * a file without its end marker) is {@link Unsupported}, and the caller decodes the file the way it
 * always did; nothing else is thrown but {@link DeadlinePassed}, checked between scans and every row
 * of blocks. Memory: the coefficients (what {@link DecodeCost} counts for a progressive JPEG), a
 * mask of each block's nonzero coefficients (a sixteenth more), the int pixels and a few rows per
 * thread.
 */
final class ProgressiveJpeg {

  /** The file is not one this decoder handles, or not well-formed: decode it some other way. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String why) {
      super(why, null, false, false);
    }
  }

  /** The decode's deadline passed or its thread was interrupted. */
  static final class DeadlinePassed extends Exception {
    private static final long serialVersionUID = 1L;

    DeadlinePassed() {
      super("decode time limit reached", null, false, false);
    }
  }

  /** Position in the 8x8 block (row-major) of the k-th coefficient in zig-zag order. */
  static final int[] NATURAL = new int[64];

  static {
    int k = 0;
    for (int s = 0; s <= 14; s++) {
      int lo = Math.max(0, s - 7);
      int hi = Math.min(s, 7);
      for (int i = 0; i <= hi - lo; i++) {
        // odd diagonals run down-left (row rising), even ones up-right (row falling)
        int row = (s & 1) == 1 ? lo + i : hi - i;
        NATURAL[k++] = row * 8 + (s - row);
      }
    }
  }

  private final byte[] data;
  private final int end;
  private final long deadlineNanos;
  private final int expectedWidth;
  private final int expectedHeight;
  private JpegFrame frame;
  private ProgressiveScans scans;
  private final int[][] quantTables = new int[4][];
  private final JpegHuffman[] dcTables = new JpegHuffman[4];
  private final JpegHuffman[] acTables = new JpegHuffman[4];
  private int restartInterval;
  private boolean jfif;
  private int adobeTransform = -1;
  /** Only proving the file complete: what the pixels would need (colour space, profile) does not matter. */
  private boolean completenessOnly;

  private ProgressiveJpeg(byte[] data, int expectedWidth, int expectedHeight, long deadlineNanos) {
    this.data = data;
    this.expectedWidth = expectedWidth;
    this.expectedHeight = expectedHeight;
    this.end = data.length;
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * Decodes {@code jpeg}, which the caller's inspection found to be {@code width} x {@code height}.
   *
   * @throws Unsupported    not a file this decoder handles (or damaged): decode it with ImageIO
   * @throws DeadlinePassed the time ran out or the thread was interrupted
   */
  static RgbImage decode(byte[] jpeg, int width, int height, long deadlineNanos, RowBands bands)
      throws Unsupported, DeadlinePassed {
    ProgressiveJpeg decoder = new ProgressiveJpeg(jpeg, width, height, deadlineNanos);
    try {
      decoder.readAll();
      return new JpegPixels(decoder.frame, deadlineNanos).image(bands);
    } catch (JpegPixels.BandDeadline e) {
      throw new DeadlinePassed();
    } catch (RuntimeException e) {
      // a safety net: no index error or arithmetic surprise from damaged data leaves this decoder
      throw new Unsupported("damaged data: " + e);
    }
  }

  /**
   * Proves the file complete without making pixels: every scan parsed and entropy-decoded without
   * running out of data, up to the end-of-image marker. {@link Unsupported} says nothing about the
   * file's completeness (only that this decoder does not vouch for it): check it some other way.
   */
  static void verify(byte[] jpeg, int width, int height, long deadlineNanos) throws Unsupported, DeadlinePassed {
    try {
      ProgressiveJpeg decoder = new ProgressiveJpeg(jpeg, width, height, deadlineNanos);
      decoder.completenessOnly = true;
      decoder.readAll();
    } catch (RuntimeException e) {
      throw new Unsupported("damaged data: " + e);
    }
  }

  /** The deadline has passed or the thread was interrupted. */
  static boolean expired(long deadlineNanos) {
    return System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted();
  }

  private void checkDeadline() throws DeadlinePassed {
    if (expired(deadlineNanos)) {
      throw new DeadlinePassed();
    }
  }

  // ---------------------------------------------------------------- markers

  private void readAll() throws Unsupported, DeadlinePassed {
    if (end < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
      throw new Unsupported("no SOI");
    }
    int p = 2;
    boolean scanned = false;
    while (true) {
      p = markerCode(p);
      int marker = data[p++] & 0xFF;
      if (marker == 0xD9) {
        break;
      }
      if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        continue;
      }
      if (marker == 0xD8 || marker == 0x00) {
        throw new Unsupported("unexpected marker");
      }
      if (p + 2 > end) {
        throw new Unsupported("truncated");
      }
      int length = ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
      if (length < 2 || p + length > end) {
        throw new Unsupported("segment beyond the file");
      }
      if (marker == 0xDA) {
        p = scan(p + 2, p + length);
        scanned = true;
        checkDeadline();
        continue;
      }
      segment(marker, p + 2, p + length);
      p += length;
    }
    if (!scanned) {
      throw new Unsupported("no scan");
    }
    if (!completenessOnly) {
      checkColourSpace();
      checkProgressionComplete();
    }
  }

  /** Where the code of the marker at {@code p} is, past its fill bytes. */
  private int markerCode(int p) throws Unsupported {
    if (p >= end || (data[p] & 0xFF) != 0xFF) {
      throw new Unsupported("no marker where one belongs");
    }
    while (p < end && (data[p] & 0xFF) == 0xFF) {
      p++;
    }
    if (p >= end) {
      throw new Unsupported("truncated");
    }
    return p;
  }

  /** A marker segment other than a scan, its payload [from, to). */
  private void segment(int marker, int from, int to) throws Unsupported {
    switch (marker) {
      case 0xC2 -> frame(from, to);
      case 0xC4 -> huffmanTables(from, to);
      case 0xDB -> quantTables(from, to);
      case 0xDD -> {
        if (to - from != 2) {
          throw new Unsupported("bad DRI");
        }
        restartInterval = ((data[from] & 0xFF) << 8) | (data[from + 1] & 0xFF);
      }
      case 0xE0 -> jfif |= to - from >= 14 && data[from] == 'J' && data[from + 1] == 'F'
          && data[from + 2] == 'I' && data[from + 3] == 'F' && data[from + 4] == 0;
      case 0xE2 -> {
        if (!completenessOnly && startsWith(from, to, "ICC_PROFILE")) {
          throw new Unsupported("colour profile to apply");
        }
      }
      case 0xEE -> {
        if (to - from >= 12 && startsWith(from, to, "Adobe")) {
          adobeTransform = data[from + 11] & 0xFF;
        }
      }
      default -> {
        if (marker >= 0xC0 && marker <= 0xCF) {
          throw new Unsupported("not a Huffman-coded progressive frame");
        }
        if (marker == 0xDC) {
          throw new Unsupported("DNL");
        }
      }
    }
  }

  /** libjpeg's reading of the colour space (markers anywhere before the first scan count). */
  private void checkColourSpace() throws Unsupported {
    Component[] cs = frame.components;
    boolean ycc = cs.length == 1 || (jfif ? adobeTransform < 0 || adobeTransform == 1
        : adobeTransform >= 0 ? adobeTransform == 1
        : cs[0].id == 1 && cs[1].id == 2 && cs[2].id == 3);
    if (!ycc) {
      throw new Unsupported("not YCbCr");
    }
  }

  private void checkProgressionComplete() throws Unsupported {
    for (Component c : frame.components) {
      for (int k = 0; k <= 9; k++) {
        // libjpeg smooths blocks whose low coefficients are incomplete (6b looks at the first 6 in
        // zig-zag order, libjpeg-turbo at 10): not done here
        if (c.coefBits[k] != 0) {
          throw new Unsupported("incomplete progression");
        }
      }
    }
  }

  private boolean startsWith(int from, int to, String id) {
    if (to - from < id.length()) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (data[from + i] != id.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void frame(int from, int to) throws Unsupported {
    if (frame != null) {
      throw new Unsupported("second frame header");
    }
    if (to - from < 6 || (data[from] & 0xFF) != 8) {
      throw new Unsupported("not 8-bit");
    }
    int height = ((data[from + 1] & 0xFF) << 8) | (data[from + 2] & 0xFF);
    int width = ((data[from + 3] & 0xFF) << 8) | (data[from + 4] & 0xFF);
    int n = data[from + 5] & 0xFF;
    if (width == 0 || height == 0 || (n != 1 && n != 3) || to - from != 6 + 3 * n) {
      throw new Unsupported("frame header");
    }
    if (width != expectedWidth || height != expectedHeight) {
      // the memory held for this decode was counted from the inspected size
      throw new Unsupported("frame size differs from the inspected one");
    }
    Component[] cs = frameComponents(from + 6, n);
    if (n == 3) {
      checkSampling(cs, width);
    }
    frame = new JpegFrame(width, height, cs);
    scans = new ProgressiveScans(frame, data, deadlineNanos);
  }

  private Component[] frameComponents(int from, int n) throws Unsupported {
    Component[] cs = new Component[n];
    for (int i = 0; i < n; i++) {
      int at = from + 3 * i;
      int hv = data[at + 1] & 0xFF;
      int tq = data[at + 2] & 0xFF;
      cs[i] = new Component(data[at] & 0xFF, hv >> 4, hv & 15, tq);
      if (cs[i].h < 1 || cs[i].h > 4 || cs[i].v < 1 || cs[i].v > 4 || tq > 3) {
        throw new Unsupported("component parameters");
      }
      for (int j = 0; j < i; j++) {
        if (cs[j].id == cs[i].id) {
          throw new Unsupported("duplicate component id");
        }
      }
    }
    return cs;
  }

  private static void checkSampling(Component[] cs, int width) throws Unsupported {
    // Chroma halved only vertically (4:4:0) is left out: libjpeg 6b (bundled in most JDK builds)
    // repeats its rows, libjpeg-turbo (Debian's JDK links it) filters them, so the JDK's pixels differ.
    boolean lumaOk = cs[0].h <= 2 && cs[0].v <= cs[0].h;
    boolean chromaOk = cs[1].h == 1 && cs[1].v == 1 && cs[2].h == 1 && cs[2].v == 1;
    if (!lumaOk || !chromaOk) {
      throw new Unsupported("sampling");
    }
    // libjpeg upsamples chroma of two samples or fewer per row by replication, not modelled here
    if (cs[0].h == 2 && (width + 1) / 2 <= 2) {
      throw new Unsupported("too narrow");
    }
  }

  private void huffmanTables(int from, int to) throws Unsupported {
    int p = from;
    while (p < to) {
      if (p + 17 > to) {
        throw new Unsupported("DHT");
      }
      int tc = (data[p] & 0xFF) >> 4;
      int th = data[p] & 0x0F;
      if (tc > 1 || th > 3) {
        throw new Unsupported("DHT class/id");
      }
      int[] counts = new int[17];
      int total = 0;
      for (int i = 1; i <= 16; i++) {
        counts[i] = data[p + i] & 0xFF;
        total += counts[i];
      }
      p += 17;
      if (total > 256 || p + total > to) {
        throw new Unsupported("DHT counts");
      }
      int[] symbols = new int[total];
      for (int i = 0; i < total; i++) {
        symbols[i] = data[p + i] & 0xFF;
      }
      p += total;
      JpegHuffman table = new JpegHuffman(counts, symbols);
      if (tc == 0) {
        dcTables[th] = table;
      } else {
        acTables[th] = table;
      }
    }
  }

  private void quantTables(int from, int to) throws Unsupported {
    int p = from;
    while (p < to) {
      int pq = (data[p] & 0xFF) >> 4;
      int tq = data[p] & 0x0F;
      int bytes = pq == 0 ? 64 : 128;
      if (pq > 1 || tq > 3 || p + 1 + bytes > to) {
        throw new Unsupported("DQT");
      }
      int[] q = new int[64];
      for (int k = 0; k < 64; k++) {
        q[NATURAL[k]] = pq == 0 ? data[p + 1 + k] & 0xFF
            : ((data[p + 1 + 2 * k] & 0xFF) << 8) | (data[p + 2 + 2 * k] & 0xFF);
      }
      quantTables[tq] = q;
      p += 1 + bytes;
    }
  }

  // ---------------------------------------------------------------- scan headers

  /** Checks a scan header, then decodes the scan's data; returns the position of the next marker. */
  private int scan(int from, int to) throws Unsupported, DeadlinePassed {
    if (frame == null) {
      throw new Unsupported("scan before frame");
    }
    int n = to > from ? data[from] & 0xFF : 0;
    if (n < 1 || n > frame.components.length || to - from != 4 + 2 * n) {
      throw new Unsupported("scan header");
    }
    Component[] cs = scanComponents(from + 1, n);
    int at = from + 1 + 2 * n;
    int ss = data[at] & 0xFF;
    int se = data[at + 1] & 0xFF;
    int ah = (data[at + 2] & 0xFF) >> 4;
    int al = data[at + 2] & 0x0F;
    boolean dc = ss == 0;
    boolean bad = dc ? se != 0 : ss > se || se > 63 || n != 1;
    bad |= (ah != 0 && al != ah - 1) || al > 13;
    if (bad) {
      throw new Unsupported("scan parameters");
    }
    for (Component c : cs) {
      latchQuantTable(c);
      checkProgression(c, ss, se, ah, al);
    }
    return scans.decode(new ProgressiveScans.Header(cs, ss, se, ah, al, restartInterval), to);
  }

  /** The scan's components in its order, each given the Huffman tables the scan names. */
  private Component[] scanComponents(int from, int n) throws Unsupported {
    Component[] cs = new Component[n];
    for (int i = 0; i < n; i++) {
      int id = data[from + 2 * i] & 0xFF;
      int tables = data[from + 1 + 2 * i] & 0xFF;
      cs[i] = frame.component(id);
      if (cs[i] == null || (tables >> 4) > 3 || (tables & 15) > 3) {
        throw new Unsupported("scan component");
      }
      for (int j = 0; j < i; j++) {
        if (cs[j] == cs[i]) {
          throw new Unsupported("scan component twice");
        }
      }
      cs[i].dc = dcTables[tables >> 4];
      cs[i].ac = acTables[tables & 15];
    }
    return cs;
  }

  private void latchQuantTable(Component c) throws Unsupported {
    if (c.quant == null) {
      // libjpeg latches a component's table at its first scan
      if (quantTables[c.tq] == null) {
        throw new Unsupported("no quantisation table");
      }
      c.quant = quantTables[c.tq].clone();
    }
  }

  /** The scan must continue each coefficient's successive approximation where the last one left it. */
  private static void checkProgression(Component c, int ss, int se, int ah, int al) throws Unsupported {
    boolean dc = ss == 0;
    if (!dc && c.coefBits[0] < 0) {
      throw new Unsupported("AC before DC");
    }
    for (int k = ss; k <= se; k++) {
      int expected = Math.max(0, c.coefBits[k]);
      if (ah != expected) {
        throw new Unsupported("bogus progression");
      }
      c.coefBits[k] = al;
    }
    if (dc && ah == 0 && (c.dc == null || !c.dc.dcSafe)) {
      throw new Unsupported("DC table");
    }
    if (!dc && c.ac == null) {
      throw new Unsupported("AC table");
    }
  }
}
