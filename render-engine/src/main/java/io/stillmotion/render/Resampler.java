package io.stillmotion.render;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Resizes whole images once, before rendering: exact area averaging (every source pixel counts by
 * the share of it each output pixel covers) to shrink without aliasing, bicubic to enlarge.
 */
final class Resampler {

  private Resampler() {
  }

  static RgbImage resize(RgbImage src, int width, int height) {
    return resize(src, width, height, RowBands.SERIAL);
  }

  /** {@code bands}: the threads that share the work of shrinking (enlarging is left to Java2D). */
  static RgbImage resize(RgbImage src, int width, int height, RowBands bands) {
    if (width == src.width() && height == src.height()) {
      return src;
    }
    if (width <= src.width() && height <= src.height()) {
      return areaAverage(src, width, height, bands);
    }
    return bicubic(src, width, height);
  }

  static RgbImage areaAverage(RgbImage src, int width, int height) {
    return areaAverage(src, width, height, RowBands.SERIAL);
  }

  /**
   * Each output row is the weighted sum of the horizontally filtered source rows it covers; a band
   * of output rows keeps the last two filtered rows, as neighbouring output rows share their edge row.
   */
  static RgbImage areaAverage(RgbImage src, int width, int height, RowBands bands) {
    double sx = (double) src.width() / width;
    double sy = (double) src.height() / height;
    Span[] cols = spans(src.width(), width, sx);
    int[] out = new int[width * height];
    bands.run(height, (from, to) -> {
      float[] rowA = new float[width * 3];
      float[] rowB = new float[width * 3];
      int cachedA = -1;
      int cachedB = -1;
      float[] acc = new float[width * 3];
      for (int oy = from; oy < to; oy++) {
        double y0 = oy * sy;
        double y1 = Math.min(src.height(), (oy + 1) * sy);
        java.util.Arrays.fill(acc, 0f);
        for (int sy0 = (int) y0; sy0 < y1; sy0++) {
          float w = (float) (Math.min(sy0 + 1, y1) - Math.max(sy0, y0));
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
            acc[i] += w * row[i];
          }
        }
        float norm = (float) (1 / (y1 - y0));
        for (int ox = 0; ox < width; ox++) {
          int r = round(acc[ox * 3] * norm);
          int g = round(acc[ox * 3 + 1] * norm);
          int b = round(acc[ox * 3 + 2] * norm);
          out[oy * width + ox] = (r << 16) | (g << 8) | b;
        }
      }
    });
    return new RgbImage(width, height, out);
  }

  private record Span(int first, float[] weights) {
  }

  private static Span[] spans(int srcSize, int dstSize, double scale) {
    Span[] spans = new Span[dstSize];
    for (int o = 0; o < dstSize; o++) {
      double a = o * scale;
      double b = Math.min(srcSize, (o + 1) * scale);
      int first = (int) a;
      int last = Math.min(srcSize - 1, (int) Math.ceil(b) - 1);
      float[] w = new float[last - first + 1];
      for (int s = first; s <= last; s++) {
        w[s - first] = (float) ((Math.min(s + 1, b) - Math.max(s, a)) / (b - a));
      }
      spans[o] = new Span(first, w);
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
    BufferedImage in = toBufferedImage(src);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(in, 0, 0, width, height, null);
    g.dispose();
    return new RgbImage(width, height, out.getRGB(0, 0, width, height, null, 0, width));
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
