package io.stillmotion.render.h264;

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
  /** Samples 0-255 held as unsigned bytes: a quarter of the memory traffic of ints in the SAD loops. */
  private final byte[] full;
  private final byte[] horizontal;
  private final byte[] vertical;
  private final byte[] centre;
  /** One row of the vertical 6-tap sums, unrounded: the centre plane filters them horizontally. */
  private final int[] verticalUnrounded;
  /** The planes indexed as {@link #PAIRS} names them. */
  private final byte[][] planes;
  /** The columns whose horizontal 6-tap reaches beyond the row (two on the left, three on the right). */
  private final int[] edgeColumns;

  QuarterPelPlanes(int width, int height) {
    this.width = width;
    this.height = height;
    this.stride = width + 2 * MARGIN;
    this.rows = height + 2 * MARGIN;
    this.full = new byte[stride * rows];
    this.horizontal = new byte[stride * rows];
    this.vertical = new byte[stride * rows];
    this.centre = new byte[stride * rows];
    this.verticalUnrounded = new int[stride];
    this.planes = new byte[][] {full, horizontal, vertical, centre};
    this.edgeColumns = new int[] {0, 1, stride - 3, stride - 2, stride - 1};
  }

  void load(Picture reference) {
    byte[] luma = reference.getPlaneData(0);
    int picStride = reference.getPlaneWidth(0);
    for (int y = 0; y < rows; y++) {
      int src = Math.max(0, Math.min(height - 1, y - MARGIN)) * picStride;
      int row = y * stride;
      Arrays.fill(full, row, row + MARGIN, (byte) (luma[src] + 128));
      for (int x = 0; x < width; x++) {
        full[row + MARGIN + x] = (byte) (luma[src + x] + 128);
      }
      Arrays.fill(full, row + MARGIN + width, row + stride, (byte) (luma[src + width - 1] + 128));
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
    int row = y * stride;
    for (int x : edgeColumns) {
      int sum = u(full[row + cx(x - 2)]) - 5 * u(full[row + cx(x - 1)]) + 20 * u(full[row + x])
          + 20 * u(full[row + cx(x + 1)]) - 5 * u(full[row + cx(x + 2)]) + u(full[row + cx(x + 3)]);
      horizontal[row + x] = (byte) clip((sum + 16) >> 5);
    }
    for (int i = row + 2; i < row + stride - 3; i++) {
      int sum = (full[i - 2] & 0xff) + (full[i + 3] & 0xff) - 5 * ((full[i - 1] & 0xff) + (full[i + 2] & 0xff))
          + 20 * ((full[i] & 0xff) + (full[i + 1] & 0xff));
      horizontal[i] = (byte) clip((sum + 16) >> 5);
    }
  }

  /** Horizontal 6-tap of row y's unrounded vertical sums into the centre plane, edge columns clamped as above. */
  private void filterCentreRow(int y) {
    int[] p = verticalUnrounded;
    int row = y * stride;
    for (int x : edgeColumns) {
      int sum = p[cx(x - 2)] - 5 * p[cx(x - 1)] + 20 * p[x] + 20 * p[cx(x + 1)] - 5 * p[cx(x + 2)] + p[cx(x + 3)];
      centre[row + x] = (byte) clip((sum + 512) >> 10);
    }
    for (int x = 2; x < stride - 3; x++) {
      int sum = p[x - 2] + p[x + 3] - 5 * (p[x - 1] + p[x + 2]) + 20 * (p[x] + p[x + 1]);
      centre[row + x] = (byte) clip((sum + 512) >> 10);
    }
  }

  /**
   * Vertical 6-tap of row y: the unrounded sums (for the centre plane) and the vertical plane. Rows
   * whose taps all lie in the planes take a loop without clamping.
   */
  private void filterColumnStep(int y) {
    if (y < 2 || y >= rows - 3) {
      filterEdgeColumnStep(y);
      return;
    }
    int row = y * stride;
    int[] sums = verticalUnrounded;
    for (int x = 0; x < stride; x++) {
      int i = row + x;
      int sum = (full[i - 2 * stride] & 0xff) + (full[i + 3 * stride] & 0xff)
          - 5 * ((full[i - stride] & 0xff) + (full[i + 2 * stride] & 0xff))
          + 20 * ((full[i] & 0xff) + (full[i + stride] & 0xff));
      sums[x] = sum;
      vertical[i] = (byte) clip((sum + 16) >> 5);
    }
  }

  private void filterEdgeColumnStep(int y) {
    int row = y * stride;
    for (int x = 0; x < stride; x++) {
      int sum = u(full[cy(y - 2) * stride + x]) - 5 * u(full[cy(y - 1) * stride + x]) + 20 * u(full[row + x])
          + 20 * u(full[cy(y + 1) * stride + x]) - 5 * u(full[cy(y + 2) * stride + x]) + u(full[cy(y + 3) * stride + x]);
      verticalUnrounded[x] = sum;
      vertical[row + x] = (byte) clip((sum + 16) >> 5);
    }
  }

  /**
   * SAD of a 16x16 source block against the prediction at quarter-pel position (qx, qy) of its
   * top-left sample; -1 (and nothing written) when the block reaches beyond the margin. Stops early
   * once the SAD reaches {@code limit}, returning a partial sum that is at least the limit. On the
   * way it writes the prediction into {@code prediction} (256 samples, stored as jcodec stores
   * them) and the SAD of each 4x4 block into {@code blockSads} (raster order): whole only when the
   * SAD returned is below the limit, which is when the caller keeps them. The sums are
   * {@code source}'s kernel's ({@link LumaSad}).
   */
  int sad16x16(int qx, int qy, LumaSad source, int limit, byte[] prediction, int[] blockSads) {
    int at = origin(qx, qy);
    if (at < 0) {
      return -1;
    }
    int[] pair = PAIRS[(qy & 3) * 4 + (qx & 3)];
    return source.sad16x16(planes[pair[0]], at + offset(pair[1]), planes[pair[2]], at + offset(pair[3]), stride,
        limit, prediction, blockSads);
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
