package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GopEncoderTest {

  @Test
  @DisplayName("better quality asks our encoder for a lower QP")
  void qualityMapsOntoQp() {
    assertThat(GopEncoder.motionQp(Quality.HIGH)).isLessThan(GopEncoder.motionQp(Quality.MEDIUM));
    assertThat(GopEncoder.motionQp(Quality.MEDIUM)).isLessThan(GopEncoder.motionQp(Quality.LOW));
  }
}
