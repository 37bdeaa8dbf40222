package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Bt601Test {

  @Test
  @DisplayName("every one of the 2^24 colours converts to exactly the rounded BT.601 formula's Y', Cb and Cr")
  void everyColourAsTheFormula() {
    long differing = 0;
    String first = null;
    for (int rgb = 0; rgb < 1 << 24; rgb++) {
      int r = rgb >> 16;
      int g = (rgb >> 8) & 0xFF;
      int b = rgb & 0xFF;
      double y = Bt601.KR * r + Bt601.KG * g + Bt601.KB * b;
      long luma = Math.round((16 + 219 * y / 255) * 16);
      long cb = Math.round((128 + 224 * (b - y) / (2 * (1 - Bt601.KB)) / 255) * 16);
      long cr = Math.round((128 + 224 * (r - y) / (2 * (1 - Bt601.KR)) / 255) * 16);
      if (Bt601.luma16(r, g, b) != luma || Bt601.cb16(r, g, b) != cb || Bt601.cr16(r, g, b) != cr) {
        differing++;
        if (first == null) {
          first = String.format("%06x: %d %d %d instead of %d %d %d", rgb, Bt601.luma16(r, g, b), Bt601.cb16(r, g, b),
              Bt601.cr16(r, g, b), luma, cb, cr);
        }
      }
    }
    assertThat(differing).as("colours converted otherwise, the first %s", first).isZero();
  }
}
