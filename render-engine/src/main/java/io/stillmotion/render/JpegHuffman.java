package io.stillmotion.render;

/**
 * One Huffman table of a JPEG (a DHT entry), built from its code counts per length and its symbols:
 * codes up to {@link #LOOKUP_BITS} bits by one lookup, longer ones by the canonical code's limits.
 * {@link ProgressiveScans} reads symbols with it.
 */
final class JpegHuffman {

  static final int LOOKUP_BITS = 9;
  /** (length << 8) | symbol for every 9-bit prefix that starts with a code of up to 9 bits, else 0. */
  final int[] lookup = new int[1 << LOOKUP_BITS];
  /** Per code length: the largest code of that length, -1 if none. */
  final int[] maxCode = new int[17];
  /** Per code length: what to add to a code of that length to find its symbol's index. */
  final int[] offset = new int[17];
  final int[] symbols;
  /** Every symbol is at most 15: usable as a DC table (a DC difference has at most 15 bits here). */
  final boolean dcSafe;

  /**
   * @param counts  counts[len] codes of each length 1..16
   * @param symbols the symbols in code order
   * @throws ProgressiveJpeg.Unsupported the counts over-subscribe the code space
   */
  JpegHuffman(int[] counts, int[] symbols) throws ProgressiveJpeg.Unsupported {
    this.symbols = symbols;
    this.dcSafe = allAtMost15(symbols);
    int code = 0;
    int k = 0;
    for (int len = 1; len <= 16; len++) {
      offset[len] = k - code;
      for (int i = 0; i < counts[len]; i++, k++, code++) {
        if (len <= LOOKUP_BITS) {
          fillLookup(code, len, symbols[k]);
        }
      }
      // no code may be all ones, so the codes of each length end below 2^len (libjpeg's rule too)
      if (code >= (1 << len)) {
        throw new ProgressiveJpeg.Unsupported("over-subscribed Huffman table");
      }
      maxCode[len] = counts[len] == 0 ? -1 : code - 1;
      code <<= 1;
    }
  }

  private static boolean allAtMost15(int[] symbols) {
    boolean small = true;
    for (int s : symbols) {
      small &= s <= 15;
    }
    return small;
  }

  /** Every lookup index whose first {@code len} bits are {@code code} gives {@code symbol}. */
  private void fillLookup(int code, int len, int symbol) {
    int shift = LOOKUP_BITS - len;
    int entry = (len << 8) | symbol;
    for (int j = code << shift, n = (code + 1) << shift; j < n; j++) {
      lookup[j] = entry;
    }
  }
}
