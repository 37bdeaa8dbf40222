package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameRendererTest {

  private static RgbImage rgb(BufferedImage img) {
    return new RgbImage(img.getWidth(), img.getHeight(),
        img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()));
  }

  private static byte[] render(RgbImage image, Viewport v, int w, int h) {
    FrameRenderer renderer = new FrameRenderer(YuvPyramid.of(image), w, h);
    Picture pic = renderer.newPicture();
    renderer.render(v, pic);
    return TestMedia.toPlanar(pic, w, h);
  }

  @Test
  @DisplayName("a flat colour comes out as its BT.601 limited-range Y'CbCr values")
  void flatColourMatchesBt601() {
    int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x808080, 0xC08040};
    for (int c : colours) {
      RgbImage image = new RgbImage(64, 36, filled(64 * 36, c));
      byte[] frame = render(image, new Viewport(32, 18, 50, 28.125), 32, 18);
      int r = (c >> 16) & 0xFF;
      int g = (c >> 8) & 0xFF;
      int b = c & 0xFF;
      assertThat(frame[0] & 0xFF).isEqualTo(Math.round(Bt601.luma16(r, g, b) / 16f));
      assertThat(frame[32 * 18] & 0xFF).isEqualTo(Math.round(Bt601.cb16(r, g, b) / 16f));
      assertThat(frame[32 * 18 * 5 / 4] & 0xFF).isEqualTo(Math.round(Bt601.cr16(r, g, b) / 16f));
    }
    assertThat(Bt601.luma16(255, 255, 255) / 16).isEqualTo(235);
    assertThat(Bt601.luma16(0, 0, 0) / 16).isEqualTo(16);
    assertThat(Bt601.cr16(255, 0, 0) / 16).isEqualTo(240);
  }

  private static int[] filled(int n, int c) {
    int[] px = new int[n];
    Arrays.fill(px, c);
    return px;
  }

  @Test
  @DisplayName("Y'CbCr converts back to the same sRGB colour within one level")
  void roundTrip() {
    for (int c : new int[] {0xFF0000, 0x12AB34, 0x808080, 0xFEDCBA}) {
      int r = (c >> 16) & 0xFF;
      int g = (c >> 8) & 0xFF;
      int b = c & 0xFF;
      int back = Bt601.toRgb(Math.round(Bt601.luma16(r, g, b) / 16f), Math.round(Bt601.cb16(r, g, b) / 16f),
          Math.round(Bt601.cr16(r, g, b) / 16f));
      assertThat(Math.abs(((back >> 16) & 0xFF) - r)).isLessThanOrEqualTo(2);
      assertThat(Math.abs(((back >> 8) & 0xFF) - g)).isLessThanOrEqualTo(2);
      assertThat(Math.abs((back & 0xFF) - b)).isLessThanOrEqualTo(2);
    }
  }

  @Test
  @DisplayName("a fine checkerboard seen from far away renders as even grey, not moire")
  void zoomedOutDetailDoesNotAlias() {
    int size = 512;
    int[] px = new int[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        px[y * size + x] = ((x + y) & 1) == 0 ? 0xFFFFFF : 0x000000;
      }
    }
    byte[] frame = render(new RgbImage(size, size, px), new Viewport(256, 256, 500, 500), 96, 96);
    int min = 255;
    int max = 0;
    for (int i = 0; i < 96 * 96; i++) {
      min = Math.min(min, frame[i] & 0xFF);
      max = Math.max(max, frame[i] & 0xFF);
    }
    assertThat(max - min).isLessThanOrEqualTo(6);
    assertThat((min + max) / 2).isBetween(120, 131);
  }

  @Test
  @DisplayName("a sub-pixel camera move changes the picture a little, never a lot")
  void neighbouringFramesDifferSmoothly() {
    BufferedImage photo = TestMedia.photoLike(640, 360, 7);
    RenderSpec o = new RenderSpec(Effect.KEN_BURNS, 2, 30, 320, 180, Easing.EASE_IN_OUT, 0.5, 0.5,
        Quality.MEDIUM);
    RgbImage working = VideoRenderer.fitSource(rgb(photo), o);
    CameraPath path = new CameraPath(o, working.width(), working.height());
    FrameRenderer renderer = new FrameRenderer(YuvPyramid.of(working), 320, 180);
    Picture pic = renderer.newPicture();
    byte[] previous = null;
    double[] diffs = new double[path.frames() - 1];
    for (int i = 0; i < path.frames(); i++) {
      renderer.render(path.at(i), pic);
      byte[] frame = TestMedia.toPlanar(pic, 320, 180);
      if (previous != null) {
        diffs[i - 1] = meanAbsDiff(previous, frame, 320 * 180);
      }
      previous = frame;
    }
    double[] sorted = diffs.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    for (int i = 0; i < diffs.length; i++) {
      assertThat(diffs[i]).as("change into frame %d", i + 1).isLessThan(Math.max(3 * median, 1.0));
    }
    assertThat(sorted[sorted.length - 1]).isLessThan(8);
    assertThat(median).isGreaterThan(0.05);
  }

  private static double meanAbsDiff(byte[] a, byte[] b, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / n;
  }

  @Test
  @DisplayName("a frame size that is not a whole number of macroblocks is padded by repeating the edge")
  void padsToMacroblocks() {
    RgbImage image = rgb(TestMedia.photoLike(200, 120, 3));
    FrameRenderer renderer = new FrameRenderer(YuvPyramid.of(image), 100, 60);
    Picture pic = renderer.newPicture();
    renderer.render(new Viewport(100, 60, 200, 120), pic);
    assertThat(pic.getWidth()).isEqualTo(112);
    assertThat(pic.getHeight()).isEqualTo(64);
    assertThat(pic.getCroppedWidth()).isEqualTo(100);
    byte[] y = pic.getPlaneData(0);
    assertThat(y[10 * 112 + 111]).isEqualTo(y[10 * 112 + 99]);
    assertThat(y[63 * 112 + 5]).isEqualTo(y[59 * 112 + 5]);
  }

  @Test
  @DisplayName("every sample is the one the straightforward bilinear sampler draws, for any view, level and size")
  void samplesMatchTheStraightforwardSampler() {
    Random random = new Random(42);
    for (int run = 0; run < 300; run++) {
      int iw = run % 10 == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(400);
      int ih = run % 10 == 5 ? 1 + random.nextInt(3) : 1 + random.nextInt(300);
      YuvPyramid pyramid = YuvPyramid.of(new RgbImage(iw, ih, randomPixels(iw * ih, random)));
      int w = 2 + 2 * random.nextInt(run % 3 == 0 ? 8 : 120);
      int h = 2 + 2 * random.nextInt(run % 3 == 0 ? 8 : 90);
      double scale = Math.exp(random.nextDouble() * 6 - 3);
      Viewport v = new Viewport(random.nextDouble() * iw * 1.4 - iw * 0.2, random.nextDouble() * ih * 1.4 - ih * 0.2,
          w * scale, h * scale);
      double originX = run % 4 == 0 ? random.nextDouble() * 50 : 0;
      double originY = run % 4 == 0 ? random.nextDouble() * 50 : 0;
      FrameRenderer renderer = new FrameRenderer(pyramid, w, h, originX, originY);
      Picture got = renderer.newPicture();
      renderer.render(v, got);
      Picture want = renderer.newPicture();
      StraightforwardSampler.render(pyramid, w, h, originX, originY, v, want);
      for (int p = 0; p < 3; p++) {
        assertThat(Arrays.mismatch(got.getPlaneData(p), want.getPlaneData(p)))
            .as("first differing sample, run %d plane %d: %dx%d image, %dx%d frame, %s", run, p, iw, ih, w, h, v)
            .isEqualTo(-1);
      }
    }
  }

  @Test
  @DisplayName("the sampler refuses a row stride that is not a multiple of 4, as it copies rows four bytes at a time")
  void refusesAStrideThatIsNotWholeInts() {
    PlaneSampler sampler = new PlaneSampler(8, 8, 0, 0, 0, 1, 0.5, 0.5, 1, 6, 4);
    short[] plane = new short[64];
    assertThatThrownBy(() -> sampler.sample(plane, new byte[6 * 4], 6)).isInstanceOf(IllegalArgumentException.class);
    byte[] out = new byte[8 * 4];
    sampler.sample(plane, out, 8);
    assertThat(out[0]).isEqualTo((byte) -128);
  }

  private static int[] randomPixels(int n, Random random) {
    int[] px = new int[n];
    for (int i = 0; i < n; i++) {
      px[i] = random.nextInt(1 << 24);
    }
    return px;
  }

  /**
   * The sampler as first written (each plane blended row by row straight from the pyramid's
   * shorts, fresh arrays per plane): the reference the optimised {@link PlaneSampler} must match.
   */
  private static final class StraightforwardSampler {

    static void render(YuvPyramid source, int width, int height, double originX, double originY, Viewport v,
        Picture pic) {
      double scale = v.width() / width;
      int lumaLevel = source.levelFor(scale);
      int chromaLevel = source.levelFor(2 * scale);
      byte[][] planes = pic.getData();
      int stride = pic.getPlaneWidth(0);
      int cstride = pic.getPlaneWidth(1);
      double left = v.left() - originX;
      double top = v.top() - originY;
      sample(source.level(lumaLevel), lumaLevel, source.level(lumaLevel).y(), left, top, scale, 0.5, 0.5, 1, width,
          height, planes[0], stride);
      YuvPyramid.Level cl = source.level(chromaLevel);
      sample(cl, chromaLevel, cl.cb(), left, top, scale, 0.5, 1, 2, width / 2, height / 2, planes[1], cstride);
      sample(cl, chromaLevel, cl.cr(), left, top, scale, 0.5, 1, 2, width / 2, height / 2, planes[2], cstride);
      FrameRenderer.padPicture(pic, width, height);
    }

    private static void sample(YuvPyramid.Level level, int levelIndex, short[] plane, double left, double top,
        double scale, double offX, double offY, int step, int outW, int outH, byte[] out, int stride) {
      double levelScale = 1.0 / (1 << levelIndex);
      int lw = level.width();
      int lh = level.height();
      int[] x0 = new int[outW];
      int[] fx = new int[outW];
      for (int i = 0; i < outW; i++) {
        double sx = (left + (step * i + offX) * scale) * levelScale - 0.5;
        sx = Math.max(0, Math.min(lw - 1, sx));
        int ix = Math.min((int) sx, lw - 2);
        x0[i] = Math.max(ix, 0);
        fx[i] = lw < 2 ? 0 : (int) Math.round((sx - x0[i]) * 256);
      }
      int xStep = lw < 2 ? 0 : 1;
      int from = x0[0];
      int to = x0[outW - 1] + xStep;
      int[] column = new int[lw];
      for (int j = 0; j < outH; j++) {
        double sy = (top + (step * j + offY) * scale) * levelScale - 0.5;
        sy = Math.max(0, Math.min(lh - 1, sy));
        int iy = Math.max(0, Math.min((int) sy, lh - 2));
        int fy = lh < 2 ? 0 : (int) Math.round((sy - iy) * 256);
        int row0 = iy * lw;
        int row1 = lh < 2 ? row0 : row0 + lw;
        for (int k = from; k <= to; k++) {
          column[k] = plane[row0 + k] * (256 - fy) + plane[row1 + k] * fy;
        }
        int o = j * stride;
        for (int i = 0; i < outW; i++) {
          int a = x0[i];
          int f = fx[i];
          int value = (column[a] * (256 - f) + column[a + xStep] * f + (1 << 19)) >> 20;
          out[o + i] = (byte) (value - 128);
        }
      }
    }
  }
}
