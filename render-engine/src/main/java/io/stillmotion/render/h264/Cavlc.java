package io.stillmotion.render.h264;

import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

import org.jcodec.common.io.BitWriter;

/**
 * CAVLC residual blocks (H.264 clause 9.2) for a picture of one slice, 4:2:0: coeff_token with
 * its nC context, trailing ones' signs, levels, total_zeros and run_before, the codes gathered in
 * a 64-bit word and handed to the bit writer once or twice per block. Nothing is allocated per
 * block. The contexts are the total coefficient counts of the 4x4 blocks along the bottom of the
 * macroblock row above (per column) and along the right of the macroblock to the left (per row).
 */
final class Cavlc {

  /**
   * The coeff_token table of the chroma DC (nC == -1); tables 0 to 3 are those of 0 <= nC < 2,
   * 2 <= nC < 4, 4 <= nC < 8 and 8 <= nC (clause 9.2.1, table 9-5).
   */
  private static final int CHROMA_DC = 4;

  /**
   * Code lengths and values of coeff_token per table, [totalCoeff][trailingOnes], from table 9-5;
   * the table for 8 <= nC is the 6-bit fixed-length code and is computed.
   */
  private static final int[][][] TOKEN_LENGTH = {
      {{1}, {6, 2}, {8, 6, 3}, {9, 8, 7, 5}, {10, 9, 8, 6}, {11, 10, 9, 7}, {13, 11, 10, 8}, {13, 13, 11, 9},
          {13, 13, 13, 10}, {14, 14, 13, 11}, {14, 14, 14, 13}, {15, 15, 14, 14}, {15, 15, 15, 14},
          {16, 15, 15, 15}, {16, 16, 16, 15}, {16, 16, 16, 16}, {16, 16, 16, 16}},
      {{2}, {6, 2}, {6, 5, 3}, {7, 6, 6, 4}, {8, 6, 6, 4}, {8, 7, 7, 5}, {9, 8, 8, 6}, {11, 9, 9, 6},
          {11, 11, 11, 7}, {12, 11, 11, 9}, {12, 12, 12, 11}, {12, 12, 12, 11}, {13, 13, 13, 12},
          {13, 13, 13, 13}, {13, 14, 13, 13}, {14, 14, 14, 13}, {14, 14, 14, 14}},
      {{4}, {6, 4}, {6, 5, 4}, {6, 5, 5, 4}, {7, 5, 5, 4}, {7, 5, 5, 4}, {7, 6, 6, 4}, {7, 6, 6, 4},
          {8, 7, 7, 5}, {8, 8, 7, 6}, {9, 8, 8, 7}, {9, 9, 8, 8}, {9, 9, 9, 8}, {10, 9, 9, 9},
          {10, 10, 10, 10}, {10, 10, 10, 10}, {10, 10, 10, 10}},
      null,
      {{2}, {6, 1}, {6, 6, 3}, {6, 7, 7, 6}, {6, 8, 8, 7}}};
  private static final int[][][] TOKEN_CODE = {
      {{1}, {5, 1}, {7, 4, 1}, {7, 6, 5, 3}, {7, 6, 5, 3}, {7, 6, 5, 4}, {15, 6, 5, 4}, {11, 14, 5, 4},
          {8, 10, 13, 4}, {15, 14, 9, 4}, {11, 10, 13, 12}, {15, 14, 9, 12}, {11, 10, 13, 8},
          {15, 1, 9, 12}, {11, 14, 13, 8}, {7, 10, 9, 12}, {4, 6, 5, 8}},
      {{3}, {11, 2}, {7, 7, 3}, {7, 10, 9, 5}, {7, 6, 5, 4}, {4, 6, 5, 6}, {7, 6, 5, 8}, {15, 6, 5, 4},
          {11, 14, 13, 4}, {15, 10, 9, 4}, {11, 14, 13, 12}, {8, 10, 9, 8}, {15, 14, 13, 12},
          {11, 10, 9, 12}, {7, 11, 6, 8}, {9, 8, 10, 1}, {7, 6, 5, 4}},
      {{15}, {15, 14}, {11, 15, 13}, {8, 12, 14, 12}, {15, 10, 11, 11}, {11, 8, 9, 10}, {9, 14, 13, 9},
          {8, 10, 9, 8}, {15, 14, 13, 13}, {11, 14, 10, 12}, {15, 10, 13, 12}, {11, 14, 9, 12},
          {8, 10, 13, 8}, {13, 7, 9, 12}, {9, 12, 11, 10}, {5, 8, 7, 6}, {1, 4, 3, 2}},
      null,
      {{1}, {7, 1}, {4, 6, 1}, {3, 3, 2, 5}, {2, 3, 2, 0}}};

  /** total_zeros for 4x4 blocks (tables 9-7 and 9-8), [totalCoeff - 1][totalZeros]. */
  private static final int[][] ZEROS_LENGTH = {
      {1, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 9}, {3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6},
      {4, 3, 3, 3, 4, 4, 3, 3, 4, 5, 5, 6, 5, 6}, {5, 3, 4, 4, 3, 3, 3, 4, 3, 4, 5, 5, 5},
      {4, 4, 4, 3, 3, 3, 3, 3, 4, 5, 4, 5}, {6, 5, 3, 3, 3, 3, 3, 3, 4, 3, 6}, {6, 5, 3, 3, 3, 2, 3, 4, 3, 6},
      {6, 4, 5, 3, 2, 2, 3, 3, 6}, {6, 6, 4, 2, 2, 3, 2, 5}, {5, 5, 3, 2, 2, 2, 4}, {4, 4, 3, 3, 1, 3},
      {4, 4, 2, 1, 3}, {3, 3, 1, 2}, {2, 2, 1}, {1, 1}};
  private static final int[][] ZEROS_CODE = {
      {1, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 1}, {7, 6, 5, 4, 3, 5, 4, 3, 2, 3, 2, 3, 2, 1, 0},
      {5, 7, 6, 5, 4, 3, 4, 3, 2, 3, 2, 1, 1, 0}, {3, 7, 5, 4, 6, 5, 4, 3, 3, 2, 2, 1, 0},
      {5, 4, 3, 7, 6, 5, 4, 3, 2, 1, 1, 0}, {1, 1, 7, 6, 5, 4, 3, 2, 1, 1, 0}, {1, 1, 5, 4, 3, 3, 2, 1, 1, 0},
      {1, 1, 1, 3, 3, 2, 2, 1, 0}, {1, 0, 1, 3, 2, 1, 1, 1}, {1, 0, 1, 3, 2, 1, 1}, {0, 1, 1, 2, 1, 3},
      {0, 1, 1, 1, 1}, {0, 1, 1, 1}, {0, 1, 1}, {0, 1}};
  /** total_zeros for the 2x2 chroma DC (table 9-9a), [totalCoeff - 1][totalZeros]. */
  private static final int[][] CHROMA_DC_ZEROS_LENGTH = {{1, 2, 3, 3}, {1, 2, 2}, {1, 1}};
  private static final int[][] CHROMA_DC_ZEROS_CODE = {{1, 1, 1, 0}, {1, 1, 0}, {1, 0}};
  /** run_before (table 9-10), [min(zerosLeft, 7) - 1][runBefore]. */
  private static final int[][] RUN_LENGTH = {
      {1, 1}, {1, 2, 2}, {2, 2, 2, 2}, {2, 2, 2, 3, 3}, {2, 2, 3, 3, 3, 3}, {2, 3, 3, 3, 3, 3, 3},
      {3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11}};
  private static final int[][] RUN_CODE = {
      {1, 0}, {1, 1, 0}, {3, 2, 1, 0}, {3, 2, 1, 1, 0}, {3, 2, 3, 2, 1, 0}, {3, 0, 1, 3, 2, 5, 4},
      {7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1}};

  /** The tables above packed as {@code code << 5 | length}: coeff_token at [(table * 17 + tc) * 4 + t1]. */
  private static final int[] TOKEN = new int[5 * 17 * 4];
  /** total_zeros at [(tc - 1) * 16 + zeros], chroma DC at [(tc - 1) * 4 + zeros]. */
  private static final int[] ZEROS = new int[15 * 16];
  private static final int[] CHROMA_DC_ZEROS = new int[3 * 4];
  /** run_before at [(min(zerosLeft, 7) - 1) * 16 + run]. */
  private static final int[] RUN = new int[7 * 16];

  static {
    for (int table = 0; table < 5; table++) {
      for (int tc = 0; tc <= (table == CHROMA_DC ? 4 : 16); tc++) {
        for (int t1 = 0; t1 <= Math.min(3, tc); t1++) {
          int code;
          int length;
          if (table == 3) {
            code = tc == 0 ? 3 : (tc - 1) << 2 | t1;
            length = 6;
          } else {
            code = TOKEN_CODE[table][tc][t1];
            length = TOKEN_LENGTH[table][tc][t1];
          }
          TOKEN[(table * 17 + tc) * 4 + t1] = code << 5 | length;
        }
      }
    }
    pack(ZEROS_CODE, ZEROS_LENGTH, ZEROS, 16);
    pack(CHROMA_DC_ZEROS_CODE, CHROMA_DC_ZEROS_LENGTH, CHROMA_DC_ZEROS, 4);
    pack(RUN_CODE, RUN_LENGTH, RUN, 16);
  }

  private static void pack(int[][] codes, int[][] lengths, int[] into, int stride) {
    for (int i = 0; i < codes.length; i++) {
      for (int j = 0; j < codes[i].length; j++) {
        into[i * stride + j] = codes[i][j] << 5 | lengths[i][j];
      }
    }
  }

  /** Total coefficients of the luma 4x4 blocks last coded in each column of the picture. */
  private final int[] lumaTop;
  /** The same for the four rows of the macroblock to the left. */
  private final int[] lumaLeft = new int[4];
  /** Chroma AC as luma, per component: [c * columns + x], [c * 2 + y]. */
  private final int[] chromaTop;
  private final int[] chromaLeft = new int[4];
  private final int chromaColumns;

  /** A block's levels from the highest frequency down, and the zeros below each in the scan. */
  private final int[] levels = new int[16];
  private final int[] runs = new int[16];
  private BitWriter out;
  /** Bits not yet handed to {@link #out}: the low {@link #pending} bits of {@link #bits}. */
  private long bits;
  private int pending;

  Cavlc(int mbW) {
    lumaTop = new int[mbW * 4];
    chromaColumns = mbW * 2;
    chromaTop = new int[2 * chromaColumns];
  }

  /** Luma DC of an Intra 16x16 macroblock (16 levels in raster order, scanned in zigzag order). */
  void lumaDc(BitWriter out, int mbX, int mbY, int[] dc) {
    this.out = out;
    int count = 0;
    for (int v : dc) {
      if (v != 0) {
        count++;
      }
    }
    block(dc, 0, 16, count, tokenTable(mbX * 4, mbY * 4, lumaLeft[0], lumaTop[mbX * 4]));
    flush();
  }

  /**
   * Luma 4x4 block {@code blk} (raster order in its macroblock) with {@code count} non-zero levels
   * from scan position {@code first} on.
   */
  void luma(BitWriter out, int mbX, int mbY, int blk, int[] coefficients, int first, int count) {
    this.out = out;
    int x = mbX * 4 + (blk & 3);
    int y = blk >> 2;
    block(coefficients, first, 16 - first, count, tokenTable(x, mbY * 4 + y, lumaLeft[y], lumaTop[x]));
    lumaLeft[y] = count;
    lumaTop[x] = count;
    flush();
  }

  /** A luma 4x4 block without levels, as its neighbours' contexts see it. */
  void lumaEmpty(int mbX, int blk) {
    lumaLeft[blk >> 2] = 0;
    lumaTop[mbX * 4 + (blk & 3)] = 0;
  }

  /** The 2x2 DC levels of one chroma component. */
  void chromaDc(BitWriter out, int[] dc) {
    this.out = out;
    int tc = 0;
    int last = -1;
    for (int i = 0; i < 4; i++) {
      if (dc[i] != 0) {
        tc++;
        last = i;
      }
    }
    if (tc == 0) {
      putCode(TOKEN[CHROMA_DC * 17 * 4]);
    } else {
      int n = gather(dc, last, 0);
      int t1 = trailingOnes(n);
      putCode(TOKEN[(CHROMA_DC * 17 + n) * 4 + t1]);
      levels(n, t1);
      if (n < 4) {
        int zeros = last + 1 - n;
        putCode(CHROMA_DC_ZEROS[(n - 1) * 4 + zeros]);
        runs(n, zeros);
      }
    }
    flush();
  }

  /** AC block {@code blk} (raster order, 0-3) of chroma component {@code c}, {@code count} non-zero levels. */
  void chromaAc(BitWriter out, int mbX, int mbY, int c, int blk, int[] coefficients, int count) {
    this.out = out;
    int x = mbX * 2 + (blk & 1);
    int y = blk >> 1;
    block(coefficients, 1, 15, count,
        tokenTable(x, mbY * 2 + y, chromaLeft[c * 2 + y], chromaTop[c * chromaColumns + x]));
    chromaLeft[c * 2 + y] = count;
    chromaTop[c * chromaColumns + x] = count;
    flush();
  }

  /** Both chroma components of a macroblock without AC levels, as the neighbours' contexts see them. */
  void chromaEmpty(int mbX) {
    chromaLeft[0] = 0;
    chromaLeft[1] = 0;
    chromaLeft[2] = 0;
    chromaLeft[3] = 0;
    int x = mbX * 2;
    chromaTop[x] = 0;
    chromaTop[x + 1] = 0;
    chromaTop[chromaColumns + x] = 0;
    chromaTop[chromaColumns + x + 1] = 0;
  }

  /** A macroblock without any levels (P_Skip, or nothing coded). */
  void empty(int mbX) {
    lumaLeft[0] = 0;
    lumaLeft[1] = 0;
    lumaLeft[2] = 0;
    lumaLeft[3] = 0;
    int x = mbX * 4;
    lumaTop[x] = 0;
    lumaTop[x + 1] = 0;
    lumaTop[x + 2] = 0;
    lumaTop[x + 3] = 0;
    chromaEmpty(mbX);
  }

  /**
   * Which coeff_token table a block at (x, y) in units of its own blocks takes: nC from the counts
   * of the blocks to the left and above (clause 9.2.1), the mean when both exist.
   */
  private static int tokenTable(int x, int y, int left, int top) {
    int nc;
    if (x > 0 && y > 0) {
      nc = (left + top + 1) >> 1;
    } else if (x > 0) {
      nc = left;
    } else if (y > 0) {
      nc = top;
    } else {
      nc = 0;
    }
    return nc < 2 ? 0 : nc < 4 ? 1 : nc < 8 ? 2 : 3;
  }

  /**
   * Writes the {@code tc} non-zero levels among the {@code length} positions of the zigzag scan
   * from {@code first}: a block without levels is its coeff_token alone.
   */
  private void block(int[] coefficients, int first, int length, int tc, int table) {
    if (tc == 0) {
      putCode(TOKEN[table * 17 * 4]);
      return;
    }
    int[] scan = zigzag4x4;
    int last = first + length - 1;
    while (coefficients[scan[last]] == 0) {
      last--;
    }
    gatherScanned(coefficients, last, tc);
    int t1 = trailingOnes(tc);
    putCode(TOKEN[(table * 17 + tc) * 4 + t1]);
    levels(tc, t1);
    if (tc < length) {
      int zeros = last + 1 - first - tc;
      putCode(ZEROS[(tc - 1) * 16 + zeros]);
      runs(tc, zeros);
    }
  }

  /**
   * {@link #levels} and {@link #runs} of the {@code tc} levels from zigzag position {@code last}
   * down (the zeros below the lowest are never written).
   */
  private void gatherScanned(int[] coefficients, int last, int tc) {
    int[] scan = zigzag4x4;
    int n = 0;
    for (int i = last; n < tc; i--) {
      int v = coefficients[scan[i]];
      if (v != 0) {
        levels[n] = v;
        runs[n] = 0;
        n++;
      } else {
        runs[n - 1]++;
      }
    }
  }

  /** As {@link #gatherScanned} for levels in their own order (the chroma DC). */
  private int gather(int[] coefficients, int last, int first) {
    int n = 0;
    for (int i = last; i >= first; i--) {
      int v = coefficients[i];
      if (v != 0) {
        levels[n] = v;
        runs[n] = 0;
        n++;
      } else {
        runs[n - 1]++;
      }
    }
    return n;
  }

  /** Trailing ones: up to three levels of +-1 at the high-frequency end. */
  private int trailingOnes(int tc) {
    int t1 = 0;
    while (t1 < tc && t1 < 3 && (levels[t1] == 1 || levels[t1] == -1)) {
      t1++;
    }
    return t1;
  }

  /** The trailing ones' signs, then the other levels (clause 9.2.2), highest frequency first. */
  private void levels(int tc, int t1) {
    if (t1 > 0) {
      int signs = 0;
      for (int i = 0; i < t1; i++) {
        signs = signs << 1 | levels[i] >>> 31;
      }
      put(signs, t1);
    }
    int suffixLength = tc > 10 && t1 < 3 ? 1 : 0;
    for (int i = t1; i < tc; i++) {
      int level = levels[i];
      int code = level > 0 ? 2 * level - 2 : -2 * level - 1;
      if (i == t1 && t1 < 3) {
        // A level after fewer than three trailing ones cannot be +-1.
        code -= 2;
      }
      putLevel(code, suffixLength);
      if (suffixLength == 0) {
        suffixLength = 1;
      }
      if ((level < 0 ? -level : level) > (3 << (suffixLength - 1)) && suffixLength < 6) {
        suffixLength++;
      }
    }
  }

  /** level_prefix (zeros and a one) and level_suffix of one levelCode. */
  private void putLevel(int code, int suffixLength) {
    if (suffixLength == 0) {
      if (code < 14) {
        put(1, code + 1);
      } else if (code < 30) {
        put(1 << 4 | (code - 14), 19);
      } else {
        putEscape(code - 30);
      }
    } else {
      int prefix = code >> suffixLength;
      if (prefix < 15) {
        put(1 << suffixLength | (code & ((1 << suffixLength) - 1)), prefix + 1 + suffixLength);
      } else {
        putEscape(code - (15 << suffixLength));
      }
    }
  }

  /**
   * level_prefix 15 and a 12-bit suffix: what is left of the levelCode past the shorter codes.
   * Larger prefixes are not allowed in the profiles we write, and 8-bit samples at our QPs never
   * need them; they are written as the standard has them all the same.
   */
  private void putEscape(int rest) {
    if (rest < 4096) {
      put(1 << 12 | rest, 28);
      return;
    }
    int prefix = 16;
    while (rest - (1 << (prefix - 3)) + 4096 >= 1 << (prefix - 3)) {
      prefix++;
    }
    put(1, prefix + 1);
    put(rest - (1 << (prefix - 3)) + 4096, prefix - 3);
  }

  /** run_before of each level but the lowest, while zeros are left to place. */
  private void runs(int tc, int zeros) {
    for (int i = 0; i < tc - 1 && zeros > 0; i++) {
      int run = runs[i];
      putCode(RUN[(Math.min(zeros, 7) - 1) * 16 + run]);
      zeros -= run;
    }
  }

  private void putCode(int packed) {
    put(packed >>> 5, packed & 31);
  }

  /** Appends the low {@code length} bits of {@code value} (no higher bits set), up to 32. */
  private void put(int value, int length) {
    bits = bits << length | value;
    pending += length;
    if (pending >= 32) {
      pending -= 32;
      out.writeNBit((int) (bits >>> pending), 32);
    }
  }

  private void flush() {
    if (pending > 0) {
      out.writeNBit((int) bits, pending);
      pending = 0;
    }
  }
}
