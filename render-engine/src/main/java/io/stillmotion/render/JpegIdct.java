package io.stillmotion.render;

/**
 * Dequantisation and libjpeg's accurate integer inverse DCT of one 8x8 block (the
 * Loeffler–Ligtenberg–Moschytz factorisation with 13 fractional bits, two extra bits between the
 * passes, and libjpeg's wrap-around range limit), written from those definitions.
 */
final class JpegIdct {

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

  static {
    for (int i = 0; i < 1024; i++) {
      int v = (i < 512 ? i : i - 1024) + 128;
      IDCT_LIMIT[i] = (byte) Math.max(0, Math.min(255, v));
    }
  }

  private static int fix13(double x) {
    return (int) (x * (1 << CONST_BITS) + 0.5);
  }

  private JpegIdct() {
  }

  /**
   * Dequantisation and the accurate integer inverse DCT of one block: columns first into
   * {@code work} (scaled by 2^PASS1_BITS), then rows into {@code out} through {@link #IDCT_LIMIT}.
   * Each 8-point pass: an even part from inputs 0, 2, 4, 6 and an odd part from 1, 3, 5, 7 (the
   * rotations of the LL&M flow graph in 13-bit fixed point), combined as sum and difference. The
   * two passes spell the same butterfly out on purpose: one shared 8-argument helper per column and
   * row made the pixel pass 45 instead of 39 ms on the cups photo (stop 23, docs/performance.md).
   */
  static void idct(short[] coef, int at, int[] q, byte[] out, int outAt, int stride, int[] work) {
    columns(coef, at, q, work);
    rows(work, out, outAt, stride);
  }

  /** The first pass: dequantised columns into {@code work}, scaled by 2^PASS1_BITS. */
  private static void columns(short[] coef, int at, int[] q, int[] work) {
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
  }

  /** The second pass: rows of {@code work} descaled and range-limited into 8 rows of {@code out}. */
  private static void rows(int[] work, byte[] out, int outAt, int stride) {
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
