package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResamplerTest {

  @Test
  @DisplayName("a rectangle of a resize holds exactly the whole resize's pixels there, shrinking and enlarging, in bands")
  void rectangleEqualsWholeResize() throws InterruptedException {
    RgbImage image = random(331, 203, 11);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      RowBands shared = new RowBands(pool, 2);
      for (int[] size : new int[][] {{200, 123}, {331, 203}, {517, 317}, {1000, 613}, {700, 203}}) {
        RgbImage whole = Resampler.resize(image, size[0], size[1]);
        int w = size[0];
        int h = size[1];
        for (int[] r : new int[][] {{0, 0, w, h}, {64, 64, w - 100, h - 90}, {0, 64, w, h - 64},
            {w - 37, h - 29, 37, 29}, {128, 0, 1, 1}, {w - 1, h - 1, 1, 1}}) {
          RgbImage part = Resampler.resize(image, w, h, r[0], r[1], r[2], r[3], RowBands.SERIAL);
          RgbImage banded = Resampler.resize(image, w, h, r[0], r[1], r[2], r[3], shared);
          int[] expected = crop(whole, r[0], r[1], r[2], r[3]);
          assertThat(part.width()).isEqualTo(r[2]);
          assertThat(part.height()).isEqualTo(r[3]);
          assertThat(part.pixels()).as("%dx%d at %d,%d of %dx%d", r[2], r[3], r[0], r[1], w, h).isEqualTo(expected);
          assertThat(banded.pixels()).as("in bands: %dx%d at %d,%d of %dx%d", r[2], r[3], r[0], r[1], w, h)
              .isEqualTo(expected);
        }
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @DisplayName("a rectangle outside the resized image is refused")
  void rectangleOutsideRefused() {
    RgbImage image = random(40, 30, 1);
    for (int[] r : new int[][] {{-1, 0, 10, 10}, {0, 0, 81, 10}, {75, 0, 10, 10}, {0, 55, 10, 6}, {0, 0, 0, 5}}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Resampler.resize(image, 80, 60, r[0], r[1], r[2], r[3],
          RowBands.SERIAL)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
    }
  }

  @Test
  @DisplayName("the bicubic weights of every sample position sum to one; a pixel's centre takes that pixel alone")
  void cubicWeightsSumToOne() {
    int[] constant = new int[23 * 17];
    java.util.Arrays.fill(constant, 0x7F30D1);
    RgbImage flat = new RgbImage(23, 17, constant);
    for (int[] size : new int[][] {{24, 18}, {61, 40}, {300, 17}, {23, 211}}) {
      assertThat(Resampler.bicubic(flat, size[0], size[1]).pixels()).as("%dx%d", size[0], size[1])
          .containsOnly(0x7F30D1);
    }
    RgbImage noise = random(23, 17, 4);
    RgbImage tripled = Resampler.bicubic(noise, 69, 51);
    for (int y = 0; y < 17; y++) {
      for (int x = 0; x < 23; x++) {
        assertThat(tripled.rgb(3 * x + 1, 3 * y + 1)).isEqualTo(noise.rgb(x, y));
      }
    }
  }

  @Test
  @DisplayName("our bicubic matches Java2D's on gradients, hard edges and noise: at most 3 levels apart, 0.15 on average")
  void bicubicMatchesJava2dOnSyntheticImages() {
    int[] g = new int[97 * 61];
    for (int y = 0; y < 61; y++) {
      for (int x = 0; x < 97; x++) {
        int checker = (x / 8 + y / 8) % 2 == 0 ? 255 : 0;
        g[y * 97 + x] = ((x * 255) / 96 << 16) | ((y * 255) / 60 << 8) | checker;
      }
    }
    RgbImage gradients = new RgbImage(97, 61, g);
    RgbImage noise = random(50, 40, 5);
    for (Object[] c : new Object[][] {{gradients, 300, 200}, {gradients, 131, 77}, {gradients, 1000, 628},
        {noise, 173, 139}, {noise, 64, 48}, {noise, 51, 400}}) {
      double[] d = difference(java2dBicubic((RgbImage) c[0], (int) c[1], (int) c[2]),
          Resampler.bicubic((RgbImage) c[0], (int) c[1], (int) c[2]));
      assertThat(d[0]).as("max difference at %sx%s", c[1], c[2]).isLessThanOrEqualTo(3);
      assertThat(d[1]).as("mean difference at %sx%s", c[1], c[2]).isLessThan(0.15);
    }
  }

  @Test
  @DisplayName("our bicubic matches Java2D's on photos: at most 1 level apart, on under 0.1% of the samples")
  void bicubicMatchesJava2dOnPhotos() throws Exception {
    RgbImage photo = ImageDecoder.decode(TestMedia.jpeg(TestMedia.photoLike(540, 960, 8), 0.9f));
    double[] d = difference(java2dBicubic(photo, 768, 1365), Resampler.bicubic(photo, 768, 1365));
    assertThat(d[0]).as("max difference").isLessThanOrEqualTo(1);
    assertThat(d[2]).as("share of samples that differ").isLessThan(1e-3);
    Optional<Path> honeywave = TestMedia.sharedPhoto("honeywave-1080x1920.jpg");
    Assumptions.assumeTrue(honeywave.isPresent(), "the shared test photos are not beside the repository");
    RgbImage real = ImageDecoder.decode(Files.readAllBytes(honeywave.get()));
    d = difference(java2dBicubic(real, 1536, 2731), Resampler.bicubic(real, 1536, 2731));
    assertThat(d[0]).as("max difference, honeywave").isLessThanOrEqualTo(1);
    assertThat(d[2]).as("share of samples that differ, honeywave").isLessThan(1e-3);
  }

  /** What the resampler used to do: Java2D's bicubic drawImage of the whole image. */
  private static RgbImage java2dBicubic(RgbImage src, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(Resampler.toBufferedImage(src), 0, 0, width, height, null);
    g.dispose();
    return new RgbImage(width, height, out.getRGB(0, 0, width, height, null, 0, width));
  }

  /** Per channel sample: the largest difference, the mean difference, the share that differ. */
  private static double[] difference(RgbImage a, RgbImage b) {
    int max = 0;
    long sum = 0;
    long differing = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      for (int shift = 0; shift < 24; shift += 8) {
        int d = Math.abs(((a.pixels()[i] >> shift) & 0xFF) - ((b.pixels()[i] >> shift) & 0xFF));
        max = Math.max(max, d);
        sum += d;
        differing += d > 0 ? 1 : 0;
      }
    }
    double samples = 3.0 * a.pixels().length;
    return new double[] {max, sum / samples, differing / samples};
  }

  private static int[] crop(RgbImage image, int x, int y, int w, int h) {
    int[] out = new int[w * h];
    for (int j = 0; j < h; j++) {
      System.arraycopy(image.pixels(), (y + j) * image.width() + x, out, j * w, w);
    }
    return out;
  }

  private static RgbImage random(int w, int h, long seed) {
    return new RgbImage(w, h, new Random(seed).ints(w * h, 0, 1 << 24).toArray());
  }

  @Test
  @DisplayName("an image handed to Java2D holds exactly the pixels setRGB would have written")
  void bufferedImageHoldsThePixels() {
    int[] px = new Random(7).ints(37 * 23, 0, 1 << 24).toArray();
    RgbImage image = new RgbImage(37, 23, px);
    BufferedImage expected = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
    expected.setRGB(0, 0, 37, 23, px, 0, 37);

    BufferedImage copy = Resampler.toBufferedImage(image);

    assertThat(copy.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(copy.getRaster().getDataElements(0, 0, 37, 23, null))
        .isEqualTo(expected.getRaster().getDataElements(0, 0, 37, 23, null));
    assertThat(copy.getRGB(0, 0, 37, 23, null, 0, 37)).isEqualTo(expected.getRGB(0, 0, 37, 23, null, 0, 37));
  }

  @Test
  @DisplayName("a filtered channel rounds to the nearest level as Math.round does, halves up, clamped to 0..255")
  void roundsAsMathRound() {
    Random random = new Random(3);
    for (int k = -2; k <= 258; k++) {
      for (float v : new float[] {k, k + 0.5f, Math.nextDown(k + 0.5f), Math.nextUp(k + 0.5f), Math.nextDown((float) k),
          Math.nextUp((float) k), k + random.nextFloat()}) {
        assertThat(Resampler.round(v)).as("%s", v).isEqualTo(Math.max(0, Math.min(255, Math.round(v))));
      }
    }
    for (float v : new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 0.49999997f, 1e9f}) {
      assertThat(Resampler.round(v)).as("%s", v).isEqualTo(Math.max(0, Math.min(255, Math.round(v))));
    }
  }
}
