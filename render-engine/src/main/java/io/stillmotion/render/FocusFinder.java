package io.stillmotion.render;

/**
 * {@link Focus#AUTO}: where the camera should head. A pixel's saliency is how far its slightly
 * blurred colour lies from the picture's average colour (frequency-tuned saliency, Achanta et al.
 * 2009), mildly weighted towards the centre; the focus is the centroid of the most salient tenth
 * of the picture. Computed once per shot on a copy at most {@value #SIDE} pixels long, so the
 * path it sets is as smooth as any preset's.
 *
 * <p>No face detector: the one pure-Java detector with bundled cascades on Maven Central
 * (OpenIMAJ {@code faces}, Haar cascades inside the jar) depends on artifacts only its own
 * repository serves, and OpenCV's Java jar ships no cascades; models may not be downloaded.
 */
final class FocusFinder {

  static final int SIDE = 96;
  private static final double TOP_SHARE = 0.10;
  private static final double CENTRE_BIAS = 0.3;

  private FocusFinder() {
  }

  static Focus find(RgbImage image) {
    double k = Math.min(1, (double) SIDE / Math.max(image.width(), image.height()));
    int w = Math.max(1, (int) Math.round(image.width() * k));
    int h = Math.max(1, (int) Math.round(image.height() * k));
    RgbImage small = k < 1 ? Resampler.areaAverage(image, w, h) : image;
    w = small.width();
    h = small.height();
    double[][] ycc = blurred(small);
    double[] mean = new double[3];
    for (int c = 0; c < 3; c++) {
      for (double v : ycc[c]) {
        mean[c] += v;
      }
      mean[c] /= w * h;
    }
    double[] saliency = new double[w * h];
    for (int i = 0; i < w * h; i++) {
      double dy = ycc[0][i] - mean[0];
      double db = ycc[1][i] - mean[1];
      double dr = ycc[2][i] - mean[2];
      double nx = w > 1 ? 2.0 * (i % w) / (w - 1) - 1 : 0;
      double ny = h > 1 ? 2.0 * (i / w) / (h - 1) - 1 : 0;
      saliency[i] = Math.sqrt(dy * dy + db * db + dr * dr) * (1 - CENTRE_BIAS * (nx * nx + ny * ny) / 2);
    }
    double threshold = quantile(saliency, 1 - TOP_SHARE);
    double sum = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < w * h; i++) {
      if (saliency[i] >= threshold && saliency[i] > 0) {
        sum += saliency[i];
        sx += saliency[i] * ((i % w) + 0.5);
        sy += saliency[i] * ((i / w) + 0.5);
      }
    }
    if (sum == 0) {
      return Focus.CENTER;
    }
    return Focus.at(clamp01(sx / sum / w), clamp01(sy / sum / h));
  }

  /** Y', Cb, Cr planes, each blurred with a 3x3 binomial filter. */
  private static double[][] blurred(RgbImage img) {
    int w = img.width();
    int h = img.height();
    double[][] planes = new double[3][w * h];
    for (int i = 0; i < w * h; i++) {
      int p = img.pixels()[i];
      int r = (p >> 16) & 0xFF;
      int g = (p >> 8) & 0xFF;
      int b = p & 0xFF;
      planes[0][i] = Bt601.luma16(r, g, b) / 16.0;
      planes[1][i] = Bt601.cb16(r, g, b) / 16.0;
      planes[2][i] = Bt601.cr16(r, g, b) / 16.0;
    }
    int[] kernel = {1, 2, 1};
    for (int c = 0; c < 3; c++) {
      double[] src = planes[c];
      double[] out = new double[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          double norm = 0;
          for (int j = -1; j <= 1; j++) {
            for (int i = -1; i <= 1; i++) {
              int xx = x + i;
              int yy = y + j;
              if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                double k = kernel[i + 1] * kernel[j + 1];
                acc += k * src[yy * w + xx];
                norm += k;
              }
            }
          }
          out[y * w + x] = acc / norm;
        }
      }
      planes[c] = out;
    }
    return planes;
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
