package io.stillmotion.render.h264;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The scalar {@link LumaSad}: eight samples per long (SWAR). The rounded average of two bytes is
 * (a | b) - ((a ^ b) >> 1) lane by lane, and the absolute differences are taken in 16-bit lanes,
 * which hold a whole block's sum without overflowing (16 * 16 * 255 < 65536). Checks the limit
 * after every row.
 */
final class SwarLumaSad extends LumaSad {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_SEVEN_BITS = 0x7f7f7f7f7f7f7f7fL;
  private static final long SIGN_BITS = 0x8080808080808080L;
  private static final long EVEN_BYTES = 0x00ff00ff00ff00ffL;
  private static final long LANE_ONES = 0x0001000100010001L;
  private static final long LANE_256 = 0x0100010001000100L;

  /** Per row: even and odd columns 0-7, then even and odd columns 8-15, one sample per 16-bit lane. */
  private final long[] lanes = new long[64];

  @Override
  void load(byte[] plane, int at, int stride) {
    for (int r = 0; r < 16; r++) {
      int row = at + r * stride;
      long x = (long) LONGS.get(plane, row) ^ SIGN_BITS;
      lanes[4 * r] = x & EVEN_BYTES;
      lanes[4 * r + 1] = x >>> 8 & EVEN_BYTES;
      x = (long) LONGS.get(plane, row + 8) ^ SIGN_BITS;
      lanes[4 * r + 2] = x & EVEN_BYTES;
      lanes[4 * r + 3] = x >>> 8 & EVEN_BYTES;
    }
  }

  @Override
  int sad16x16(byte[] planeA, int atA, byte[] planeB, int atB, int stride, int limit, byte[] prediction,
      int[] blockSads) {
    long[] xs = lanes;
    int done = 0;
    int sad = 0;
    long left = 0;
    long right = 0;
    for (int r = 0; r < 16 && sad < limit; r++) {
      int ia = atA + r * stride;
      int ib = atB + r * stride;
      long a = (long) LONGS.get(planeA, ia);
      long b = (long) LONGS.get(planeB, ib);
      long p = (a | b) - ((a ^ b) >>> 1 & LOW_SEVEN_BITS);
      LONGS.set(prediction, r * 16, p ^ SIGN_BITS);
      left += absDiff(xs[4 * r], p & EVEN_BYTES) + absDiff(xs[4 * r + 1], p >>> 8 & EVEN_BYTES);
      a = (long) LONGS.get(planeA, ia + 8);
      b = (long) LONGS.get(planeB, ib + 8);
      p = (a | b) - ((a ^ b) >>> 1 & LOW_SEVEN_BITS);
      LONGS.set(prediction, r * 16 + 8, p ^ SIGN_BITS);
      right += absDiff(xs[4 * r + 2], p & EVEN_BYTES) + absDiff(xs[4 * r + 3], p >>> 8 & EVEN_BYTES);
      if ((r & 3) == 3) {
        // Lane k of left holds columns 2k and 2k + 1 of the four rows: two lanes make a 4x4 block.
        int blk = r & ~3;
        blockSads[blk] = pairOfLanes(left);
        blockSads[blk + 1] = pairOfLanes(left >>> 32);
        blockSads[blk + 2] = pairOfLanes(right);
        blockSads[blk + 3] = pairOfLanes(right >>> 32);
        done += blockSads[blk] + blockSads[blk + 1] + blockSads[blk + 2] + blockSads[blk + 3];
        left = 0;
        right = 0;
        sad = done;
      } else {
        sad = done + (int) (((left + right) * LANE_ONES) >>> 48);
      }
    }
    return sad;
  }

  /** Sum of the two low 16-bit lanes. */
  private static int pairOfLanes(long lanes) {
    return (int) (lanes & 0xffff) + (int) (lanes >>> 16 & 0xffff);
  }

  /** |x - y| in each 16-bit lane of two longs whose lanes hold 0-255. */
  private static long absDiff(long x, long y) {
    long d = (x | LANE_256) - y;
    long negative = (d >>> 8 & LANE_ONES) ^ LANE_ONES;
    return ((d & EVEN_BYTES) ^ (negative * 0xff)) + negative;
  }
}
