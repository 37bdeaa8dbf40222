package io.stillmotion.render.h264;

/**
 * The nine Intra 4x4 luma predictions (H.264 8.3.1.2). Neighbours come in one array: top row
 * p[0..7] (the top-right four already substituted when missing), left column p[8..11] and the
 * top-left corner p[12], as sample values 0..255.
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

  private Intra4x4Prediction() {
  }

  static boolean available(int mode, boolean top, boolean left) {
    return switch (mode) {
      case VERTICAL, DIAGONAL_DOWN_LEFT, VERTICAL_LEFT -> top;
      case HORIZONTAL, HORIZONTAL_UP -> left;
      case DC -> true;
      default -> top && left;
    };
  }

  /** Fills {@code out} (4x4, raster) with the prediction of {@code mode}. */
  static void predict(int mode, int[] p, boolean top, boolean left, int[] out) {
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        out[y * 4 + x] = sample(mode, p, top, left, x, y);
      }
    }
  }

  private static int sample(int mode, int[] p, boolean hasTop, boolean hasLeft, int x, int y) {
    switch (mode) {
      case VERTICAL:
        return t(p, x);
      case HORIZONTAL:
        return l(p, y);
      case DC:
        return dc(p, hasTop, hasLeft);
      case DIAGONAL_DOWN_LEFT:
        return x == 3 && y == 3 ? (t(p, 6) + 3 * t(p, 7) + 2) >> 2 : tap(t(p, x + y), t(p, x + y + 1), t(p, x + y + 2));
      case DIAGONAL_DOWN_RIGHT:
        if (x > y) {
          return tap(t(p, x - y - 2), t(p, x - y - 1), t(p, x - y));
        } else if (x < y) {
          return tap(l(p, y - x - 2), l(p, y - x - 1), l(p, y - x));
        }
        return tap(t(p, 0), t(p, -1), l(p, 0));
      case VERTICAL_RIGHT: {
        int z = 2 * x - y;
        if (z >= 0 && (z & 1) == 0) {
          return (t(p, x - (y >> 1) - 1) + t(p, x - (y >> 1)) + 1) >> 1;
        } else if (z >= 0) {
          return tap(t(p, x - (y >> 1) - 2), t(p, x - (y >> 1) - 1), t(p, x - (y >> 1)));
        } else if (z == -1) {
          return tap(l(p, 0), l(p, -1), t(p, 0));
        }
        return tap(l(p, y - 1), l(p, y - 2), l(p, y - 3));
      }
      case HORIZONTAL_DOWN: {
        int z = 2 * y - x;
        if (z >= 0 && (z & 1) == 0) {
          return (l(p, y - (x >> 1) - 1) + l(p, y - (x >> 1)) + 1) >> 1;
        } else if (z >= 0) {
          return tap(l(p, y - (x >> 1) - 2), l(p, y - (x >> 1) - 1), l(p, y - (x >> 1)));
        } else if (z == -1) {
          return tap(l(p, 0), l(p, -1), t(p, 0));
        }
        return tap(t(p, x - 1), t(p, x - 2), t(p, x - 3));
      }
      case VERTICAL_LEFT:
        return (y & 1) == 0 ? (t(p, x + (y >> 1)) + t(p, x + (y >> 1) + 1) + 1) >> 1
            : tap(t(p, x + (y >> 1)), t(p, x + (y >> 1) + 1), t(p, x + (y >> 1) + 2));
      default: { // HORIZONTAL_UP
        int z = x + 2 * y;
        if (z > 5) {
          return l(p, 3);
        } else if (z == 5) {
          return (l(p, 2) + 3 * l(p, 3) + 2) >> 2;
        } else if ((z & 1) == 0) {
          return (l(p, y + (x >> 1)) + l(p, y + (x >> 1) + 1) + 1) >> 1;
        }
        return tap(l(p, y + (x >> 1)), l(p, y + (x >> 1) + 1), l(p, y + (x >> 1) + 2));
      }
    }
  }

  private static int dc(int[] p, boolean hasTop, boolean hasLeft) {
    int top = t(p, 0) + t(p, 1) + t(p, 2) + t(p, 3);
    int left = l(p, 0) + l(p, 1) + l(p, 2) + l(p, 3);
    if (hasTop && hasLeft) {
      return (top + left + 4) >> 3;
    } else if (hasTop) {
      return (top + 2) >> 2;
    } else if (hasLeft) {
      return (left + 2) >> 2;
    }
    return 128;
  }

  private static int tap(int a, int b, int c) {
    return (a + 2 * b + c + 2) >> 2;
  }

  /** Top neighbour x (-1 is the corner). */
  private static int t(int[] p, int x) {
    return x < 0 ? p[12] : p[x];
  }

  /** Left neighbour y (-1 is the corner). */
  private static int l(int[] p, int y) {
    return y < 0 ? p[12] : p[8 + y];
  }
}
