package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LevelRateControlTest {

  @Test
  @DisplayName("each size and frame rate gets the lowest level that allows it")
  void levels() {
    assertThat(H264Level.forVideo(1280, 720, 30)).isEqualTo(H264Level.L3_1);
    assertThat(H264Level.forVideo(1280, 720, 60)).isEqualTo(H264Level.L3_2);
    assertThat(H264Level.forVideo(720, 720, 30)).isEqualTo(H264Level.L3_1);
    assertThat(H264Level.forVideo(1080, 1080, 30)).isEqualTo(H264Level.L3_2);
    assertThat(H264Level.forVideo(1080, 1080, 50)).isEqualTo(H264Level.L4_0);
    assertThat(H264Level.forVideo(1080, 1080, 60)).isEqualTo(H264Level.L4_2);
    assertThat(H264Level.forVideo(1920, 1080, 30)).isEqualTo(H264Level.L4_0);
    assertThat(H264Level.forVideo(1080, 1920, 25)).isEqualTo(H264Level.L4_0);
    assertThat(H264Level.forVideo(1920, 1080, 60)).isEqualTo(H264Level.L4_2);
    assertThat(H264Level.L4_0.maxBitsPerSecond()).isEqualTo(20_000_000L);
  }

  /** Feeds the rate control a synthetic encoder whose macroblocks cost c * 2^(-qp/6) bits. */
  private static long simulate(LevelRateControl rc, int frames, int gop, double intraCost, double interCost) {
    int mbs = 80 * 45;
    long total = 0;
    for (int f = 0; f < frames; f++) {
      if (f % gop == 0) {
        rc.startGop(Math.min(gop, frames - f));
      }
      boolean intra = f % gop == 0;
      int qp = rc.startPicture(new Size(1280, 720), 1280 * 720, intra ? SliceType.I : SliceType.P);
      assertThat(qp).isBetween(0, 51);
      for (int mb = 0; mb < mbs; mb++) {
        qp += rc.initialQpDelta();
        assertThat(qp).isBetween(0, 51);
        int bits = (int) Math.round((intra ? intraCost : interCost) * Math.pow(2, -qp / 6.0));
        total += bits;
        assertThat(rc.accept(bits)).isZero();
      }
    }
    return total;
  }

  @Test
  @DisplayName("content too costly for the quality's QP range is held to the level's maximum rate")
  void hardContentStaysWithinLevel() {
    H264Level level = H264Level.L3_1;
    LevelRateControl rc = LevelRateControl.forQuality(Quality.HIGH, level, 1280, 720, 30);
    long bits = simulate(rc, 150, 25, 40_000, 15_000);
    assertThat(bits / 5.0).isLessThanOrEqualTo(level.maxBitsPerSecond());
  }

  @Test
  @DisplayName("easy content does not inflate to the target: the quality's QP floor holds")
  void easyContentStaysSmall() {
    LevelRateControl rc = LevelRateControl.forQuality(Quality.MEDIUM, H264Level.L3_1, 1280, 720, 30);
    long bits = simulate(rc, 60, 30, 300, 50);
    double perMbAtFloor = 50 * Math.pow(2, -24 / 6.0);
    assertThat(bits).isLessThan((long) (perMbAtFloor * 3600 * 60 * 3));
  }

  @Test
  @DisplayName("higher quality spends more bits on the same content")
  void qualityOrdersBits() {
    long low = simulate(LevelRateControl.forQuality(Quality.LOW, H264Level.L3_1, 1280, 720, 30), 60, 30, 8000, 3000);
    long medium =
        simulate(LevelRateControl.forQuality(Quality.MEDIUM, H264Level.L3_1, 1280, 720, 30), 60, 30, 8000, 3000);
    long high = simulate(LevelRateControl.forQuality(Quality.HIGH, H264Level.L3_1, 1280, 720, 30), 60, 30, 8000, 3000);
    assertThat(low).isLessThan(medium);
    assertThat(medium).isLessThan(high);
  }
}
