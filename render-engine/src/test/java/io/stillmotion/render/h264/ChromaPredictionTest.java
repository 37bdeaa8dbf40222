package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.jcodec.codecs.h264.decode.BlockInterpolator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChromaPredictionTest {

  private static final int WIDTH = 40;
  private static final int HEIGHT = 24;

  private final ChromaPrediction prediction = new ChromaPrediction();
  private final int[] cb = new int[64];
  private final int[] cr = new int[64];
  private final byte[] decoders = new byte[64];

  @Test
  @DisplayName("the chroma prediction is jcodec's decoder's, inside the picture, across its edges and far outside")
  void matchesTheDecoder() {
    Random random = new Random(5);
    byte[] planeCb = randomPlane(random, WIDTH, HEIGHT);
    byte[] planeCr = randomPlane(random, WIDTH, HEIGHT);
    for (int qy = -12 * 8; qy < (HEIGHT + 4) * 8; qy += 3) {
      for (int qx = -12 * 8; qx < (WIDTH + 4) * 8; qx += 5) {
        assertDecoders(planeCb, planeCr, WIDTH, HEIGHT, qx, qy);
      }
    }
  }

  @Test
  @DisplayName("every eighth-sample position inside the picture predicts both components as jcodec's decoder does")
  void everyFractionInsideMatchesTheDecoder() {
    Random random = new Random(11);
    int width = 64;
    int height = 48;
    for (int round = 0; round < 20; round++) {
      byte[] planeCb = randomPlane(random, width, height);
      byte[] planeCr = randomPlane(random, width, height);
      for (int fraction = 0; fraction < 64; fraction++) {
        int x0 = random.nextInt(width - 9);
        int y0 = random.nextInt(height - 9);
        assertDecoders(planeCb, planeCr, width, height, x0 * 8 + (fraction & 7), y0 * 8 + (fraction >> 3));
      }
    }
  }

  @Test
  @DisplayName("the extreme samples (0 and 255 everywhere around) still predict exactly")
  void extremeSamplesMatchTheDecoder() {
    Random random = new Random(17);
    int width = 32;
    int height = 32;
    byte[] planeCb = new byte[width * height];
    byte[] planeCr = new byte[width * height];
    for (int i = 0; i < planeCb.length; i++) {
      planeCb[i] = random.nextBoolean() ? Byte.MIN_VALUE : Byte.MAX_VALUE;
      planeCr[i] = (byte) ~planeCb[i];
    }
    for (int q = 0; q < 64 * 16; q++) {
      int qx = 8 + (q & 63) + (q >> 6);
      int qy = 8 + (q & 63);
      assertDecoders(planeCb, planeCr, width, height, qx, qy);
    }
  }

  private void assertDecoders(byte[] planeCb, byte[] planeCr, int width, int height, int qx, int qy) {
    prediction.predict8x8(planeCb, planeCr, width, height, qx, qy, cb, cr);
    assertComponent(planeCb, width, height, qx, qy, cb, "Cb");
    assertComponent(planeCr, width, height, qx, qy, cr, "Cr");
  }

  private void assertComponent(byte[] plane, int width, int height, int qx, int qy, int[] ours, String name) {
    BlockInterpolator.getBlockChroma(plane, width, height, decoders, 0, 8, qx, qy, 8, 8);
    for (int i = 0; i < 64; i++) {
      assertThat(ours[i]).as("%s (%d, %d) sample %d", name, qx, qy, i).isEqualTo(decoders[i] + 128);
    }
  }

  private static byte[] randomPlane(Random random, int width, int height) {
    byte[] plane = new byte[width * height];
    random.nextBytes(plane);
    return plane;
  }
}
