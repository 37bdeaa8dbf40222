package io.stillmotion.render;

/**
 * Our own decoder for the common progressive JPEG: Huffman-coded (SOF2), 8-bit, grey or YCbCr with
 * luma sampled 1x1, 2x1 or 2x2 and chroma 1x1 (4:4:4, 4:2:2, 4:2:0), no colour profile to apply. The
 * JDK's decoder (which TwelveMonkeys' reader delegates to) hands the whole picture to Java after
 * every scan, IDCT, upsampling and colour conversion about ten times over; here every scan is
 * entropy-decoded once into
 * one coefficient buffer, then one pass turns the coefficients into pixels, its rows shared between
 * threads by {@link RowBands}.
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

  /** Thrown inside the row bands, turned into {@link DeadlinePassed} by {@link #decode}. */
  private static final class BandDeadline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BandDeadline() {
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

  private static final int CONST_BITS = 13;
  private static final int PASS1_BITS = 2;
  private static final int C0_298 = fix13(0.298631336);
  private static final int C0_390 = fix13(0.390180644);
  private static final int C0_541 = fix13(0.541196100);
  private static final int C0_765 = fix13(0.765366865);
  private static final int C0_899 = fix13(0.899976223);
  private static final int C1_175 = fix13(1.175875602);
  private static final int C1_501 = fix13(1.501321110);
  private static final int C1_847 = fix13(1.847759065);
  private static final int C1_961 = fix13(1.961570560);
  private static final int C2_053 = fix13(2.053119869);
  private static final int C2_562 = fix13(2.562915447);
  private static final int C3_072 = fix13(3.072711026);

  /**
   * The IDCT's output limit, indexed by the descaled value & 1023: -128..127 become 0..255 (the level
   * shift), 128..511 saturate to 255 and -512..-129 to 0, values further out wrap as in libjpeg.
   */
  private static final byte[] IDCT_LIMIT = new byte[1024];
  /** Clamp to 0..255 of value + CLAMP_OFFSET, for the colour conversion's sums. */
  private static final int CLAMP_OFFSET = 512;
  private static final int[] CLAMP = new int[1536];
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 1024; i++) {
      int v = (i < 512 ? i : i - 1024) + 128;
      IDCT_LIMIT[i] = (byte) Math.max(0, Math.min(255, v));
    }
    for (int i = 0; i < CLAMP.length; i++) {
      CLAMP[i] = Math.max(0, Math.min(255, i - CLAMP_OFFSET));
    }
    int half = 1 << 15;
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix16(1.40200) * x + half) >> 16;
      CB_B[i] = (fix16(1.77200) * x + half) >> 16;
      CR_G[i] = -fix16(0.71414) * x;
      CB_G[i] = -fix16(0.34414) * x + half;
    }
  }

  private static int fix13(double x) {
    return (int) (x * (1 << CONST_BITS) + 0.5);
  }

  private static int fix16(double x) {
    return (int) (x * 65536 + 0.5);
  }

  /** One frame component and its coefficients. */
  private static final class Component {
    final int id;
    final int h;
    final int v;
    final int tq;
    /** Samples of this component: ceil(width * h / maxH) by ceil(height * v / maxV). */
    int width;
    int height;
    /** Blocks stored per row and rows of blocks: whole MCUs. */
    int blocksW;
    int blocksH;
    short[] coef;
    /** Per block: bit k set when the k-th AC coefficient in zig-zag order is nonzero. */
    long[] nonzero;
    int[] quant;
    /** Per zig-zag coefficient: the Al of the last scan that sent it, -1 before any. */
    final int[] coefBits = new int[64];
    int dcPred;
    Huffman dc;
    Huffman ac;

    Component(int id, int h, int v, int tq) {
      this.id = id;
      this.h = h;
      this.v = v;
      this.tq = tq;
      java.util.Arrays.fill(coefBits, -1);
    }
  }

  /** A Huffman table: codes up to 9 bits by lookup, longer ones by the canonical code's limits. */
  private static final class Huffman {
    static final int LOOKUP_BITS = 9;
    /** (length << 8) | symbol for every 9-bit prefix that starts with a code of up to 9 bits, else 0. */
    final int[] lookup = new int[1 << LOOKUP_BITS];
    final int[] maxCode = new int[17];
    final int[] offset = new int[17];
    final int[] symbols;
    final boolean dcSafe;

    Huffman(int[] counts, int[] symbols) throws Unsupported {
      this.symbols = symbols;
      boolean small = true;
      for (int s : symbols) {
        small &= s <= 15;
      }
      this.dcSafe = small;
      int code = 0;
      int k = 0;
      for (int len = 1; len <= 16; len++) {
        offset[len] = k - code;
        for (int i = 0; i < counts[len]; i++, k++, code++) {
          if (len <= LOOKUP_BITS) {
            int shift = LOOKUP_BITS - len;
            int entry = (len << 8) | symbols[k];
            for (int j = code << shift, n = (code + 1) << shift; j < n; j++) {
              lookup[j] = entry;
            }
          }
        }
        // no code may be all ones, so the codes of each length end below 2^len (libjpeg's rule too)
        if (code >= (1 << len)) {
          throw new Unsupported("over-subscribed Huffman table");
        }
        maxCode[len] = counts[len] == 0 ? -1 : code - 1;
        code <<= 1;
      }
    }
  }

  private final byte[] data;
  private final int end;
  private final long deadlineNanos;
  private final int expectedWidth;
  private final int expectedHeight;
  private int width;
  private int height;
  private Component[] components;
  private int maxH;
  private int maxV;
  private int mcusX;
  private int mcusY;
  private final int[][] quantTables = new int[4][];
  private final Huffman[] dcTables = new Huffman[4];
  private final Huffman[] acTables = new Huffman[4];
  private int restartInterval;
  private boolean jfif;
  private int adobeTransform = -1;
  private int eobrun;
  /** Only proving the file complete: what the pixels would need (colour space, profile) does not matter. */
  private boolean completenessOnly;

  // the entropy decoder's bit reader: bits MSB-first at the top of acc
  private int pos;
  private long acc;
  private int accBits;
  /** Where the marker that ended the entropy-coded data starts (its first 0xFF), -1 before one is met. */
  private int markerAt;
  /** Zero bytes fed in after the data ended; consuming into them means the scan ran out of data. */
  private int padBytes;

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
      return decoder.pixels(bands);
    } catch (BandDeadline e) {
      throw new DeadlinePassed();
    } catch (RuntimeException e) {
      // a safety net: no index error or arithmetic surprise from damaged data leaves this class
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

  private void checkDeadline() throws DeadlinePassed {
    if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
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
      if (p >= end || (data[p] & 0xFF) != 0xFF) {
        throw new Unsupported("no marker where one belongs");
      }
      while (p < end && (data[p] & 0xFF) == 0xFF) {
        p++;
      }
      if (p >= end) {
        throw new Unsupported("truncated");
      }
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
      int from = p + 2;
      int to = p + length;
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
        case 0xDA -> {
          p = scan(from, to);
          scanned = true;
          checkDeadline();
          continue;
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
      p = to;
    }
    if (!scanned) {
      throw new Unsupported("no scan");
    }
    if (completenessOnly) {
      return;
    }
    Component[] cs = components;
    // libjpeg's reading of the colour space (markers anywhere before the first scan count)
    boolean ycc = cs.length == 1 || (jfif ? adobeTransform < 0 || adobeTransform == 1
        : adobeTransform >= 0 ? adobeTransform == 1
        : cs[0].id == 1 && cs[1].id == 2 && cs[2].id == 3);
    if (!ycc) {
      throw new Unsupported("not YCbCr");
    }
    for (Component c : components) {
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
    if (components != null) {
      throw new Unsupported("second frame header");
    }
    if (to - from < 6 || (data[from] & 0xFF) != 8) {
      throw new Unsupported("not 8-bit");
    }
    height = ((data[from + 1] & 0xFF) << 8) | (data[from + 2] & 0xFF);
    width = ((data[from + 3] & 0xFF) << 8) | (data[from + 4] & 0xFF);
    int n = data[from + 5] & 0xFF;
    if (width == 0 || height == 0 || (n != 1 && n != 3) || to - from != 6 + 3 * n) {
      throw new Unsupported("frame header");
    }
    if (width != expectedWidth || height != expectedHeight) {
      // the memory held for this decode was counted from the inspected size
      throw new Unsupported("frame size differs from the inspected one");
    }
    Component[] cs = new Component[n];
    for (int i = 0; i < n; i++) {
      int at = from + 6 + 3 * i;
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
    if (n == 3) {
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
    for (Component c : cs) {
      maxH = Math.max(maxH, c.h);
      maxV = Math.max(maxV, c.v);
    }
    mcusX = ceilDiv(width, 8 * maxH);
    mcusY = ceilDiv(height, 8 * maxV);
    for (Component c : cs) {
      c.width = ceilDiv(width * c.h, maxH);
      c.height = ceilDiv(height * c.v, maxV);
      c.blocksW = mcusX * c.h;
      c.blocksH = mcusY * c.v;
      long size = (long) c.blocksW * c.blocksH * 64;
      if (size > Integer.MAX_VALUE - 64) {
        throw new Unsupported("too large");
      }
      c.coef = new short[(int) size];
      c.nonzero = new long[c.blocksW * c.blocksH];
    }
    components = cs;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
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
      Huffman table = new Huffman(counts, symbols);
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

  // ---------------------------------------------------------------- scans

  private static final int DC_FIRST = 0;
  private static final int DC_REFINE = 1;
  private static final int AC_FIRST = 2;
  private static final int AC_REFINE = 3;

  /** Parses a scan header and decodes its entropy-coded data; returns the position of the next marker. */
  private int scan(int from, int to) throws Unsupported, DeadlinePassed {
    if (components == null) {
      throw new Unsupported("scan before frame");
    }
    int n = to > from ? data[from] & 0xFF : 0;
    if (n < 1 || n > components.length || to - from != 4 + 2 * n) {
      throw new Unsupported("scan header");
    }
    Component[] cs = new Component[n];
    for (int i = 0; i < n; i++) {
      int id = data[from + 1 + 2 * i] & 0xFF;
      int tables = data[from + 2 + 2 * i] & 0xFF;
      for (Component c : components) {
        if (c.id == id) {
          cs[i] = c;
        }
      }
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
      if (c.quant == null) {
        // libjpeg latches a component's table at its first scan
        if (quantTables[c.tq] == null) {
          throw new Unsupported("no quantisation table");
        }
        c.quant = quantTables[c.tq].clone();
      }
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
      c.dcPred = 0;
    }
    int kind = dc ? (ah == 0 ? DC_FIRST : DC_REFINE) : (ah == 0 ? AC_FIRST : AC_REFINE);
    startEntropy(to);
    eobrun = 0;
    int mcu = 0;
    if (n == 1) {
      Component c = cs[0];
      int bw = ceilDiv(c.width, 8);
      int bh = ceilDiv(c.height, 8);
      for (int by = 0; by < bh; by++) {
        checkDeadline();
        for (int bx = 0; bx < bw; bx++, mcu++) {
          if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
            restart(cs, mcu / restartInterval - 1);
          }
          block(kind, c, (by * c.blocksW + bx) * 64, ss, se, al);
        }
      }
    } else {
      for (int my = 0; my < mcusY; my++) {
        checkDeadline();
        for (int mx = 0; mx < mcusX; mx++, mcu++) {
          if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
            restart(cs, mcu / restartInterval - 1);
          }
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
    checkOverrun();
    return markerAt >= 0 ? markerAt : nextMarker(pos);
  }

  private void block(int kind, Component c, int at, int ss, int se, int al) throws Unsupported {
    switch (kind) {
      case DC_FIRST -> {
        int s = decode(c.dc);
        int diff = s == 0 ? 0 : extend(bits(s), s);
        c.dcPred += diff;
        c.coef[at] = (short) (c.dcPred << al);
      }
      case DC_REFINE -> {
        if (bits(1) != 0) {
          c.coef[at] |= (short) (1 << al);
        }
      }
      case AC_FIRST -> acFirst(c.ac, c.coef, c.nonzero, at, ss, se, al);
      default -> acRefine(c.ac, c.coef, c.nonzero, at, ss, se, al);
    }
  }

  private void acFirst(Huffman table, short[] coef, long[] nonzero, int at, int ss, int se, int al)
      throws Unsupported {
    if (eobrun > 0) {
      eobrun--;
      return;
    }
    for (int k = ss; k <= se; ) {
      int rs = decode(table);
      int r = rs >> 4;
      int s = rs & 15;
      if (s != 0) {
        k += r;
        if (k > se) {
          throw new Unsupported("coefficient beyond the band");
        }
        short v = (short) (extend(bits(s), s) << al);
        coef[at + NATURAL[k]] = v;
        if (v != 0) {
          nonzero[at >> 6] |= 1L << k;
        }
        k++;
      } else if (r == 15) {
        k += 16;
      } else {
        eobrun = (1 << r) - 1;
        if (r != 0) {
          eobrun += bits(r);
        }
        break;
      }
    }
  }

  private void acRefine(Huffman table, short[] coef, long[] nonzero, int at, int ss, int se, int al)
      throws Unsupported {
    int p1 = 1 << al;
    int m1 = -1 << al;
    int k = ss;
    if (eobrun == 0) {
      for (; k <= se; k++) {
        int rs = decode(table);
        int r = rs >> 4;
        int s = rs & 15;
        int value = 0;
        if (s != 0) {
          if (s != 1) {
            throw new Unsupported("bad refinement size");
          }
          value = bits(1) != 0 ? p1 : m1;
        } else if (r != 15) {
          eobrun = 1 << r;
          if (r != 0) {
            eobrun += bits(r);
          }
          break;
        }
        // skip r zero-history coefficients, refining the nonzero ones met on the way
        do {
          int i = at + NATURAL[k];
          int c = coef[i];
          if (c != 0) {
            if (bits(1) != 0 && (c & p1) == 0) {
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
          coef[at + NATURAL[k]] = (short) value;
          nonzero[at >> 6] |= 1L << k;
        }
      }
    }
    if (eobrun > 0) {
      // the rest of the band holds no new coefficient: a correction bit for each nonzero one, in order
      long band = (-1L << k) & (se == 63 ? -1L : (1L << (se + 1)) - 1);
      for (long m = k > se ? 0 : nonzero[at >> 6] & band; m != 0; m &= m - 1) {
        int i = at + NATURAL[Long.numberOfTrailingZeros(m)];
        int c = coef[i];
        if (bits(1) != 0 && (c & p1) == 0) {
          coef[i] = (short) (c >= 0 ? c + p1 : c + m1);
        }
      }
      eobrun--;
    }
  }

  private static int extend(int v, int s) {
    return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
  }

  // ---------------------------------------------------------------- bits

  private void startEntropy(int at) {
    pos = at;
    acc = 0;
    accBits = 0;
    markerAt = -1;
    padBytes = 0;
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

  /** The next n (1..16) bits. */
  private int bits(int n) throws Unsupported {
    if (accBits < 25) {
      fill();
    }
    int v = (int) (acc >>> (64 - n));
    acc <<= n;
    accBits -= n;
    return v;
  }

  private int decode(Huffman t) throws Unsupported {
    if (accBits < 25) {
      fill();
    }
    int e = t.lookup[(int) (acc >>> (64 - Huffman.LOOKUP_BITS))];
    if (e != 0) {
      int len = e >>> 8;
      acc <<= len;
      accBits -= len;
      return e & 0xFF;
    }
    for (int len = Huffman.LOOKUP_BITS + 1; len <= 16; len++) {
      int code = (int) (acc >>> (64 - len));
      if (code <= t.maxCode[len]) {
        acc <<= len;
        accBits -= len;
        return t.symbols[t.offset[len] + code];
      }
    }
    throw new Unsupported("bad Huffman code");
  }

  private void checkOverrun() throws Unsupported {
    if (accBits < 8 * padBytes) {
      throw new Unsupported("entropy-coded data ran out");
    }
  }

  private void restart(Component[] cs, int index) throws Unsupported {
    checkOverrun();
    int at = markerAt >= 0 ? markerAt : nextMarker(pos);
    int p = at;
    while (p < end && data[p] == (byte) 0xFF) {
      p++;
    }
    if (p >= end || (data[p] & 0xFF) != 0xD0 + (index & 7)) {
      throw new Unsupported("restart marker missing");
    }
    startEntropy(p + 1);
    for (Component c : cs) {
      c.dcPred = 0;
    }
    eobrun = 0;
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

  // ---------------------------------------------------------------- pixels

  /** MCU rows turned into pixels at once (at 4:2:0 and 2560 wide: 330 KB of luma samples). */
  private static final int CHUNK_MCU_ROWS = 8;

  private RgbImage pixels(RowBands bands) {
    int[] out = new int[width * height];
    bands.run(mcusY, (from, to) -> {
      // a few MCU rows at a time: the samples between IDCT and conversion stay in the cache, and a
      // serial decode does not hold a second copy of the picture
      for (int m = from; m < to; m += CHUNK_MCU_ROWS) {
        if (components.length == 1) {
          grey(out, m, Math.min(to, m + CHUNK_MCU_ROWS));
        } else {
          colour(out, m, Math.min(to, m + CHUNK_MCU_ROWS));
        }
      }
    });
    return new RgbImage(width, height, out);
  }

  private void bandDeadline() {
    if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
      throw new BandDeadline();
    }
  }

  /** IDCT of block rows [from, to) of c into plane (8 sample rows per block row, c.blocksW * 8 wide). */
  private void idctRows(Component c, int from, int to, byte[] plane, int[] work) {
    int stride = c.blocksW * 8;
    for (int by = from; by < to; by++) {
      bandDeadline();
      int rowAt = (by - from) * 8 * stride;
      for (int bx = 0; bx < c.blocksW; bx++) {
        idct(c.coef, (by * c.blocksW + bx) * 64, c.quant, plane, rowAt + bx * 8, stride, work);
      }
    }
  }

  private void grey(int[] out, int fromMcu, int toMcu) {
    Component c = components[0];
    int stride = c.blocksW * 8;
    int blockFrom = fromMcu * c.v;
    int blockTo = toMcu * c.v;
    byte[] plane = new byte[(blockTo - blockFrom) * 8 * stride];
    idctRows(c, blockFrom, blockTo, plane, new int[64]);
    int y0 = blockFrom * 8;
    int y1 = Math.min(height, blockTo * 8);
    for (int y = y0; y < y1; y++) {
      int in = (y - y0) * stride;
      int o = y * width;
      for (int x = 0; x < width; x++) {
        int g = plane[in + x] & 0xFF;
        out[o + x] = (g << 16) | (g << 8) | g;
      }
    }
  }

  private void colour(int[] out, int fromMcu, int toMcu) {
    Component luma = components[0];
    Component cb = components[1];
    Component cr = components[2];
    int[] work = new int[64];
    int yStride = luma.blocksW * 8;
    byte[] yPlane = new byte[(toMcu - fromMcu) * luma.v * 8 * yStride];
    idctRows(luma, fromMcu * luma.v, toMcu * luma.v, yPlane, work);
    boolean h2 = maxH == 2;
    boolean v2 = maxV == 2;
    // chroma rows one above and below the band, for the triangle filter across rows
    boolean vFancy = h2 && v2;
    int cFrom = vFancy ? Math.max(0, fromMcu - 1) : fromMcu;
    int cTo = vFancy ? Math.min(cb.blocksH, toMcu + 1) : toMcu;
    int cStride = cb.blocksW * 8;
    byte[] cbPlane = new byte[(cTo - cFrom) * 8 * cStride];
    byte[] crPlane = new byte[(cTo - cFrom) * 8 * cStride];
    idctRows(cb, cFrom, cTo, cbPlane, work);
    idctRows(cr, cFrom, cTo, crPlane, work);
    int[] cbRow = new int[2 * cStride + 2];
    int[] crRow = new int[2 * cStride + 2];
    int y0 = fromMcu * maxV * 8;
    int y1 = Math.min(height, toMcu * maxV * 8);
    int cw = cb.width;
    int lastRow = cb.height - 1;
    for (int y = y0; y < y1; y++) {
      int yAt = (y - y0) * yStride;
      int r = v2 ? y >> 1 : y;
      if (h2) {
        int at = (r - cFrom * 8) * cStride;
        if (vFancy) {
          int other = (y & 1) == 0 ? Math.max(0, r - 1) : Math.min(lastRow, r + 1);
          int otherAt = (other - cFrom * 8) * cStride;
          fancyH2V2(cbPlane, at, otherAt, cw, cbRow);
          fancyH2V2(crPlane, at, otherAt, cw, crRow);
        } else {
          fancyH2(cbPlane, at, cw, cbRow);
          fancyH2(crPlane, at, cw, crRow);
        }
        convert(yPlane, yAt, cbRow, crRow, out, y * width);
      } else {
        int at = (r - cFrom * 8) * cStride;
        for (int x = 0; x < width; x++) {
          cbRow[x] = cbPlane[at + x] & 0xFF;
          crRow[x] = crPlane[at + x] & 0xFF;
        }
        convert(yPlane, yAt, cbRow, crRow, out, y * width);
      }
    }
  }

  private void convert(byte[] yPlane, int yAt, int[] cbRow, int[] crRow, int[] out, int o) {
    for (int x = 0; x < width; x++) {
      int yv = (yPlane[yAt + x] & 0xFF) + CLAMP_OFFSET;
      int cbv = cbRow[x];
      int crv = crRow[x];
      int r = CLAMP[yv + CR_R[crv]];
      int g = CLAMP[yv + ((CB_G[cbv] + CR_G[crv]) >> 16)];
      int b = CLAMP[yv + CB_B[cbv]];
      out[o + x] = (r << 16) | (g << 8) | b;
    }
  }

  /** Triangle filter doubling a row of n (> 2) samples: each output 3/4 its nearer, 1/4 its farther input. */
  private static void fancyH2(byte[] in, int at, int n, int[] out) {
    int cur = in[at] & 0xFF;
    int next = in[at + 1] & 0xFF;
    out[0] = cur;
    out[1] = (cur * 3 + next + 2) >> 2;
    int o = 2;
    for (int i = 1; i < n - 1; i++) {
      int prev = cur;
      cur = next;
      next = in[at + i + 1] & 0xFF;
      out[o++] = (cur * 3 + prev + 1) >> 2;
      out[o++] = (cur * 3 + next + 2) >> 2;
    }
    out[o++] = (next * 3 + cur + 1) >> 2;
    out[o] = next;
  }

  /**
   * The same across rows and columns: column sums of 3/4 the nearer row and 1/4 the other, then the
   * horizontal triangle on the sums, with libjpeg's alternating rounding (8, 7).
   */
  private static void fancyH2V2(byte[] in, int near, int far, int n, int[] out) {
    int thisSum = (in[near] & 0xFF) * 3 + (in[far] & 0xFF);
    int nextSum = (in[near + 1] & 0xFF) * 3 + (in[far + 1] & 0xFF);
    out[0] = (thisSum * 4 + 8) >> 4;
    out[1] = (thisSum * 3 + nextSum + 7) >> 4;
    int o = 2;
    for (int i = 1; i < n - 1; i++) {
      int lastSum = thisSum;
      thisSum = nextSum;
      nextSum = (in[near + i + 1] & 0xFF) * 3 + (in[far + i + 1] & 0xFF);
      out[o++] = (thisSum * 3 + lastSum + 8) >> 4;
      out[o++] = (thisSum * 3 + nextSum + 7) >> 4;
    }
    out[o++] = (nextSum * 3 + thisSum + 8) >> 4;
    out[o] = (nextSum * 4 + 7) >> 4;
  }

  /**
   * Dequantisation and the accurate integer inverse DCT of one block: columns first into
   * {@code work} (scaled by 2^PASS1_BITS), then rows into {@code out} through {@link #IDCT_LIMIT}.
   * Each 8-point pass: an even part from inputs 0, 2, 4, 6 and an odd part from 1, 3, 5, 7 (the
   * rotations of the LL&M flow graph in 13-bit fixed point), combined as sum and difference.
   */
  static void idct(short[] coef, int at, int[] q, byte[] out, int outAt, int stride, int[] work) {
    for (int col = 0; col < 8; col++) {
      int c1 = coef[at + 8 + col];
      int c2 = coef[at + 16 + col];
      int c3 = coef[at + 24 + col];
      int c4 = coef[at + 32 + col];
      int c5 = coef[at + 40 + col];
      int c6 = coef[at + 48 + col];
      int c7 = coef[at + 56 + col];
      if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) == 0) {
        // the full computation gives exactly this for a column without AC terms
        int dc = (coef[at + col] * q[col]) << PASS1_BITS;
        for (int row = 0; row < 64; row += 8) {
          work[row + col] = dc;
        }
        continue;
      }
      int d0 = coef[at + col] * q[col];
      int d1 = c1 * q[8 + col];
      int d2 = c2 * q[16 + col];
      int d3 = c3 * q[24 + col];
      int d4 = c4 * q[32 + col];
      int d5 = c5 * q[40 + col];
      int d6 = c6 * q[48 + col];
      int d7 = c7 * q[56 + col];
      int z1 = (d2 + d6) * C0_541;
      int t2 = z1 - d6 * C1_847;
      int t3 = z1 + d2 * C0_765;
      int t0 = (d0 + d4) << CONST_BITS;
      int t1 = (d0 - d4) << CONST_BITS;
      int e10 = t0 + t3;
      int e13 = t0 - t3;
      int e11 = t1 + t2;
      int e12 = t1 - t2;
      int za = d7 + d1;
      int zb = d5 + d3;
      int zc = d7 + d3;
      int zd = d5 + d1;
      int z5 = (zc + zd) * C1_175;
      za *= -C0_899;
      zb *= -C2_562;
      zc = zc * -C1_961 + z5;
      zd = zd * -C0_390 + z5;
      int o0 = d7 * C0_298 + za + zc;
      int o1 = d5 * C2_053 + zb + zd;
      int o2 = d3 * C3_072 + zb + zc;
      int o3 = d1 * C1_501 + za + zd;
      int round = 1 << (CONST_BITS - PASS1_BITS - 1);
      int shift = CONST_BITS - PASS1_BITS;
      work[col] = (e10 + o3 + round) >> shift;
      work[56 + col] = (e10 - o3 + round) >> shift;
      work[8 + col] = (e11 + o2 + round) >> shift;
      work[48 + col] = (e11 - o2 + round) >> shift;
      work[16 + col] = (e12 + o1 + round) >> shift;
      work[40 + col] = (e12 - o1 + round) >> shift;
      work[24 + col] = (e13 + o0 + round) >> shift;
      work[32 + col] = (e13 - o0 + round) >> shift;
    }
    for (int row = 0; row < 64; row += 8) {
      int o = outAt + (row >> 3) * stride;
      int d0 = work[row];
      int d1 = work[row + 1];
      int d2 = work[row + 2];
      int d3 = work[row + 3];
      int d4 = work[row + 4];
      int d5 = work[row + 5];
      int d6 = work[row + 6];
      int d7 = work[row + 7];
      if ((d1 | d2 | d3 | d4 | d5 | d6 | d7) == 0) {
        byte v = IDCT_LIMIT[((d0 + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3)) & 1023];
        for (int i = 0; i < 8; i++) {
          out[o + i] = v;
        }
        continue;
      }
      int z1 = (d2 + d6) * C0_541;
      int t2 = z1 - d6 * C1_847;
      int t3 = z1 + d2 * C0_765;
      int t0 = (d0 + d4) << CONST_BITS;
      int t1 = (d0 - d4) << CONST_BITS;
      int e10 = t0 + t3;
      int e13 = t0 - t3;
      int e11 = t1 + t2;
      int e12 = t1 - t2;
      int za = d7 + d1;
      int zb = d5 + d3;
      int zc = d7 + d3;
      int zd = d5 + d1;
      int z5 = (zc + zd) * C1_175;
      za *= -C0_899;
      zb *= -C2_562;
      zc = zc * -C1_961 + z5;
      zd = zd * -C0_390 + z5;
      int o0 = d7 * C0_298 + za + zc;
      int o1 = d5 * C2_053 + zb + zd;
      int o2 = d3 * C3_072 + zb + zc;
      int o3 = d1 * C1_501 + za + zd;
      int round = 1 << (CONST_BITS + PASS1_BITS + 2);
      int shift = CONST_BITS + PASS1_BITS + 3;
      out[o] = IDCT_LIMIT[((e10 + o3 + round) >> shift) & 1023];
      out[o + 7] = IDCT_LIMIT[((e10 - o3 + round) >> shift) & 1023];
      out[o + 1] = IDCT_LIMIT[((e11 + o2 + round) >> shift) & 1023];
      out[o + 6] = IDCT_LIMIT[((e11 - o2 + round) >> shift) & 1023];
      out[o + 2] = IDCT_LIMIT[((e12 + o1 + round) >> shift) & 1023];
      out[o + 5] = IDCT_LIMIT[((e12 - o1 + round) >> shift) & 1023];
      out[o + 3] = IDCT_LIMIT[((e13 + o0 + round) >> shift) & 1023];
      out[o + 4] = IDCT_LIMIT[((e13 - o0 + round) >> shift) & 1023];
    }
  }
}
