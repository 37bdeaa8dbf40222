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

  private final int width;
  private final int height;
  private final int stride;
  private final int rows;
  private final int[] full;
  private final int[] horizontal;
  private final int[] vertical;
  private final int[] centre;
  private final int[] verticalUnrounded;

  QuarterPelPlanes(int width, int height) {
    this.width = width;
    this.height = height;
    this.stride = width + 2 * MARGIN;
    this.rows = height + 2 * MARGIN;
    this.full = new int[stride * rows];
    this.horizontal = new int[stride * rows];
    this.vertical = new int[stride * rows];
    this.centre = new int[stride * rows];
    this.verticalUnrounded = new int[stride * rows];
  }

  void load(Picture reference) {
    byte[] luma = reference.getPlaneData(0);
    int picStride = reference.getPlaneWidth(0);
    for (int y = 0; y < rows; y++) {
      int src = Math.max(0, Math.min(height - 1, y - MARGIN)) * picStride;
      int row = y * stride;
      Arrays.fill(full, row, row + MARGIN, luma[src] + 128);
      for (int x = 0; x < width; x++) {
        full[row + MARGIN + x] = luma[src + x] + 128;
      }
      Arrays.fill(full, row + MARGIN + width, row + stride, luma[src + width - 1] + 128);
    }
    for (int y = 0; y < rows; y++) {
      filterRow(full, y, horizontal, 16, 5);
      filterColumnStep(y);
    }
    for (int y = 0; y < rows; y++) {
      filterRow(verticalUnrounded, y, centre, 512, 10);
    }
  }

  /** Horizontal 6-tap of one row of {@code src} into {@code dst}, rounded, shifted and clipped. */
  private void filterRow(int[] src, int y, int[] dst, int round, int shift) {
    int row = y * stride;
    for (int x = 0; x < stride; x++) {
      int sum;
      if (x >= 2 && x < stride - 3) {
        int i = row + x;
        sum = src[i - 2] - 5 * src[i - 1] + 20 * src[i] + 20 * src[i + 1] - 5 * src[i + 2] + src[i + 3];
      } else {
        sum = tapH(src, x, y);
      }
      dst[row + x] = clip((sum + round) >> shift);
    }
  }

  /** Vertical 6-tap of row y: the unrounded sums (for the centre plane) and the vertical plane. */
  private void filterColumnStep(int y) {
    int row = y * stride;
    boolean inside = y >= 2 && y < rows - 3;
    for (int x = 0; x < stride; x++) {
      int i = row + x;
      int sum = inside
          ? full[i - 2 * stride] - 5 * full[i - stride] + 20 * full[i] + 20 * full[i + stride]
              - 5 * full[i + 2 * stride] + full[i + 3 * stride]
          : tapV(full, x, y);
      verticalUnrounded[i] = sum;
      vertical[i] = clip((sum + 16) >> 5);
    }
  }

  /**
   * Writes the 16x16 luma prediction at quarter-pel position (qx, qy) of its top-left sample into
   * {@code out}; false (and nothing written) when the block reaches beyond the margin.
   */
  boolean predict16x16(int qx, int qy, int[] out) {
    return block(qx, qy, out, null) >= 0;
  }

  /** SAD of {@code src} (16x16) against the prediction at (qx, qy); -1 beyond the margin. */
  int sad16x16(int qx, int qy, int[] src) {
    return block(qx, qy, null, src);
  }

  /** Writes the prediction into {@code out}, or measures it against {@code src}; -1 beyond the margin. */
  private int block(int qx, int qy, int[] out, int[] src) {
    int x = (qx >> 2) + MARGIN;
    int y = (qy >> 2) + MARGIN;
    if (x < 0 || y < 0 || x + 17 >= stride || y + 17 >= rows) {
      return -1;
    }
    int at = y * stride + x;
    int right = at + 1;
    int below = at + stride;
    return switch ((qy & 3) * 4 + (qx & 3)) {
      case 0 -> average(full, at, full, at, out, src);
      case 1 -> average(full, at, horizontal, at, out, src);
      case 2 -> average(horizontal, at, horizontal, at, out, src);
      case 3 -> average(horizontal, at, full, right, out, src);
      case 4 -> average(full, at, vertical, at, out, src);
      case 5 -> average(horizontal, at, vertical, at, out, src);
      case 6 -> average(horizontal, at, centre, at, out, src);
      case 7 -> average(horizontal, at, vertical, right, out, src);
      case 8 -> average(vertical, at, vertical, at, out, src);
      case 9 -> average(vertical, at, centre, at, out, src);
      case 10 -> average(centre, at, centre, at, out, src);
      case 11 -> average(centre, at, vertical, right, out, src);
      case 12 -> average(vertical, at, full, below, out, src);
      case 13 -> average(vertical, at, horizontal, below, out, src);
      case 14 -> average(centre, at, horizontal, below, out, src);
      default -> average(vertical, right, horizontal, below, out, src);
    };
  }

  /**
   * The rounded average of two planes' 16x16 blocks (the same block twice for a sample that is on
   * a plane), written to {@code out} when given, else its SAD against {@code src}.
   */
  private int average(int[] a, int atA, int[] b, int atB, int[] out, int[] src) {
    int sad = 0;
    for (int r = 0; r < 16; r++) {
      int ia = atA + r * stride;
      int ib = atB + r * stride;
      int o = r * 16;
      for (int c = 0; c < 16; c++) {
        int v = (a[ia + c] + b[ib + c] + 1) >> 1;
        if (out != null) {
          out[o + c] = v;
        } else {
          sad += Math.abs(src[o + c] - v);
        }
      }
    }
    return sad;
  }

  /** Horizontal 6-tap sum for the half-pel position right of (x, y), edges clamped to the plane. */
  private int tapH(int[] p, int x, int y) {
    int row = y * stride;
    return p[row + cx(x - 2)] - 5 * p[row + cx(x - 1)] + 20 * p[row + x] + 20 * p[row + cx(x + 1)]
        - 5 * p[row + cx(x + 2)] + p[row + cx(x + 3)];
  }

  private int tapV(int[] p, int x, int y) {
    return p[cy(y - 2) * stride + x] - 5 * p[cy(y - 1) * stride + x] + 20 * p[y * stride + x]
        + 20 * p[cy(y + 1) * stride + x] - 5 * p[cy(y + 2) * stride + x] + p[cy(y + 3) * stride + x];
  }

  private int cx(int x) {
    return x < 0 ? 0 : Math.min(x, stride - 1);
  }

  private int cy(int y) {
    return y < 0 ? 0 : Math.min(y, rows - 1);
  }

  private static int clip(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
