package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResamplerTest {

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
