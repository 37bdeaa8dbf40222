package io.stillmotion.render;

import io.stillmotion.render.faces.FaceDetector;
import java.util.Comparator;
import java.util.List;

/**
 * {@link Focus#AUTO}: where the camera should head, found once per shot, so the path it sets is as
 * smooth as any preset's.
 *
 * <p><b>Faces first</b>: {@link FaceDetector} finds upright frontal faces at least 1/14 of the
 * picture's shorter side with OpenCV's LBP cascades, which ship in the jar, evaluated by our own
 * code on a grey copy a few hundred pixels high. The subject is the largest face together with
 * every face at least half its size (only the largest when they do not fit one view), each grown by
 * {@value #HEAD_MARGIN} of its size on every side for hair and chin (not where that is more than
 * the view holds); the focus is chosen so that the path's closest view (the end of a zoom in or
 * Ken Burns, the start of a zoom out, a pan's whole way) holds the subject, centred across with its
 * centre a third of the way down, or as near to that as the view and the image's edges allow.
 *
 * <p><b>Otherwise saliency</b>: a pixel's saliency is how far its slightly blurred colour lies from
 * the picture's average colour (frequency-tuned saliency, Achanta et al. 2009), mildly weighted
 * towards the centre, and the focus is the centroid of the most salient tenth of the picture,
 * computed on a copy at most {@value #SIDE} pixels long.
 */
final class FocusFinder {

  static final int SIDE = 96;
  static final double HEAD_MARGIN = 0.3;
  /** Where the subject's centre goes in the frame, as shares of its width and height. */
  static final double PLACE_X = 0.5;
  static final double PLACE_Y = 1.0 / 3;
  private static final double TOP_SHARE = 0.10;
  private static final double CENTRE_BIAS = 0.3;

  private FocusFinder() {
  }

  /** The focus for {@code motion} (whose own focus is ignored) in frames of this aspect ratio. */
  static Focus find(RgbImage image, Motion motion, double frameAspect) {
    if (motion.directed()) {
      return Focus.CENTER;
    }
    FaceDetector detector = FaceDetector.frontal();
    int[] size = detector.workingSize(image.width(), image.height());
    RgbImage small = size[0] < image.width() ? Resampler.areaAverage(image, size[0], size[1]) : image;
    List<FaceDetector.Face> faces = detector.detect(grey(small), small.width(), small.height());
    if (faces.isEmpty()) {
      return salient(small);
    }
    double[] view = closestView(motion, frameAspect, image.width(), image.height());
    List<FaceDetector.Face> subject = subject(faces, small.width(), small.height(), view);
    double[] padded = box(subject, small.width(), small.height(), HEAD_MARGIN);
    double[] bare = box(subject, small.width(), small.height(), 0);
    double[] x = padded[2] - padded[0] <= view[0] ? padded : bare;
    double[] y = padded[3] - padded[1] <= view[1] ? padded : bare;
    return Focus.at(axis(x[0], x[2], view[0], PLACE_X), axis(y[1], y[3], view[1], PLACE_Y));
  }

  /**
   * Width and height of the path's closest view as shares of the image's: every preset's most
   * zoomed view is the one that shows its focus.
   */
  static double[] closestView(Motion motion, double aspect, double imageWidth, double imageHeight) {
    double zoom = CameraPath.maxZoom(motion.withFocus(Focus.CENTER), aspect, imageWidth, imageHeight);
    double w = Math.min(imageWidth, imageHeight * aspect) / zoom;
    return new double[] {w / imageWidth, w / aspect / imageHeight};
  }

  /**
   * The faces to keep in view: the largest and those at least half its size when their box (with
   * the margin) fits the view, else the largest alone.
   */
  static List<FaceDetector.Face> subject(List<FaceDetector.Face> faces, int width, int height, double[] view) {
    FaceDetector.Face largest = faces.stream().max(Comparator.comparingDouble(FaceDetector.Face::width)).orElseThrow();
    List<FaceDetector.Face> group = faces.stream().filter(f -> f.width() >= largest.width() / 2).toList();
    double[] b = box(group, width, height, HEAD_MARGIN);
    return b[2] - b[0] <= view[0] && b[3] - b[1] <= view[1] ? group : List.of(largest);
  }

  /** Left, top, right, bottom of the faces' boxes grown by {@code margin} of their size, as shares of the image. */
  private static double[] box(List<FaceDetector.Face> faces, int width, int height, double margin) {
    double[] b = {1, 1, 0, 0};
    for (FaceDetector.Face f : faces) {
      double mx = margin * f.width();
      double my = margin * f.height();
      b[0] = Math.min(b[0], clamp01((f.x() - mx) / width));
      b[1] = Math.min(b[1], clamp01((f.y() - my) / height));
      b[2] = Math.max(b[2], clamp01((f.x() + f.width() + mx) / width));
      b[3] = Math.max(b[3], clamp01((f.y() + f.height() + my) / height));
    }
    return b;
  }

  /**
   * The focus share along one axis. A preset places its closest view of extent {@code view} at
   * {@code f * (1 - view)}: the subject [a, b] is at {@code place} of the view for one f, and
   * inside the view for f in [(b - view) / (1 - view), a / (1 - view)]; the first is kept within
   * the second, and a subject larger than the view is centred in it.
   */
  static double axis(double a, double b, double view, double place) {
    double room = 1 - view;
    if (room < 1e-9) {
      return 0.5;
    }
    double c = (a + b) / 2;
    if (b - a > view) {
      return clamp01((c - view / 2) / room);
    }
    double f = (c - place * view) / room;
    return clamp01(Math.max((b - view) / room, Math.min(a / room, f)));
  }

  static byte[] grey(RgbImage img) {
    int[] px = img.pixels();
    byte[] g = new byte[px.length];
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      g[i] = (byte) ((77 * ((p >> 16) & 0xFF) + 150 * ((p >> 8) & 0xFF) + 29 * (p & 0xFF) + 128) >> 8);
    }
    return g;
  }

  private static Focus salient(RgbImage image) {
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
