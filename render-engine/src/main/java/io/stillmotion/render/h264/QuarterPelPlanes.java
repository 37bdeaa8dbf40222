package io.stillmotion.render.h264;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jcodec.common.model.Picture;

/**
 * A reference picture's luma with its three half-pel planes computed once (H.264 8.4.2.2.1: the
 * 6-tap filter horizontally, vertically and in both directions from unrounded intermediates), over
 * the picture and a margin of edge-extended samples. Any quarter-pel prediction is then one of
 * these samples or the rounded average of two, the same values a decoder interpolates, at a
 * fraction of the cost of filtering each candidate block.
 */
final class QuarterPelPlanes {

  /** Margin in luma samples; blocks reaching further out are left to the caller. */
  static final int MARGIN = 32;

  /** Eight samples of a byte array as one little-endian long: the SAD kernel's view, and the prediction copies'. */
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_SEVEN_BITS = 0x7f7f7f7f7f7f7f7fL;
  private static final long SIGN_BITS = 0x8080808080808080L;
  private static final long EVEN_BYTES = 0x00ff00ff00ff00ffL;
  private static final long LANE_ONES = 0x0001000100010001L;
  private static final long LANE_256 = 0x0100010001000100L;
  private static final int FULL = 0;
  private static final int HORIZONTAL = 1;
  private static final int VERTICAL = 2;
  private static final int CENTRE = 3;
  private static final int AT = 0;
  private static final int RIGHT = 1;
  private static final int BELOW = 2;
  /**
   * Per quarter-pel phase ((qy & 3) * 4 + (qx & 3)): the two blocks (plane, where) whose rounded
   * average is the prediction, the same block twice for a sample that lies on a plane. Read-only,
   * so the planes of one reference serve any number of threads at once.
   */
  private static final int[][] PAIRS = {
      {FULL, AT, FULL, AT}, {FULL, AT, HORIZONTAL, AT}, {HORIZONTAL, AT, HORIZONTAL, AT},
      {HORIZONTAL, AT, FULL, RIGHT},
      {FULL, AT, VERTICAL, AT}, {HORIZONTAL, AT, VERTICAL, AT}, {HORIZONTAL, AT, CENTRE, AT},
      {HORIZONTAL, AT, VERTICAL, RIGHT},
      {VERTICAL, AT, VERTICAL, AT}, {VERTICAL, AT, CENTRE, AT}, {CENTRE, AT, CENTRE, AT},
      {CENTRE, AT, VERTICAL, RIGHT},
      {VERTICAL, AT, FULL, BELOW}, {VERTICAL, AT, HORIZONTAL, BELOW}, {CENTRE, AT, HORIZONTAL, BELOW},
      {VERTICAL, RIGHT, HORIZONTAL, BELOW}};

  private final int width;
  private final int height;
  private final int stride;
  private final int rows;
  /**
   * The four planes one after the other, samples 0-255 held as unsigned bytes (a quarter of the
   * memory traffic of ints in the SAD loops). One array rather than four: the SAD's two blocks
   * then come from one array reference, one register fewer in a compiled loop that is short of
   * them; measured about 5% less CPU for the candidate SADs (CandidateSadBench, both class-loader
   * orders).
   */
  private final byte[] samples;
  /** Where each plane starts in {@link #samples}. */
  private final int full;
  private final int horizontal;
  private final int vertical;
  private final int centre;
  /** One row of the vertical 6-tap sums, unrounded: the centre plane filters them horizontally. */
  private final int[] verticalUnrounded;
  /** The planes' starts indexed as {@link #PAIRS} names them. */
  private final int[] planes;
  /** The columns whose horizontal 6-tap reaches beyond the row (two on the left, three on the right). */
  private final int[] edgeColumns;

  QuarterPelPlanes(int width, int height) {
    this.width = width;
    this.height = height;
    this.stride = width + 2 * MARGIN;
    this.rows = height + 2 * MARGIN;
    int size = stride * rows;
    this.samples = new byte[4 * size];
    this.full = 0;
    this.horizontal = size;
    this.vertical = 2 * size;
    this.centre = 3 * size;
    this.verticalUnrounded = new int[stride];
    this.planes = new int[] {full, horizontal, vertical, centre};
    this.edgeColumns = new int[] {0, 1, stride - 3, stride - 2, stride - 1};
  }

  void load(Picture reference) {
    byte[] luma = reference.getPlaneData(0);
    int picStride = reference.getPlaneWidth(0);
    for (int y = 0; y < rows; y++) {
      int src = Math.max(0, Math.min(height - 1, y - MARGIN)) * picStride;
      int row = full + y * stride;
      Arrays.fill(samples, row, row + MARGIN, (byte) (luma[src] + 128));
      for (int x = 0; x < width; x++) {
        samples[row + MARGIN + x] = (byte) (luma[src + x] + 128);
      }
      Arrays.fill(samples, row + MARGIN + width, row + stride, (byte) (luma[src + width - 1] + 128));
    }
    for (int y = 0; y < rows; y++) {
      filterFullRow(y);
      filterColumnStep(y);
      filterCentreRow(y);
    }
  }

  /**
   * Horizontal 6-tap of one row of the full-sample plane into the horizontal plane. The columns
   * whose taps all lie in the row take a loop of plain array reads, which the JIT compiles without
   * per-sample branches; only the few edge columns clamp their taps.
   */
  private void filterFullRow(int y) {
    byte[] s = samples;
    int row = full + y * stride;
    int out = horizontal - full;
    for (int x : edgeColumns) {
      int sum = u(s[row + cx(x - 2)]) - 5 * u(s[row + cx(x - 1)]) + 20 * u(s[row + x])
          + 20 * u(s[row + cx(x + 1)]) - 5 * u(s[row + cx(x + 2)]) + u(s[row + cx(x + 3)]);
      s[out + row + x] = (byte) clip((sum + 16) >> 5);
    }
    for (int i = row + 2; i < row + stride - 3; i++) {
      int sum = (s[i - 2] & 0xff) + (s[i + 3] & 0xff) - 5 * ((s[i - 1] & 0xff) + (s[i + 2] & 0xff))
          + 20 * ((s[i] & 0xff) + (s[i + 1] & 0xff));
      s[out + i] = (byte) clip((sum + 16) >> 5);
    }
  }

  /** Horizontal 6-tap of row y's unrounded vertical sums into the centre plane, edge columns clamped as above. */
  private void filterCentreRow(int y) {
    int[] p = verticalUnrounded;
    int row = centre + y * stride;
    for (int x : edgeColumns) {
      int sum = p[cx(x - 2)] - 5 * p[cx(x - 1)] + 20 * p[x] + 20 * p[cx(x + 1)] - 5 * p[cx(x + 2)] + p[cx(x + 3)];
      samples[row + x] = (byte) clip((sum + 512) >> 10);
    }
    for (int x = 2; x < stride - 3; x++) {
      int sum = p[x - 2] + p[x + 3] - 5 * (p[x - 1] + p[x + 2]) + 20 * (p[x] + p[x + 1]);
      samples[row + x] = (byte) clip((sum + 512) >> 10);
    }
  }

  /**
   * Vertical 6-tap of row y: the unrounded sums (for the centre plane) and the vertical plane. The
   * six rows it reads are clamped once, before the loop, so the first and last rows take the same
   * loop as the others (a loop of its own for them ran a few times per reference picture and cost
   * C2 an on-stack-replacement compile and a normal one, 0.14 s of a first video).
   */
  private void filterColumnStep(int y) {
    byte[] s = samples;
    int r0 = full + cy(y - 2) * stride;
    int r1 = full + cy(y - 1) * stride;
    int r2 = full + y * stride;
    int r3 = full + cy(y + 1) * stride;
    int r4 = full + cy(y + 2) * stride;
    int r5 = full + cy(y + 3) * stride;
    int out = vertical + y * stride;
    int[] sums = verticalUnrounded;
    for (int x = 0; x < stride; x++) {
      int sum = (s[r0 + x] & 0xff) + (s[r5 + x] & 0xff) - 5 * ((s[r1 + x] & 0xff) + (s[r4 + x] & 0xff))
          + 20 * ((s[r2 + x] & 0xff) + (s[r3 + x] & 0xff));
      sums[x] = sum;
      s[out + x] = (byte) clip((sum + 16) >> 5);
    }
  }

  /**
   * A 16x16 source block split once into the 16-bit lanes {@link #sad16x16} compares with: each
   * macroblock's source is compared with three to five candidate predictions, so splitting it for
   * each candidate cost a tenth of the SAD's time. One per thread.
   */
  static final class SourceBlock {
    /** Per row: even and odd columns 0-7, then even and odd columns 8-15, one sample per 16-bit lane. */
    private final long[] lanes = new long[64];

    /** Loads the macroblock at {@code at} of a jcodec plane (samples stored as value - 128). */
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
  }

  /**
   * SAD of a 16x16 source block against the prediction at quarter-pel position (qx, qy) of its
   * top-left sample; -1 (and nothing written) when the block reaches beyond the margin. Stops early
   * once the SAD reaches {@code limit}, returning a partial sum that is at least the limit. On the
   * way it writes the prediction into {@code prediction} (256 samples, stored as jcodec stores
   * them) and the SAD of each 4x4 block into {@code blockSads} (raster order): whole only when the
   * SAD returned is below the limit, which is when the caller keeps them.
   * Works on eight samples per long (SWAR): the rounded average of two bytes is
   * (a | b) - ((a ^ b) >> 1) lane by lane, and the absolute differences are taken in 16-bit
   * lanes, which hold a whole block's sum without overflowing (16 * 16 * 255 < 65536).
   */
  int sad16x16(int qx, int qy, SourceBlock source, int limit, byte[] prediction, int[] blockSads) {
    int at = origin(qx, qy);
    if (at < 0) {
      return -1;
    }
    int pair = (qy & 3) * 4 + (qx & 3);
    byte[] s = samples;
    int atA = planes[PAIRS[pair][0]] + at + offset(PAIRS[pair][1]);
    int atB = planes[PAIRS[pair][2]] + at + offset(PAIRS[pair][3]);
    long[] xs = source.lanes;
    int done = 0;
    int sad = 0;
    long left = 0;
    long right = 0;
    for (int r = 0; r < 16 && sad < limit; r++) {
      int ia = atA + r * stride;
      int ib = atB + r * stride;
      long a = (long) LONGS.get(s, ia);
      long b = (long) LONGS.get(s, ib);
      long p = (a | b) - ((a ^ b) >>> 1 & LOW_SEVEN_BITS);
      LONGS.set(prediction, r * 16, p ^ SIGN_BITS);
      left += absDiff(xs[4 * r], p & EVEN_BYTES) + absDiff(xs[4 * r + 1], p >>> 8 & EVEN_BYTES);
      a = (long) LONGS.get(s, ia + 8);
      b = (long) LONGS.get(s, ib + 8);
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

  /**
   * Offset of the whole sample at or left of and above (qx, qy); -1 when the block reaches beyond
   * the margin.
   */
  private int origin(int qx, int qy) {
    int x = (qx >> 2) + MARGIN;
    int y = (qy >> 2) + MARGIN;
    if (x < 0 || y < 0 || x + 17 >= stride || y + 17 >= rows) {
      return -1;
    }
    return y * stride + x;
  }

  private int offset(int where) {
    return where == RIGHT ? 1 : where == BELOW ? stride : 0;
  }

  private static int u(byte v) {
    return v & 0xff;
  }

  private int cx(int x) {
    return x < 0 ? 0 : Math.min(x, stride - 1);
  }

  private int cy(int y) {
    return y < 0 ? 0 : Math.min(y, rows - 1);
  }

  private static int clip(int v) {
    return Math.max(0, Math.min(v, 255));
  }
}
