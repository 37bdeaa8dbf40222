package io.stillmotion.render.h264;

/**
 * The nine Intra 4x4 luma predictions (H.264 8.3.1.2) of one block. Every sample of every mode is
 * one of a few values of the block's edge: a neighbour itself, the 3-tap filter (1, 2, 1) centred
 * on a neighbour, or the average of two adjacent neighbours (or the DC). {@link #load} works them
 * out once per block, and a mode's prediction is read through a fixed table of where each of its
 * sixteen samples comes from, instead of evaluating the mode's formula for every sample of each
 * of the nine candidates.
 */
final class Intra4x4Prediction {

  static final int MODES = 9;
  static final int VERTICAL = 0;
  static final int HORIZONTAL = 1;
  static final int DC = 2;
  static final int DIAGONAL_DOWN_LEFT = 3;
  static final int DIAGONAL_DOWN_RIGHT = 4;
  static final int VERTICAL_RIGHT = 5;
  static final int HORIZONTAL_DOWN = 6;
  static final int VERTICAL_LEFT = 7;
  static final int HORIZONTAL_UP = 8;

  /*
   * The edge as one line, bottom-left to top-right: L3 L3 L2 L1 L0 X T0 .. T7 T7, where X is the
   * corner and the outer L3 and T7 are repeated so the filter has a third tap at both ends (the
   * standard's (L2 + 3 L3 + 2) >> 2 and (T6 + 3 T7 + 2) >> 2). Top neighbour i sits at 6 + i and
   * left neighbour j at 4 - j (i, j = -1 being the corner), so a direction is a step along the line.
   */
  private static final int EDGE = 0;
  /** Filtered edge: TAP + k holds (e[k-1] + 2 e[k] + e[k+1] + 2) >> 2, k = 1..13. */
  private static final int TAP = 15;
  /** Two-tap averages: AVERAGE + k holds (e[k] + e[k+1] + 1) >> 1, k = 0..13. */
  private static final int AVERAGE = 30;
  private static final int DC_VALUE = 45;
  /** Where each mode's samples (raster order) are taken from in {@link #values}. */
  private static final byte[][] SOURCE = new byte[MODES][16];

  static {
    for (int mode = 0; mode < MODES; mode++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          SOURCE[mode][y * 4 + x] = (byte) source(mode, x, y);
        }
      }
    }
  }

  private final int[] values = new int[DC_VALUE + 1];

  static boolean available(int mode, boolean top, boolean left) {
    return switch (mode) {
      case VERTICAL, DIAGONAL_DOWN_LEFT, VERTICAL_LEFT -> top;
      case HORIZONTAL, HORIZONTAL_UP -> left;
      case DC -> true;
      default -> top && left;
    };
  }

  /**
   * Reads the neighbours of the block at ({@code x0}, {@code y0}) of a reconstructed jcodec plane
   * (samples stored as value - 128); a missing top-right is replaced by the last top sample.
   */
  void load(byte[] plane, int stride, int x0, int y0, boolean hasTop, boolean hasLeft, boolean hasTopRight) {
    int[] e = values;
    int top = 0;
    int left = 0;
    if (hasTop) {
      int row = (y0 - 1) * stride + x0;
      for (int i = 0; i < 4; i++) {
        e[6 + i] = plane[row + i] + 128;
        top += e[6 + i];
      }
      for (int i = 4; i < 8; i++) {
        e[6 + i] = hasTopRight ? plane[row + i] + 128 : e[9];
      }
      e[14] = e[13];
    }
    if (hasLeft) {
      for (int j = 0; j < 4; j++) {
        e[4 - j] = plane[(y0 + j) * stride + x0 - 1] + 128;
        left += e[4 - j];
      }
      e[0] = e[1];
    }
    if (hasTop && hasLeft) {
      e[5] = plane[(y0 - 1) * stride + x0 - 1] + 128;
    }
    // Values next to a missing edge are stale; no available mode reads them.
    for (int k = 1; k <= 13; k++) {
      e[TAP + k] = (e[k - 1] + 2 * e[k] + e[k + 1] + 2) >> 2;
    }
    for (int k = 0; k <= 13; k++) {
      e[AVERAGE + k] = (e[k] + e[k + 1] + 1) >> 1;
    }
    e[DC_VALUE] = hasTop && hasLeft ? (top + left + 4) >> 3
        : hasTop ? (top + 2) >> 2
        : hasLeft ? (left + 2) >> 2
        : 128;
  }

  /** Top neighbour {@code i} (0..3) of the block last loaded. */
  int top(int i) {
    return values[6 + i];
  }

  /** Left neighbour {@code j} (0..3) of the block last loaded. */
  int left(int j) {
    return values[4 - j];
  }

  int dc() {
    return values[DC_VALUE];
  }

  /** Fills {@code out} (4x4, raster, values 0..255) with the prediction of {@code mode}. */
  void predict(int mode, int[] out) {
    byte[] source = SOURCE[mode];
    for (int k = 0; k < 16; k++) {
      out[k] = values[source[k]];
    }
  }

  /**
   * SATD of the 4x4 block of {@code src} at {@code at} (stride 16) against the prediction of
   * {@code mode}, read from the edge values without drawing it; a value at or above {@code limit}
   * once the SATD is known to reach it (see {@link Costs#satd4x4(int, int, int, int, int, int, int,
   * int, int, int, int, int, int, int, int, int, int)}).
   */
  int satd(int mode, int[] src, int at, int limit) {
    byte[] s = SOURCE[mode];
    int[] v = values;
    return Costs.satd4x4(limit, src[at] - v[s[0]], src[at + 1] - v[s[1]], src[at + 2] - v[s[2]], src[at + 3] - v[s[3]],
        src[at + 16] - v[s[4]], src[at + 17] - v[s[5]], src[at + 18] - v[s[6]], src[at + 19] - v[s[7]],
        src[at + 32] - v[s[8]], src[at + 33] - v[s[9]], src[at + 34] - v[s[10]], src[at + 35] - v[s[11]],
        src[at + 48] - v[s[12]], src[at + 49] - v[s[13]], src[at + 50] - v[s[14]], src[at + 51] - v[s[15]]);
  }

  /** Where sample (x, y) of {@code mode} comes from, following the formulas of 8.3.1.2.1-9. */
  private static int source(int mode, int x, int y) {
    return switch (mode) {
      case VERTICAL -> EDGE + 6 + x;
      case HORIZONTAL -> EDGE + 4 - y;
      case DC -> DC_VALUE;
      case DIAGONAL_DOWN_LEFT -> TAP + 7 + x + y;
      case DIAGONAL_DOWN_RIGHT -> TAP + 5 + x - y;
      case VERTICAL_RIGHT -> verticalRight(x, y);
      case HORIZONTAL_DOWN -> horizontalDown(x, y);
      case VERTICAL_LEFT -> (y & 1) == 0 ? AVERAGE + 6 + x + (y >> 1) : TAP + 7 + x + (y >> 1);
      default -> horizontalUp(x, y);
    };
  }

  private static int verticalRight(int x, int y) {
    int z = 2 * x - y;
    if (z >= 0) {
      return ((z & 1) == 0 ? AVERAGE : TAP) + 5 + x - (y >> 1);
    }
    return z == -1 ? TAP + 5 : TAP + 6 - y;
  }

  private static int horizontalDown(int x, int y) {
    int z = 2 * y - x;
    if (z >= 0) {
      return (z & 1) == 0 ? AVERAGE + 4 - y + (x >> 1) : TAP + 5 - y + (x >> 1);
    }
    return z == -1 ? TAP + 5 : TAP + 4 + x;
  }

  private static int horizontalUp(int x, int y) {
    int z = x + 2 * y;
    if (z > 5) {
      return EDGE + 1;
    } else if (z == 5) {
      return TAP + 1;
    }
    return (z & 1) == 0 ? AVERAGE + 3 - y - (x >> 1) : TAP + 3 - y - (x >> 1);
  }
}
