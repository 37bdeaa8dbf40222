package io.stillmotion.render.h264;

import java.util.Arrays;
import org.jcodec.codecs.common.biari.MConst;
import org.jcodec.codecs.h264.decode.CABACContst;

/**
 * The binary arithmetic coder of CABAC (H.264 clause 9.3.4.2) with its context models, writing
 * bytes into an array of its own. The spec's encoder settles one output bit at a time and counts
 * the bits a later carry could still flip; here the low end of the interval keeps up to a byte of
 * settled bits above its 10-bit window and hands them out a byte at a time, holding back runs of
 * 0xFF bytes (which a carry would turn into zeros, adding one to the byte before) until a byte
 * other than 0xFF settles them. Renormalisation is one shift by the range's leading zeros.
 *
 * <p>A context is one byte, {@code pStateIdx << 1 | valMPS}, so both transitions are table look-ups.
 */
final class CabacCoder {

  /** Contexts 0-275: every one a frame-coded 4:2:0 slice of ours can use (276 is end_of_slice, no model). */
  static final int CONTEXTS = 276;

  /** codIRangeLPS at [pStateIdx * 4 + qCodIRangeIdx] (table 9-44). */
  private static final int[] RANGE_LPS = new int[64 * 4];
  /** The next context at [context byte << 1 | 1 if the bin was the least probable symbol]. */
  private static final byte[] NEXT = new byte[256];

  static {
    for (int state = 0; state < 64; state++) {
      for (int q = 0; q < 4; q++) {
        RANGE_LPS[state * 4 + q] = MConst.rangeLPS[q][state];
      }
      for (int mps = 0; mps < 2; mps++) {
        int context = state << 1 | mps;
        NEXT[context << 1] = (byte) (Math.min(state + 1, 62) << 1 | mps);
        NEXT[context << 1 | 1] = (byte) (MConst.transitLPS[state] << 1 | (state == 0 ? 1 - mps : mps));
      }
    }
  }

  private final byte[] contexts = new byte[CONTEXTS];
  private byte[] bytes;
  private int length;
  /** codILow, with {@link #settled} bits above its 10-bit window (and a carry above those). */
  private int low;
  private int range;
  /**
   * Output bits held in {@link #low} above the window. It starts at -1: the spec's encoder drops
   * its first output bit (always 0, the interval lying within [0, 1)), which here stays above the
   * first byte, where a carry would go, and is masked away with it.
   */
  private int settled;
  /** 0xFF bytes settled but not yet written: a carry still to come would make them 0x00. */
  private int outstanding;
  private int bins;

  /** A coder for slices of up to {@code capacity} bytes (at least 1) before its buffer has to grow. */
  CabacCoder(int capacity) {
    bytes = new byte[capacity];
  }

  /**
   * Starts a slice: initialises every context for the slice's QP (clause 9.3.1.1) from the I-slice
   * tables or those of {@code cabacInitIdc}, and the coder (clause 9.3.1.2).
   */
  void start(boolean intraSlice, int cabacInitIdc, int qp) {
    int[] m = intraSlice ? CABACContst.cabac_context_init_I_A : CABACContst.cabac_context_init_PB_A[cabacInitIdc];
    int[] n = intraSlice ? CABACContst.cabac_context_init_I_B : CABACContst.cabac_context_init_PB_B[cabacInitIdc];
    int q = Math.max(0, Math.min(51, qp));
    for (int ctx = 0; ctx < CONTEXTS; ctx++) {
      int pre = Math.max(1, Math.min(126, ((m[ctx] * q) >> 4) + n[ctx]));
      contexts[ctx] = (byte) (pre <= 63 ? (63 - pre) << 1 : (pre - 64) << 1 | 1);
    }
    length = 0;
    low = 0;
    range = 510;
    settled = -1;
    outstanding = 0;
    bins = 0;
  }

  /**
   * Codes {@code bin} (0 or 1) with context {@code ctx}. Without a branch on the symbol: which one a
   * bin is, is as good as random to the processor, and a mispredicted branch per bin cost more
   * than the arithmetic; the renormalising shift is 0 when the range needs none.
   */
  void decision(int ctx, int bin) {
    int s = contexts[ctx];
    int lps = RANGE_LPS[(s & ~1) << 1 | (range >> 6 & 3)];
    int mps = range - lps;
    int miss = bin ^ (s & 1);
    int lpsMask = -miss;
    low += mps & lpsMask;
    int next = mps ^ ((mps ^ lps) & lpsMask);
    contexts[ctx] = NEXT[s << 1 | miss];
    bins++;
    int shift = Integer.numberOfLeadingZeros(next) - 23;
    range = next << shift;
    low <<= shift;
    settled += shift;
    if (settled >= 8) {
      putByte();
    }
  }

  /** Codes {@code bin} (0 or 1) with probability one half. */
  void bypass(int bin) {
    low = (low << 1) + (-bin & range);
    bins++;
    if (++settled >= 8) {
      putByte();
    }
  }

  /** A k-th order Exp-Golomb code in bypass bins: the suffix of mvd and coeff_abs_level_minus1 (clause 9.3.2.3). */
  void expGolomb(int value, int k) {
    while (value >= 1 << k) {
      bypass(1);
      value -= 1 << k;
      k++;
    }
    bypass(0);
    while (k-- > 0) {
      bypass(value >> k & 1);
    }
  }

  /** Codes a terminating bin that is 0 (end_of_slice_flag of all but the last macroblock, or not I_PCM). */
  void terminate() {
    range -= 2;
    bins++;
    if (range < 256) {
      range <<= 1;
      low <<= 1;
      if (++settled >= 8) {
        putByte();
      }
    }
  }

  /**
   * Codes the terminating bin 1 (end_of_slice_flag of the last macroblock) and flushes (clause
   * 9.3.4.5): the spec's flush writes the window's ten bits with the lowest set to 1, which is the
   * rbsp_stop_one_bit; zeros align it to a byte. Returns the slice data's length in bytes.
   */
  int finish() {
    range -= 2;
    bins++;
    int bits = settled + 10;
    int pad = -bits & 7;
    long value = (long) ((low + range) | 1) << pad;
    for (bits += pad; bits > 0; ) {
      bits -= 8;
      putByte((int) (value >> bits));
      value &= (1L << bits) - 1;
    }
    for (; outstanding > 0; outstanding--) {
      append(0xFF);
    }
    return length;
  }

  /** The slice data so far (all of it after {@link #finish}): the first {@link #finish} bytes. */
  byte[] bytes() {
    return bytes;
  }

  /** Bins coded in the slice, for the bin count limit (clause 7.4.2.10). */
  int bins() {
    return bins;
  }

  /** Hands the top settled byte of {@link #low} on. */
  private void putByte() {
    int shift = settled + 2;
    int out = low >> shift;
    low &= (1 << shift) - 1;
    settled -= 8;
    putByte(out);
  }

  /**
   * Writes a settled byte, or holds it back while it is 0xFF; bit 8 of {@code out} is a carry
   * into the bytes before: the held-back 0xFF bytes turn to zeros and the one before them (never
   * 0xFF, or it would be held back too) grows by one.
   */
  private void putByte(int out) {
    if ((out & 0xFF) == 0xFF) {
      outstanding++;
      return;
    }
    int carry = out >> 8;
    if (carry != 0) {
      bytes[length - 1]++;
    }
    for (; outstanding > 0; outstanding--) {
      append(0xFF + carry);
    }
    append(out);
  }

  private void append(int b) {
    if (length == bytes.length) {
      bytes = Arrays.copyOf(bytes, length * 2);
    }
    bytes[length++] = (byte) b;
  }
}
