package io.stillmotion.render;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/**
 * Bilinear sampling of one output grid from the planes of a {@link YuvPyramid.Level}, in 8.8 fixed
 * point weights on samples x16, rounded once at the end (so the samples are exact integers and the
 * order of the two blends does not change them). The taps (source column and weight of each output
 * column, source row and weight of each output row) depend only on the grid, so they are worked out
 * once and serve every plane sampled on that grid (Cb and Cr share them, and are drawn in one pass).
 *
 * <p>Where the time goes: on JDK 17, C2 vectorises a loop only when all its arrays hold ints (not
 * short loads widened to int, not int results narrowed to bytes) and its body is small. So the one
 * scalar pass is the horizontal one, done first, once per source row (the level has about as many
 * rows as the output, {@link YuvPyramid#levelFor}): it gathers two shorts per output sample, which
 * also widens them, into int rows kept while the next output row still needs them. The output
 * columns are split into four lanes (column 4q + lane is entry q of that lane), so that the vertical
 * blend runs on int lanes and four lanes pack into the little-endian int of four output bytes with
 * whole-array loops; the packed row is then copied into the plane in bulk. Drawing each sample
 * straight to a byte, as before, cost a scalar byte store per sample and a widening copy of each
 * source row.
 */
final class PlaneSampler {

  private static final int LANES = 4;
  /** Rounds once at the end, and shifts the value by -128 as the picture stores it. */
  private static final int ROUND = (1 << 19) - (128 << 20);

  private final int levelWidth;
  private final int outW;
  private final int outH;
  /** Per output row: upper source row and the lower one's weight (of 256). */
  private final int[] y0;
  private final int[] fy;
  /** 0 where the level is one sample wide or high (both taps on the same sample). */
  private final int xStep;
  private final int yStep;
  /** Per lane and entry: left source column and the right one's weight (of 256). */
  private final int[][] laneX;
  private final int[][] laneF;
  /** Horizontal results of the upper and lower source rows, per plane (two for Cb and Cr). */
  private final int[][][] rows;
  private final int[][] blended;
  private final int[] packed;

  /**
   * Output sample (i, j) sits at output-pixel position (step*i + offX, step*j + offY), measured
   * from the frame's top-left corner in output pixels; it maps to level-0 position
   * left + pos * scale, then to the level's own coordinates (pixel centres at integers).
   */
  PlaneSampler(int levelWidth, int levelHeight, int levelIndex, double left, double top, double scale, double offX,
      double offY, int step, int outW, int outH) {
    this.levelWidth = levelWidth;
    this.outW = outW;
    this.outH = outH;
    double levelScale = 1.0 / (1 << levelIndex);
    int[] x0 = new int[outW];
    int[] fx = new int[outW];
    taps(outW, left, offX, step, scale, levelScale, levelWidth, x0, fx);
    y0 = new int[outH];
    fy = new int[outH];
    taps(outH, top, offY, step, scale, levelScale, levelHeight, y0, fy);
    xStep = levelWidth < 2 ? 0 : 1;
    yStep = levelHeight < 2 ? 0 : 1;
    int entries = (outW + LANES - 1) / LANES;
    laneX = new int[LANES][entries];
    laneF = new int[LANES][entries];
    for (int lane = 0; lane < LANES; lane++) {
      deal(x0, lane, laneX[lane]);
      deal(fx, lane, laneF[lane]);
    }
    rows = new int[4][LANES][entries];
    blended = new int[LANES][entries];
    packed = new int[entries];
  }

  /**
   * The taps of one axis: for each of {@code n} output positions, the first of the two level
   * samples it lies between and the second one's weight (of 256). One loop per method, here and in
   * {@link #deal}: a sampler is made per frame, a few hundred times a video, so the JIT reaches
   * these loops by on-stack replacement, one compile per loop of the method that holds it (three
   * loops in the constructor took three or four compiles of all of it, 0.16-0.22 s of C2 in a first video).
   */
  private static void taps(int n, double origin, double offset, int step, double scale, double levelScale,
      int levelSize, int[] first, int[] weight) {
    for (int i = 0; i < n; i++) {
      double at = (origin + (step * i + offset) * scale) * levelScale - 0.5;
      at = Math.max(0, Math.min(levelSize - 1, at));
      first[i] = Math.max(0, Math.min((int) at, levelSize - 2));
      weight[i] = levelSize < 2 ? 0 : (int) Math.round((at - first[i]) * 256);
    }
  }

  /** Entry q of {@code lane} is output column LANES * q + lane (the last column repeats past the end). */
  private static void deal(int[] columns, int lane, int[] into) {
    int last = columns.length - 1;
    for (int q = 0; q < into.length; q++) {
      into[q] = columns[Math.min(LANES * q + lane, last)];
    }
  }

  /**
   * Samples {@code plane} (the level's Y, Cb or Cr) into {@code out}, row j at offset j * stride, as
   * value - 128; {@code stride} is a multiple of 4 (a picture's planes are whole macroblocks wide).
   */
  void sample(short[] plane, byte[] out, int stride) {
    sample(plane, null, out, null, stride);
  }

  /** Samples two planes on this grid at once (Cb and Cr): the taps are read once for both. */
  void sample(short[] planeA, short[] planeB, byte[] outA, byte[] outB, int stride) {
    if (stride % 4 != 0) {
      throw new IllegalArgumentException("stride must be a multiple of 4: " + stride);
    }
    IntBuffer intsA = ByteBuffer.wrap(outA).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    IntBuffer intsB = outB == null ? null : ByteBuffer.wrap(outB).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    int[][] upperA = rows[0];
    int[][] lowerA = rows[1];
    int[][] upperB = rows[2];
    int[][] lowerB = rows[3];
    int rowUpper = -1;
    int rowLower = -1;
    for (int j = 0; j < outH; j++) {
      int r0 = y0[j];
      int r1 = r0 + yStep;
      if (r0 != rowUpper) {
        if (r0 == rowLower) {
          int[][] t = upperA;
          upperA = lowerA;
          lowerA = t;
          t = upperB;
          upperB = lowerB;
          lowerB = t;
          rowLower = -1;
        } else {
          horizontal(planeA, planeB, r0, upperA, upperB);
        }
        rowUpper = r0;
      }
      if (r1 != rowLower) {
        horizontal(planeA, planeB, r1, lowerA, lowerB);
        rowLower = r1;
      }
      vertical(upperA, lowerA, fy[j], outA, intsA, j * stride);
      if (planeB != null) {
        vertical(upperB, lowerB, fy[j], outB, intsB, j * stride);
      }
    }
  }

  private void horizontal(short[] planeA, short[] planeB, int row, int[][] intoA, int[][] intoB) {
    int base = row * levelWidth;
    for (int lane = 0; lane < LANES; lane++) {
      if (planeB == null) {
        gather(planeA, base, laneX[lane], laneF[lane], intoA[lane]);
      } else {
        gather(planeA, planeB, base, laneX[lane], laneF[lane], intoA[lane], intoB[lane]);
      }
    }
  }

  private void gather(short[] plane, int base, int[] x, int[] f, int[] into) {
    int step = xStep;
    for (int q = 0; q < into.length; q++) {
      int k = base + x[q];
      int w = f[q];
      into[q] = plane[k] * (256 - w) + plane[k + step] * w;
    }
  }

  private void gather(short[] planeA, short[] planeB, int base, int[] x, int[] f, int[] intoA, int[] intoB) {
    int step = xStep;
    for (int q = 0; q < intoA.length; q++) {
      int k = base + x[q];
      int w = f[q];
      intoA[q] = planeA[k] * (256 - w) + planeA[k + step] * w;
      intoB[q] = planeB[k] * (256 - w) + planeB[k + step] * w;
    }
  }

  private void vertical(int[][] upper, int[][] lower, int weight, byte[] out, IntBuffer ints, int offset) {
    for (int lane = 0; lane < LANES; lane++) {
      blend(upper[lane], lower[lane], weight, blended[lane]);
    }
    pack(blended[0], blended[1], blended[2], blended[3], packed);
    int whole = outW / LANES;
    ints.put(offset / LANES, packed, 0, whole);
    for (int i = whole * LANES; i < outW; i++) {
      out[offset + i] = (byte) blended[i % LANES][i / LANES];
    }
  }

  private static void blend(int[] upper, int[] lower, int weight, int[] into) {
    int keep = 256 - weight;
    for (int q = 0; q < into.length; q++) {
      into[q] = (upper[q] * keep + lower[q] * weight + ROUND) >> 20;
    }
  }

  /** Four lanes' low bytes into little-endian ints: byte 4q + lane of the row is lane's entry q. */
  private static void pack(int[] lane0, int[] lane1, int[] lane2, int[] lane3, int[] into) {
    for (int q = 0; q < into.length; q++) {
      into[q] = (lane0[q] & 255) | (lane1[q] & 255) << 8 | (lane2[q] & 255) << 16 | lane3[q] << 24;
    }
  }
}
