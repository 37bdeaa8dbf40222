package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CameraPathTest {

  private static final double[][] IMAGE_SHAPES = {{2560, 1440}, {1080, 1920}, {4000, 1000}, {1600, 1600}};

  static Stream<Arguments> presets() {
    List<Arguments> all = new ArrayList<>();
    for (Effect effect : Effect.values()) {
      for (Easing easing : Easing.values()) {
        for (double[] shape : IMAGE_SHAPES) {
          all.add(Arguments.of(effect, easing, shape[0], shape[1]));
        }
      }
    }
    return all.stream();
  }

  private static RenderSpec options(Effect effect, Easing easing, int w, int h, double fx, double fy) {
    return new RenderSpec(effect, 5, 30, w, h, easing, fx, fy, Quality.MEDIUM);
  }

  private static List<Viewport> frames(CameraPath path) {
    List<Viewport> all = new ArrayList<>();
    for (int i = 0; i < path.frames(); i++) {
      all.add(path.at(i));
    }
    return all;
  }

  @ParameterizedTest(name = "{0} {1} on {2}x{3}")
  @MethodSource("presets")
  @DisplayName("every frame of every preset lies inside the image with the frame's aspect ratio")
  void coversFrame(Effect effect, Easing easing, double imageW, double imageH) {
    RenderSpec o = options(effect, easing, 1280, 720, 0.3, 0.7);
    CameraPath path = new CameraPath(o, imageW, imageH);
    for (Viewport v : frames(path)) {
      assertThat(v.left()).isGreaterThanOrEqualTo(-1e-6);
      assertThat(v.top()).isGreaterThanOrEqualTo(-1e-6);
      assertThat(v.left() + v.width()).isLessThanOrEqualTo(imageW + 1e-6);
      assertThat(v.top() + v.height()).isLessThanOrEqualTo(imageH + 1e-6);
      assertThat(v.width() / v.height()).isCloseTo(1280.0 / 720, within(1e-9));
    }
  }

  @ParameterizedTest(name = "{0} {1} on {2}x{3}")
  @MethodSource("presets")
  @DisplayName("the camera never jumps back and its speed changes smoothly")
  void smoothAndMonotonic(Effect effect, Easing easing, double imageW, double imageH) {
    CameraPath path = new CameraPath(options(effect, easing, 1280, 720, 0.3, 0.7), imageW, imageH);
    List<Viewport> v = frames(path);
    assertMonotonic(v, Viewport::centerX);
    assertMonotonic(v, Viewport::centerY);
    assertMonotonic(v, Viewport::width);
    int n = v.size();
    double bound = 12.0 * Math.max(imageW, imageH) / ((double) (n - 1) * (n - 1));
    for (int i = 1; i + 1 < n; i++) {
      for (ToDoubleFunction<Viewport> c : List.<ToDoubleFunction<Viewport>>of(Viewport::centerX,
          Viewport::centerY, Viewport::width)) {
        double second = c.applyAsDouble(v.get(i + 1)) - 2 * c.applyAsDouble(v.get(i)) + c.applyAsDouble(v.get(i - 1));
        assertThat(Math.abs(second)).as("second difference at frame %d", i).isLessThanOrEqualTo(bound);
      }
    }
  }

  private static void assertMonotonic(List<Viewport> v, ToDoubleFunction<Viewport> c) {
    double total = c.applyAsDouble(v.get(v.size() - 1)) - c.applyAsDouble(v.get(0));
    for (int i = 1; i < v.size(); i++) {
      double step = c.applyAsDouble(v.get(i)) - c.applyAsDouble(v.get(i - 1));
      assertThat(step * Math.signum(total)).as("step %d", i).isGreaterThanOrEqualTo(-1e-9);
    }
  }

  @Test
  @DisplayName("zoom-in heads to the focus point and ends zoomed in on it")
  void zoomInEndsOnFocus() {
    CameraPath path = new CameraPath(options(Effect.ZOOM_IN, Easing.LINEAR, 1280, 720, 0.2, 0.8), 1920, 1080);
    Viewport first = path.at(0);
    Viewport last = path.at(path.frames() - 1);
    assertThat(first.width()).isCloseTo(1920, within(1e-6));
    assertThat(last.width()).isCloseTo(1920 / CameraPath.ZOOM, within(1e-6));
    double focusX = 0.2 * 1920;
    double focusY = 0.8 * 1080;
    assertThat((focusX - last.left()) / last.width()).isCloseTo(0.2, within(1e-9));
    assertThat((focusY - last.top()) / last.height()).isCloseTo(0.8, within(1e-9));
  }

  @Test
  @DisplayName("pan-left moves the camera from the right edge to the left edge")
  void panLeftTravels() {
    CameraPath path = new CameraPath(options(Effect.PAN_LEFT, Easing.EASE_IN_OUT, 1280, 720, 0.5, 0.5), 1920, 1080);
    Viewport first = path.at(0);
    Viewport last = path.at(path.frames() - 1);
    assertThat(first.left() + first.width()).isCloseTo(1920, within(1e-6));
    assertThat(last.left()).isCloseTo(0, within(1e-6));
  }

  @Test
  @DisplayName("a portrait photo in a landscape frame pans along its long (vertical) axis by default")
  void portraitInLandscapePansVertically() {
    CameraPath path = new CameraPath(options(Effect.KEN_BURNS, Easing.EASE_IN_OUT, 1280, 720, 0.5, 0.5), 1080, 1920);
    Viewport first = path.at(0);
    Viewport last = path.at(path.frames() - 1);
    assertThat(first.top()).isCloseTo(0, within(1e-6));
    assertThat(last.centerY() - first.centerY()).isGreaterThan(0.2 * 1920);
    assertThat(Math.abs(last.centerX() - first.centerX())).isLessThan(0.05 * 1080);
  }

  @Test
  @DisplayName("a landscape photo in a portrait frame pans along its long (horizontal) axis by default")
  void landscapeInPortraitPansHorizontally() {
    RenderSpec o = options(Effect.KEN_BURNS, Easing.EASE_IN_OUT, 720, 1280, 0.5, 0.5);
    CameraPath path = new CameraPath(o, 1920, 1080);
    Viewport first = path.at(0);
    Viewport last = path.at(path.frames() - 1);
    assertThat(last.centerX() - first.centerX()).isGreaterThan(0.2 * 1920);
    assertThat(Math.abs(last.centerY() - first.centerY())).isLessThan(0.05 * 1080);
  }

  @Test
  @DisplayName("a single-frame video is the first camera position")
  void singleFrame() {
    RenderSpec o = new RenderSpec(Effect.ZOOM_IN, 1.0 / 30, 30, 1280, 720, Easing.LINEAR, 0.5, 0.5,
        Quality.LOW);
    CameraPath path = new CameraPath(o, 1920, 1080);
    assertThat(path.frames()).isEqualTo(1);
    assertThat(path.at(0).width()).isCloseTo(1920, within(1e-6));
  }
}
