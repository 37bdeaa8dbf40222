package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.jcodec.codecs.h264.decode.BlockInterpolator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChromaPredictionTest {

  private static final int WIDTH = 40;
  private static final int HEIGHT = 24;

  @Test
  @DisplayName("the chroma prediction is jcodec's decoder's, inside the picture, across its edges and far outside")
  void matchesTheDecoder() {
    Random random = new Random(5);
    byte[] plane = new byte[WIDTH * HEIGHT];
    random.nextBytes(plane);
    int[] ours = new int[64];
    byte[] decoders = new byte[64];
    for (int qy = -12 * 8; qy < (HEIGHT + 4) * 8; qy += 3) {
      for (int qx = -12 * 8; qx < (WIDTH + 4) * 8; qx += 5) {
        ChromaPrediction.predict8x8(plane, WIDTH, HEIGHT, qx, qy, ours);
        BlockInterpolator.getBlockChroma(plane, WIDTH, HEIGHT, decoders, 0, 8, qx, qy, 8, 8);
        for (int i = 0; i < 64; i++) {
          assertThat(ours[i]).as("(%d, %d) sample %d", qx, qy, i).isEqualTo(decoders[i] + 128);
        }
      }
    }
  }
}
