package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DirectedMotionTest {

  private static final double IMAGE_W = 3000;
  private static final double IMAGE_H = 2000;
  private static final double ASPECT = 16.0 / 9;

  private static CameraPath path(Motion m, int frames) {
    return new CameraPath(m, frames, ASPECT, IMAGE_W, IMAGE_H);
  }

  @Test
  @DisplayName("the camera starts on the start framing and ends on the end framing, grown to the frame's shape")
  void framingsRespected() {
    Framing start = new Framing(0.1, 0.2, 0.3, 0.3);
    Framing end = new Framing(0.6, 0.5, 0.3, 0.1);
    CameraPath p = path(Motion.framed(start, end), 90);
    Viewport first = p.at(0);
    Viewport last = p.at(89);
    assertThat(first.centerX()).isCloseTo(0.25 * IMAGE_W, within(1e-6));
    assertThat(first.centerY()).isCloseTo(0.35 * IMAGE_H, within(1e-6));
    assertThat(first.height()).as("a tall framing keeps its height").isCloseTo(0.3 * IMAGE_H, within(1e-6));
    assertThat(first.width()).isCloseTo(0.3 * IMAGE_H * ASPECT, within(1e-6));
    assertThat(last.centerX()).isCloseTo(0.75 * IMAGE_W, within(1e-6));
    assertThat(last.centerY()).isCloseTo(0.55 * IMAGE_H, within(1e-6));
    assertThat(last.width()).as("a wide framing keeps its width").isCloseTo(0.3 * IMAGE_W, within(1e-6));
  }

  @Test
  @DisplayName("a framing larger than the image or at its edge is fitted inside it: the frame is never uncovered")
  void framingsNeverUncover() {
    CameraPath p = path(Motion.framed(new Framing(0, 0, 1, 1), new Framing(0.95, 0.95, 0.05, 0.05)), 60);
    for (int f = 0; f < 60; f++) {
      Viewport v = p.at(f);
      assertThat(v.left()).isGreaterThanOrEqualTo(-1e-6);
      assertThat(v.top()).isGreaterThanOrEqualTo(-1e-6);
      assertThat(v.left() + v.width()).isLessThanOrEqualTo(IMAGE_W + 1e-6);
      assertThat(v.top() + v.height()).isLessThanOrEqualTo(IMAGE_H + 1e-6);
    }
    double cover = Math.min(IMAGE_W, IMAGE_H * ASPECT);
    assertThat(p.at(0).width()).isCloseTo(cover, within(1e-6));
    assertThat(p.at(59).width()).as("at most 4x closer").isCloseTo(cover / Motion.MAX_ZOOM, within(1e-6));
  }

  @Test
  @DisplayName("the zoom amount is the ratio between the widest and the closest view")
  void zoomAmount() {
    for (double zoom : new double[] {1.0, 1.5, 2.5}) {
      CameraPath in = path(Motion.of(Effect.ZOOM_IN).withZoom(zoom), 60);
      assertThat(in.at(0).width() / in.at(59).width()).isCloseTo(zoom, within(1e-9));
      CameraPath out = path(Motion.of(Effect.ZOOM_OUT).withZoom(zoom), 60);
      assertThat(out.at(59).width() / out.at(0).width()).isCloseTo(zoom, within(1e-9));
    }
  }

  @Test
  @DisplayName("slow and fast scale how far a preset moves in the same time")
  void speedFeel() {
    double normal = zoomRatio(Motion.of(Effect.ZOOM_IN));
    assertThat(zoomRatio(Motion.of(Effect.ZOOM_IN).withSpeed(Speed.SLOW))).isCloseTo(Math.sqrt(normal), within(1e-9));
    assertThat(zoomRatio(Motion.of(Effect.ZOOM_IN).withSpeed(Speed.FAST))).isCloseTo(normal * normal, within(1e-9));
    double slowPan = travel(Motion.of(Effect.PAN_LEFT).withSpeed(Speed.SLOW));
    double pan = travel(Motion.of(Effect.PAN_LEFT));
    double fastPan = travel(Motion.of(Effect.PAN_LEFT).withSpeed(Speed.FAST));
    assertThat(slowPan).isCloseTo(pan / 2, within(1e-6));
    assertThat(fastPan).isGreaterThan(pan);
  }

  private static double zoomRatio(Motion m) {
    CameraPath p = path(m, 30);
    return p.at(0).width() / p.at(29).width();
  }

  private static double travel(Motion m) {
    CameraPath p = new CameraPath(m, 30, ASPECT, 2000, 1125);
    return Math.abs(p.at(0).centerX() - p.at(29).centerX());
  }

  /** Grey texture with a red disc at (0.75, 0.3): the salient region. */
  static BufferedImage salientDisc(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = 110 + r.nextInt(30);
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(220, 40, 30));
    int d = h / 6;
    g.fillOval((int) (0.75 * w) - d / 2, (int) (0.3 * h) - d / 2, d, d);
    g.dispose();
    return img;
  }

  @Test
  @DisplayName("focus=auto finds a synthetic salient region and the zoom heads for it")
  void autoFocusHeadsForSalientRegion() {
    BufferedImage img = salientDisc(1200, 800);
    RgbImage rgb = new RgbImage(1200, 800, img.getRGB(0, 0, 1200, 800, null, 0, 1200));
    Focus focus = FocusFinder.find(rgb, Motion.of(Effect.ZOOM_IN).withZoom(2), 1);
    assertThat(focus.x()).isCloseTo(0.75, within(0.05));
    assertThat(focus.y()).isCloseTo(0.3, within(0.05));
    CameraPath p = new CameraPath(Motion.of(Effect.ZOOM_IN).withZoom(2).withFocus(focus), 60, 1, 1200, 800);
    Viewport last = p.at(59);
    Viewport first = p.at(0);
    double before = Math.hypot(first.centerX() - 900, first.centerY() - 240);
    double after = Math.hypot(last.centerX() - 900, last.centerY() - 240);
    assertThat(after).isLessThan(before / 2);
  }

  /**
   * Jitter of a tracked point: a small bright blob is followed through the rendered frames (its
   * luma-weighted centroid) and the second difference of its screen position, in px/frame², is
   * compared with what the eased path itself asks for.
   */
  @Test
  @DisplayName("a tracked point moves without jitter: its acceleration stays near zero in the rendered frames")
  void jitterFree() {
    Motion motion = Motion.of(Effect.KEN_BURNS).withZoom(1.4).withFocus(Focus.at(0.6, 0.4));
    Tracked t = track(1600, 900, 1012.0 / 1600, 392.0 / 900, motion);
    System.out.printf("tracked point: largest |second difference| %.4f px/frame², path's own %.4f%n", t.jitter(),
        t.planned());
    assertThat(t.jitter()).as("largest |second difference| of the tracked point, px/frame²").isLessThan(0.05);
    assertThat(t.planned()).as("the path's own largest acceleration").isLessThan(0.05);
  }

  /**
   * Largest |second difference| of a tracked point's screen position over 150 frames at 640x360,
   * in px/frame²: as rendered ({@code jitter}), as the path plans it ({@code planned}), and of the
   * rendered position's deviation from the planned one ({@code residual}); and that deviation's
   * largest size in px ({@code drift}).
   */
  record Tracked(double jitter, double planned, double residual, double drift) {
  }

  /** A 24-pixel white blob at (x, y) (shares) on a dark picture of this size, filmed with this motion. */
  static Tracked track(int imageW, int imageH, double x, double y, Motion motion) {
    int w = 640;
    int h = 360;
    int frames = 150;
    BufferedImage img = new BufferedImage(imageW, imageH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 40, 40));
    g.fillRect(0, 0, imageW, imageH);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fill(new java.awt.geom.Ellipse2D.Double(x * imageW - 12, y * imageH - 12, 24, 24));
    g.dispose();
    RgbImage rgb = new RgbImage(imageW, imageH, img.getRGB(0, 0, imageW, imageH, null, 0, imageW));
    RgbImage working = VideoRenderer.fitSource(rgb, motion, w, h, VideoRenderer.MAX_WORKING_PIXELS);
    CameraPath path = new CameraPath(motion, frames, (double) w / h, working.width(), working.height());
    FrameRenderer renderer = new FrameRenderer(YuvPyramid.of(working), w, h);
    Picture pic = renderer.newPicture();
    double[][] seen = new double[frames][];
    double[][] planned = new double[frames][];
    for (int f = 0; f < frames; f++) {
      Viewport v = path.at(f);
      renderer.render(v, pic);
      seen[f] = centroid(pic, w, h);
      double scale = v.width() / w;
      planned[f] = new double[] {(x * working.width() - v.left()) / scale, (y * working.height() - v.top()) / scale};
    }
    double jitter = 0;
    double plan = 0;
    double residual = 0;
    double drift = 0;
    for (int f = 0; f < frames; f++) {
      drift = Math.max(drift, Math.hypot(seen[f][0] - planned[f][0], seen[f][1] - planned[f][1]));
    }
    for (int f = 1; f < frames - 1; f++) {
      jitter = Math.max(jitter, secondDifference(seen, f));
      plan = Math.max(plan, secondDifference(planned, f));
      double[][] off = new double[3][];
      for (int k = -1; k <= 1; k++) {
        off[k + 1] = new double[] {seen[f + k][0] - planned[f + k][0], seen[f + k][1] - planned[f + k][1]};
      }
      residual = Math.max(residual, secondDifference(off, 1));
    }
    return new Tracked(jitter, plan, residual, drift);
  }

  private static double secondDifference(double[][] p, int f) {
    return Math.hypot(p[f + 1][0] - 2 * p[f][0] + p[f - 1][0], p[f + 1][1] - 2 * p[f][1] + p[f - 1][1]);
  }

  private static double[] centroid(Picture pic, int w, int h) {
    byte[] y = pic.getPlaneData(0);
    int stride = pic.getPlaneWidth(0);
    double sum = 0;
    double sx = 0;
    double sy = 0;
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        int v = (y[j * stride + i] + 128) - 60;
        if (v > 0) {
          sum += v;
          sx += v * (i + 0.5);
          sy += v * (j + 0.5);
        }
      }
    }
    return new double[] {sx / sum, sy / sum};
  }
}
