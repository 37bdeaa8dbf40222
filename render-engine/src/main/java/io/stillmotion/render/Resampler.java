package io.stillmotion.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Resizes images once, before rendering: exact area averaging (every source pixel counts by the
 * share of it each output pixel covers) to shrink without aliasing, bicubic (Keys' cubic
 * convolution, a = -0.5, as Java2D's) to enlarge. Either can make only a rectangle of the resized
 * image, the part a camera path shows: each output pixel is computed from the source alone, the
 * same way wherever the rectangle lies, so the rectangle holds exactly the pixels the whole
 * resized image has there.
 */
final class Resampler {

  private Resampler() {
  }

  static RgbImage resize(RgbImage src, int width, int height) {
    return resize(src, width, height, RowBands.SERIAL);
  }

  /** {@code bands}: the threads that share the work. */
  static RgbImage resize(RgbImage src, int width, int height, RowBands bands) {
    if (width == src.width() && height == src.height()) {
      return src;
    }
    return resize(src, width, height, 0, 0, width, height, bands);
  }

  /**
   * The {@code w} x {@code h} rectangle at ({@code x}, {@code y}) of {@code src} resized to
   * {@code width} x {@code height} (a copy of that rectangle of {@code src} when the size is its own).
   */
  static RgbImage resize(RgbImage src, int width, int height, int x, int y, int w, int h, RowBands bands) {
    if (width < 1 || height < 1 || x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
      throw new IllegalArgumentException("rectangle " + w + "x" + h + " at " + x + "," + y + " is outside the "
          + width + "x" + height + " image");
    }
    if (width == src.width() && height == src.height()) {
      return crop(src, x, y, w, h);
    }
    if (width <= src.width() && height <= src.height()) {
      return areaAverage(src, width, height, x, y, w, h, bands);
    }
    return bicubic(src, width, height, x, y, w, h, bands);
  }

  private static RgbImage crop(RgbImage src, int x, int y, int w, int h) {
    int[] out = new int[w * h];
    for (int j = 0; j < h; j++) {
      System.arraycopy(src.pixels(), (y + j) * src.width() + x, out, j * w, w);
    }
    return new RgbImage(w, h, out);
  }

  static RgbImage areaAverage(RgbImage src, int width, int height) {
    return areaAverage(src, width, height, RowBands.SERIAL);
  }

  /**
   * Each output row is the weighted sum of the horizontally filtered source rows it covers; a band
   * of output rows keeps the last two filtered rows, as neighbouring output rows share their edge row.
   */
  static RgbImage areaAverage(RgbImage src, int width, int height, RowBands bands) {
    return areaAverage(src, width, height, 0, 0, width, height, bands);
  }

  /** The w x h rectangle at (x, y) of the image area-averaged to width x height. */
  private static RgbImage areaAverage(RgbImage src, int width, int height, int x, int y, int w, int h,
      RowBands bands) {
    double sx = (double) src.width() / width;
    double sy = (double) src.height() / height;
    Span[] cols = spans(src.width(), x, w, sx);
    int[] out = new int[w * h];
    bands.run(h, (from, to) -> {
      float[] rowA = new float[w * 3];
      float[] rowB = new float[w * 3];
      int cachedA = -1;
      int cachedB = -1;
      float[] acc = new float[w * 3];
      for (int line = from; line < to; line++) {
        int oy = y + line;
        double y0 = oy * sy;
        double y1 = Math.min(src.height(), (oy + 1) * sy);
        java.util.Arrays.fill(acc, 0f);
        for (int sy0 = (int) y0; sy0 < y1; sy0++) {
          float weight = (float) (Math.min(sy0 + 1, y1) - Math.max(sy0, y0));
          float[] row;
          if (sy0 == cachedA) {
            row = rowA;
          } else if (sy0 == cachedB) {
            row = rowB;
          } else {
            float[] t = rowA;
            rowA = rowB;
            rowB = t;
            cachedA = cachedB;
            cachedB = sy0;
            horizontal(src, sy0, cols, rowB);
            row = rowB;
          }
          for (int i = 0; i < acc.length; i++) {
            acc[i] += weight * row[i];
          }
        }
        float norm = (float) (1 / (y1 - y0));
        for (int ox = 0; ox < w; ox++) {
          int r = round(acc[ox * 3] * norm);
          int g = round(acc[ox * 3 + 1] * norm);
          int b = round(acc[ox * 3 + 2] * norm);
          out[line * w + ox] = (r << 16) | (g << 8) | b;
        }
      }
    });
    return new RgbImage(w, h, out);
  }

  private record Span(int first, float[] weights) {
  }

  /** The source spans of output pixels [from, from + count). */
  private static Span[] spans(int srcSize, int from, int count, double scale) {
    Span[] spans = new Span[count];
    for (int i = 0; i < count; i++) {
      int o = from + i;
      double a = o * scale;
      double b = Math.min(srcSize, (o + 1) * scale);
      int first = (int) a;
      int last = Math.min(srcSize - 1, (int) Math.ceil(b) - 1);
      float[] w = new float[last - first + 1];
      for (int s = first; s <= last; s++) {
        w[s - first] = (float) ((Math.min(s + 1, b) - Math.max(s, a)) / (b - a));
      }
      spans[i] = new Span(first, w);
    }
    return spans;
  }

  private static void horizontal(RgbImage src, int y, Span[] cols, float[] row) {
    int[] px = src.pixels();
    int base = y * src.width();
    for (int o = 0; o < cols.length; o++) {
      Span span = cols[o];
      float r = 0;
      float g = 0;
      float b = 0;
      for (int k = 0; k < span.weights().length; k++) {
        int p = px[base + span.first() + k];
        float w = span.weights()[k];
        r += w * ((p >> 16) & 0xFF);
        g += w * ((p >> 8) & 0xFF);
        b += w * (p & 0xFF);
      }
      row[o * 3] = r;
      row[o * 3 + 1] = g;
      row[o * 3 + 2] = b;
    }
  }

  /**
   * {@code Math.round(v)} clamped to 0..255. Math.round(float) is plain Java on JDK 17 (bit
   * tricks and branches), three times per output pixel; in double, v + 0.5 is exact, so truncating
   * it gives the same integer wherever the clamp does not decide (negative values end at 0 either way).
   */
  static int round(float v) {
    int r = (int) (v + 0.5);
    return r < 0 ? 0 : Math.min(255, r);
  }

  static RgbImage bicubic(RgbImage src, int width, int height) {
    return bicubic(src, width, height, 0, 0, width, height, RowBands.SERIAL);
  }

  /** Fractional sample positions are taken in 1/256ths of a pixel, as Java2D takes them. */
  private static final int PHASES = 256;
  /** Each phase's four tap weights, in 1/256ths, summing to 256. */
  private static final int[] CUBIC = cubicWeights();

  /**
   * Keys' cubic convolution kernel with a = -0.5 (Java2D's bicubic): for |d| < 1
   * 1.5|d|^3 - 2.5|d|^2 + 1, for 1 <= |d| < 2 -0.5|d|^3 + 2.5|d|^2 - 4|d| + 2, else 0.
   */
  private static double keys(double d) {
    double x = Math.abs(d);
    if (x < 1) {
      return (1.5 * x - 2.5) * x * x + 1;
    }
    if (x < 2) {
      return ((-0.5 * x + 2.5) * x - 4) * x + 2;
    }
    return 0;
  }

  /**
   * For a sample f/256 of a pixel past source pixel i, the weights of pixels i-1, i, i+1, i+2 (at
   * distances 1+f, f, 1-f, 2-f) in 1/256ths: the two inner ones and the outer one nearer than 1.5
   * truncated towards zero, the farther outer one what makes the sum 256 (at f = 1/2, where both
   * outer ones are 1.5 away, they share it), as Java2D's table does, so the results agree.
   */
  private static int[] cubicWeights() {
    int[] t = new int[PHASES * 4];
    for (int p = 0; p < PHASES; p++) {
      double f = (double) p / PHASES;
      int inner = (int) (PHASES * keys(f)) + (int) (PHASES * keys(1 - f));
      int left;
      int right;
      if (2 * p < PHASES) {
        left = (int) (PHASES * keys(1 + f));
        right = PHASES - inner - left;
      } else if (2 * p > PHASES) {
        right = (int) (PHASES * keys(2 - f));
        left = PHASES - inner - right;
      } else {
        left = (PHASES - inner) / 2;
        right = left;
      }
      t[p * 4] = left;
      t[p * 4 + 1] = (int) (PHASES * keys(f));
      t[p * 4 + 2] = (int) (PHASES * keys(1 - f));
      t[p * 4 + 3] = right;
    }
    return t;
  }

  /**
   * Output pixels [from, from + count) of a resize from {@code srcSize} to {@code dstSize} along one
   * axis: each one's four source indices (clamped to the edge) and weights, four ints each. Output
   * pixel o samples the source at its centre, (o + 1/2) srcSize / dstSize - 1/2, in exact integer
   * arithmetic rounded down to a 1/256th.
   */
  private static int[][] taps(int srcSize, int dstSize, int from, int count) {
    int[] index = new int[count * 4];
    int[] weight = new int[count * 4];
    for (int i = 0; i < count; i++) {
      long o = from + i;
      long pos = Math.floorDiv(((2 * o + 1) * srcSize - dstSize) * PHASES, 2L * dstSize);
      int whole = (int) Math.floorDiv(pos, PHASES);
      int phase = (int) Math.floorMod(pos, PHASES);
      for (int k = 0; k < 4; k++) {
        index[i * 4 + k] = Math.max(0, Math.min(srcSize - 1, whole - 1 + k));
        weight[i * 4 + k] = CUBIC[phase * 4 + k];
      }
    }
    return new int[][] {index, weight};
  }

  /**
   * The w x h rectangle at (x, y) of the image resized to width x height with Java2D's bicubic
   * filter, separably in integers: each source row the rectangle needs is filtered across once per
   * band (sums in 1/256ths, kept exact), then four such rows down, the whole rounded once at the end
   * from 1/65536ths and clamped, which is what the 4x4 weights' products give in one step.
   */
  static RgbImage bicubic(RgbImage src, int width, int height, int x, int y, int w, int h, RowBands bands) {
    int[][] cols = taps(src.width(), width, x, w);
    int[][] rows = taps(src.height(), height, y, h);
    int[] out = new int[w * h];
    bands.run(h, (from, to) -> {
      int[][] filtered = new int[4][w * 3];
      int[] filteredRow = {-1, -1, -1, -1};
      int[][] use = new int[4][];
      for (int row = from; row < to; row++) {
        for (int k = 0; k < 4; k++) {
          use[k] = across(src, rows[0][row * 4 + k], cols, filtered, filteredRow, rows[0], row);
        }
        int w0 = rows[1][row * 4];
        int w1 = rows[1][row * 4 + 1];
        int w2 = rows[1][row * 4 + 2];
        int w3 = rows[1][row * 4 + 3];
        int[] a = use[0];
        int[] b = use[1];
        int[] c = use[2];
        int[] d = use[3];
        int o = row * w;
        for (int i = 0; i < w * 3; i += 3, o++) {
          int r = clamp((w0 * a[i] + w1 * b[i] + w2 * c[i] + w3 * d[i] + (1 << 15)) >> 16);
          int g = clamp((w0 * a[i + 1] + w1 * b[i + 1] + w2 * c[i + 1] + w3 * d[i + 1] + (1 << 15)) >> 16);
          int bl = clamp((w0 * a[i + 2] + w1 * b[i + 2] + w2 * c[i + 2] + w3 * d[i + 2] + (1 << 15)) >> 16);
          out[o] = (r << 16) | (g << 8) | bl;
        }
      }
    });
    return new RgbImage(w, h, out);
  }

  /**
   * Source row {@code sy} filtered across, from the band's four buffers: kept if one holds it,
   * otherwise made in a buffer whose row the output row {@code row} does not need.
   */
  private static int[] across(RgbImage src, int sy, int[][] cols, int[][] filtered, int[] filteredRow,
      int[] rowIndex, int row) {
    for (int k = 0; k < 4; k++) {
      if (filteredRow[k] == sy) {
        return filtered[k];
      }
    }
    int free = 0;
    while (needed(filteredRow[free], rowIndex, row)) {
      free++;
    }
    filteredRow[free] = sy;
    int[] into = filtered[free];
    int[] px = src.pixels();
    int base = sy * src.width();
    int[] index = cols[0];
    int[] weight = cols[1];
    for (int i = 0, t = 0; t < index.length; i += 3, t += 4) {
      int p0 = px[base + index[t]];
      int p1 = px[base + index[t + 1]];
      int p2 = px[base + index[t + 2]];
      int p3 = px[base + index[t + 3]];
      int w0 = weight[t];
      int w1 = weight[t + 1];
      int w2 = weight[t + 2];
      int w3 = weight[t + 3];
      into[i] = w0 * ((p0 >> 16) & 0xFF) + w1 * ((p1 >> 16) & 0xFF) + w2 * ((p2 >> 16) & 0xFF)
          + w3 * ((p3 >> 16) & 0xFF);
      into[i + 1] = w0 * ((p0 >> 8) & 0xFF) + w1 * ((p1 >> 8) & 0xFF) + w2 * ((p2 >> 8) & 0xFF)
          + w3 * ((p3 >> 8) & 0xFF);
      into[i + 2] = w0 * (p0 & 0xFF) + w1 * (p1 & 0xFF) + w2 * (p2 & 0xFF) + w3 * (p3 & 0xFF);
    }
    return into;
  }

  /** Whether source row {@code sy} is one of the four output row {@code row} reads. */
  private static boolean needed(int sy, int[] rowIndex, int row) {
    for (int k = 0; k < 4; k++) {
      if (rowIndex[row * 4 + k] == sy) {
        return true;
      }
    }
    return false;
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }

  /**
   * The pixels copied straight into the image's own array (its rows are {@code width} ints apart):
   * {@code setRGB} converts each pixel through the colour model, 12-14 ms of a 720p poster against
   * about 1 ms this way.
   */
  static BufferedImage toBufferedImage(RgbImage img) {
    BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    int[] into = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    int[] pixels = img.pixels();
    for (int i = 0; i < into.length; i++) {
      into[i] = pixels[i] & 0xFFFFFF;
    }
    return out;
  }
}
