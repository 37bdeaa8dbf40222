package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code focus=auto} on real portraits (public-domain photos in {@code test/resources/faces}, the
 * faces' boxes drawn by hand in its README): the camera heads for the face.
 */
class FaceFocusTest {

  private static final double LANDSCAPE = 16.0 / 9;
  private static final double PORTRAIT = 9.0 / 16;

  static RgbImage photo(String name) throws IOException {
    try (InputStream in = FaceFocusTest.class.getResourceAsStream("/faces/" + name)) {
      return rgb(ImageIO.read(in));
    }
  }

  private static RgbImage rgb(BufferedImage img) {
    return new RgbImage(img.getWidth(), img.getHeight(),
        img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()));
  }

  /** The view a preset's path ends on (a zoom out's starts on it): the closest one, showing the focus. */
  private static Viewport closest(Motion motion, RgbImage img, double aspect) {
    CameraPath path = new CameraPath(motion, 90, aspect, img.width(), img.height());
    return motion.effect() == Effect.ZOOM_OUT ? path.at(0) : path.at(89);
  }

  private static boolean holds(Viewport v, double left, double top, double right, double bottom) {
    return v.left() <= left && v.top() <= top && v.left() + v.width() >= right && v.top() + v.height() >= bottom;
  }

  @ParameterizedTest(name = "{0}, {5}, zoom {6}, aspect {7}")
  @CsvSource({
      "astronaut-512.jpg, 175, 60, 270, 185, ZOOM_IN, 1.5, 1.78",
      "astronaut-512.jpg, 175, 60, 270, 185, KEN_BURNS, 1.5, 0.5625",
      "astronaut-512.jpg, 175, 60, 270, 185, ZOOM_OUT, 1.5, 1.78",
      "astronaut-512.jpg, 175, 60, 270, 185, PAN_LEFT, 1.5, 1.78",
      "grace-hopper-512x600.jpg, 165, 140, 365, 330, ZOOM_IN, 1.2, 1.78",
      "grace-hopper-512x600.jpg, 165, 140, 365, 330, KEN_BURNS, 1.5, 0.5625"})
  @DisplayName("focus=auto heads for the face: the closest view holds all of it, above the middle unless it fills the frame")
  void headsForTheFace(String name, int left, int top, int right, int bottom, Effect effect, double zoom,
      double aspect) throws IOException {
    RgbImage img = photo(name);
    Motion motion = Motion.of(effect).withZoom(zoom);
    Focus focus = FocusFinder.find(img, motion.withFocus(Focus.AUTO), aspect);
    Viewport v = closest(motion.withFocus(focus), img, aspect);
    System.out.printf("%s %s: focus (%.3f, %.3f), closest view x %.0f-%.0f y %.0f-%.0f%n", name, effect, focus.x(),
        focus.y(), v.left(), v.left() + v.width(), v.top(), v.top() + v.height());
    if (effect == Effect.PAN_LEFT) {
      assertThat(v.top()).as("a pan holds the face's height all the way").isLessThanOrEqualTo(top);
      assertThat(v.top() + v.height()).isGreaterThanOrEqualTo(bottom);
    } else {
      assertThat(holds(v, left, top, right, bottom)).as("the face's box lies inside the closest view").isTrue();
    }
    if (bottom - top < 0.6 * v.height()) {
      double faceCentreInFrame = ((top + bottom) / 2.0 - v.top()) / v.height();
      assertThat(faceCentreInFrame).as("the face's centre, as a share of the frame's height").isLessThan(0.5);
    }
  }

  @Test
  @DisplayName("a face larger than the closest view fills it, centred")
  void largeFaceIsCentred() throws IOException {
    RgbImage img = photo("grace-hopper-512x600.jpg");
    Motion motion = Motion.of(Effect.ZOOM_IN).withZoom(2);
    Viewport v = closest(motion.withFocus(FocusFinder.find(img, motion, LANDSCAPE)), img, LANDSCAPE);
    assertThat(v.height()).isLessThan(330 - 140);
    assertThat(v.centerX()).isCloseTo((165 + 365) / 2.0, org.assertj.core.api.Assertions.within(0.1 * v.width()));
    assertThat(v.centerY()).isCloseTo((140 + 330) / 2.0, org.assertj.core.api.Assertions.within(0.15 * v.height()));
  }

  @Test
  @DisplayName("with two faces that fit one view the camera holds both; with a closer view, the larger")
  void twoFaces() throws IOException {
    BufferedImage canvas = new BufferedImage(1600, 800, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    g.setColor(new Color(120, 130, 140));
    g.fillRect(0, 0, 1600, 800);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    try (InputStream a = getClass().getResourceAsStream("/faces/astronaut-512.jpg");
        InputStream b = getClass().getResourceAsStream("/faces/grace-hopper-512x600.jpg")) {
      g.drawImage(ImageIO.read(a), 150, 200, 600, 600, null);
      g.drawImage(ImageIO.read(b), 950, 100, 512, 600, null);
    }
    g.dispose();
    RgbImage img = rgb(canvas);
    double[] astronaut = {150 + 175 * 600 / 512.0, 200 + 60 * 600 / 512.0, 150 + 270 * 600 / 512.0,
        200 + 185 * 600 / 512.0};
    double[] hopper = {950 + 165, 100 + 140, 950 + 365, 100 + 330};

    Motion wide = Motion.of(Effect.ZOOM_IN).withZoom(1.2);
    Viewport both = closest(wide.withFocus(FocusFinder.find(img, wide, LANDSCAPE)), img, LANDSCAPE);
    assertThat(holds(both, astronaut[0], astronaut[1], astronaut[2], astronaut[3])).isTrue();
    assertThat(holds(both, hopper[0], hopper[1], hopper[2], hopper[3])).isTrue();

    Motion close = Motion.of(Effect.ZOOM_IN).withZoom(3);
    Viewport one = closest(close.withFocus(FocusFinder.find(img, close, LANDSCAPE)), img, LANDSCAPE);
    assertThat(holds(one, hopper[0], hopper[1], hopper[2], hopper[3])).as("the larger face, Grace Hopper's").isTrue();
  }

  @Test
  @DisplayName("a directed motion keeps its framings: focus=auto does not look for faces there")
  void directedMotionIgnoresFaces() throws IOException {
    Motion framed = Motion.framed(new Framing(0, 0, 1, 1), new Framing(0.5, 0.5, 0.5, 0.5));
    assertThat(FocusFinder.find(photo("astronaut-512.jpg"), framed, LANDSCAPE)).isEqualTo(Focus.CENTER);
  }

  /**
   * The path to a face is as smooth as any: a point at the face's centre, filmed along the path
   * focus=auto set, stays within 0.1 px of its planned screen position in every frame. (What is
   * left is the renderer's sub-pixel sampling: about ±0.04 px here, where the point crosses the
   * frame at up to 1.7 px a frame, which shows as up to 0.15 px/frame² in its second difference.)
   */
  @Test
  @DisplayName("the path to a face stays jitter-free: a tracked point follows its planned course")
  void jitterFreeTowardsTheFace() throws IOException {
    RgbImage img = photo("astronaut-512.jpg");
    Motion motion = Motion.of(Effect.ZOOM_IN).withZoom(1.5);
    Focus focus = FocusFinder.find(img, motion, LANDSCAPE);
    DirectedMotionTest.Tracked t = DirectedMotionTest.track(1600, 1600, 222.5 / 512, 122.5 / 512,
        motion.withFocus(focus));
    System.out.printf("tracked face centre: largest |second difference| %.4f px/frame², path's own %.4f, of the "
        + "deviation from the path %.4f; largest deviation %.4f px%n", t.jitter(), t.planned(), t.residual(),
        t.drift());
    assertThat(t.drift()).as("largest distance from the planned position, px").isLessThan(0.1);
    assertThat(t.residual()).as("largest |second difference| of that distance, px/frame²").isLessThan(0.2);
  }
}
