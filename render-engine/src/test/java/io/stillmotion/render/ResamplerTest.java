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
}
