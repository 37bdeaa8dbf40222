package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Preparing a shot with its rows shared between threads gives exactly what one thread gives. */
class PreparedInBandsTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final RowBands shared = new RowBands(pool, 2);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("area averaging in bands is bit-identical to one pass, at scales with and without shared edge rows")
  void areaAverageSameInBands() {
    RgbImage image = random(997, 613, 1);
    for (int[] size : new int[][] {{600, 375}, {640, 360}, {331, 200}, {997, 101}}) {
      RgbImage one = Resampler.areaAverage(image, size[0], size[1]);
      RgbImage banded = Resampler.areaAverage(image, size[0], size[1], shared);
      assertThat(banded.pixels()).as("%dx%d", size[0], size[1]).isEqualTo(one.pixels());
    }
  }

  @Test
  @DisplayName("the pyramid of a rectangle, read in place and in bands, equals that of a cropped copy")
  void pyramidOfRectangleSameAsOfCopy() {
    RgbImage image = random(700, 450, 2);
    int x = 64;
    int y = 128;
    int w = 517;
    int h = 301;
    int[] copy = new int[w * h];
    for (int j = 0; j < h; j++) {
      System.arraycopy(image.pixels(), (y + j) * image.width() + x, copy, j * w, w);
    }
    YuvPyramid expected = YuvPyramid.of(new RgbImage(w, h, copy));
    YuvPyramid banded = YuvPyramid.of(image, x, y, w, h, shared);
    assertThat(banded.levelCount()).isEqualTo(expected.levelCount());
    for (int l = 0; l < expected.levelCount(); l++) {
      YuvPyramid.Level a = expected.level(l);
      YuvPyramid.Level b = banded.level(l);
      assertThat(b.width()).isEqualTo(a.width());
      assertThat(b.height()).isEqualTo(a.height());
      assertThat(b.y()).as("level %d luma", l).isEqualTo(a.y());
      assertThat(b.cb()).as("level %d cb", l).isEqualTo(a.cb());
      assertThat(b.cr()).as("level %d cr", l).isEqualTo(a.cr());
    }
  }

  @Test
  @DisplayName("a JPEG decoded with its conversion in bands gives the same pixels")
  void decodeSameInBands() throws Exception {
    byte[] jpeg = TestMedia.jpeg(TestMedia.photoLike(800, 533, 5), 0.9f);
    RgbImage one = ImageDecoder.decode(jpeg);
    RgbImage banded = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_GUARD, shared);
    assertThat(banded.width()).isEqualTo(one.width());
    assertThat(banded.pixels()).isEqualTo(one.pixels());
  }

  private static RgbImage random(int w, int h, long seed) {
    Random random = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = random.nextInt(1 << 24);
    }
    return new RgbImage(w, h, px);
  }
}
