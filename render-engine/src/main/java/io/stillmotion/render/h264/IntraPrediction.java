package io.stillmotion.render.h264;

import java.util.Arrays;

/**
 * Intra 16x16 luma and 8x8 chroma predictions (H.264 8.3.3 and 8.3.4) from the reconstructed
 * neighbours, in sample values 0..255. Mode numbers are the ones written in the stream.
 */
final class IntraPrediction {

  static final int LUMA_V = 0;
  static final int LUMA_H = 1;
  static final int LUMA_DC = 2;
  static final int LUMA_PLANE = 3;

  static final int CHROMA_DC = 0;
  static final int CHROMA_H = 1;
  static final int CHROMA_V = 2;
  static final int CHROMA_PLANE = 3;

  private IntraPrediction() {
  }

  /** Whether a luma mode can be used given which neighbours exist. */
  static boolean lumaModeAvailable(int mode, boolean top, boolean left) {
    return switch (mode) {
      case LUMA_V -> top;
      case LUMA_H -> left;
      case LUMA_PLANE -> top && left;
      default -> true;
    };
  }

  static boolean chromaModeAvailable(int mode, boolean top, boolean left) {
    return switch (mode) {
      case CHROMA_V -> top;
      case CHROMA_H -> left;
      case CHROMA_PLANE -> top && left;
      default -> true;
    };
  }

  /** Fills {@code out} (16x16) with the luma prediction; top/left are null when unavailable. */
  static void luma(int mode, int[] top, int[] left, int topLeft, int[] out) {
    switch (mode) {
      case LUMA_V -> vertical(top, 16, out);
      case LUMA_H -> horizontal(left, 16, out);
      case LUMA_DC -> Arrays.fill(out, 0, 256, lumaDc(top, left));
      default -> plane(top, left, topLeft, 16, 5, out);
    }
  }

  /** Fills {@code out} (8x8) with one chroma component's prediction. */
  static void chroma(int mode, int[] top, int[] left, int topLeft, int[] out) {
    switch (mode) {
      case CHROMA_V -> vertical(top, 8, out);
      case CHROMA_H -> horizontal(left, 8, out);
      case CHROMA_DC -> chromaDc(top, left, out);
      default -> plane(top, left, topLeft, 8, 34, out);
    }
  }

  private static void vertical(int[] top, int n, int[] out) {
    for (int y = 0; y < n; y++) {
      System.arraycopy(top, 0, out, y * n, n);
    }
  }

  private static void horizontal(int[] left, int n, int[] out) {
    for (int y = 0; y < n; y++) {
      Arrays.fill(out, y * n, y * n + n, left[y]);
    }
  }

  /** The Intra 16x16 DC prediction; top/left are null when unavailable. */
  static int lumaDc(int[] top, int[] left) {
    if (top != null && left != null) {
      return (sum(top, 0, 16) + sum(left, 0, 16) + 16) >> 5;
    } else if (top != null) {
      return (sum(top, 0, 16) + 8) >> 4;
    } else if (left != null) {
      return (sum(left, 0, 16) + 8) >> 4;
    }
    return 128;
  }

  /**
   * Chroma DC is predicted per 4x4 block: the diagonal blocks use both edges, the top-right block
   * prefers its top edge and the bottom-left block its left edge.
   */
  private static void chromaDc(int[] top, int[] left, int[] out) {
    for (int by = 0; by < 2; by++) {
      for (int bx = 0; bx < 2; bx++) {
        int dc = chromaDc(top, left, bx, by);
        for (int y = 0; y < 4; y++) {
          int o = (by * 4 + y) * 8 + bx * 4;
          Arrays.fill(out, o, o + 4, dc);
        }
      }
    }
  }

  /** The chroma DC prediction of the 4x4 block (bx, by) of an 8x8 component; top/left are null when unavailable. */
  static int chromaDc(int[] top, int[] left, int bx, int by) {
    int t = top == null ? -1 : sum(top, bx * 4, 4);
    int l = left == null ? -1 : sum(left, by * 4, 4);
    if (bx == by) {
      return t >= 0 && l >= 0 ? (t + l + 4) >> 3 : t >= 0 ? (t + 2) >> 2 : l >= 0 ? (l + 2) >> 2 : 128;
    } else if (bx == 1) {
      return t >= 0 ? (t + 2) >> 2 : l >= 0 ? (l + 2) >> 2 : 128;
    }
    return l >= 0 ? (l + 2) >> 2 : t >= 0 ? (t + 2) >> 2 : 128;
  }

  /** Plane prediction; {@code gain} is 5 for 16x16 luma and 34 for 8x8 chroma. */
  private static void plane(int[] top, int[] left, int topLeft, int n, int gain, int[] out) {
    int half = n / 2;
    int h = 0;
    int v = 0;
    for (int i = 0; i < half; i++) {
      int before = half - 2 - i;
      h += (i + 1) * (top[half + i] - (before < 0 ? topLeft : top[before]));
      v += (i + 1) * (left[half + i] - (before < 0 ? topLeft : left[before]));
    }
    int a = 16 * (left[n - 1] + top[n - 1]);
    int b = (gain * h + 32) >> 6;
    int c = (gain * v + 32) >> 6;
    int centre = half - 1;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        out[y * n + x] = clip((a + b * (x - centre) + c * (y - centre) + 16) >> 5);
      }
    }
  }

  private static int sum(int[] a, int from, int n) {
    int s = 0;
    for (int i = from; i < from + n; i++) {
      s += a[i];
    }
    return s;
  }

  static int clip(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
