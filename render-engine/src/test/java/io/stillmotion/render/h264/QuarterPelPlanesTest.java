package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.decode.BlockInterpolator;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuarterPelPlanesTest {

  private static final int W = 64;
  private static final int H = 48;

  @Test
  @DisplayName("the eight-samples-at-a-time SAD equals the plain SAD against the interpolated prediction")
  void sadMatchesPrediction() {
    Random random = new Random(7);
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    random.nextBytes(reference.getPlaneData(0));
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(reference);
    byte[] source = new byte[W * H];
    random.nextBytes(source);
    int[] prediction = new int[256];
    for (int n = 0; n < 2000; n++) {
      int qx = random.nextInt(4 * (W + 2 * QuarterPelPlanes.MARGIN - 17)) - 4 * QuarterPelPlanes.MARGIN;
      int qy = random.nextInt(4 * (H + 2 * QuarterPelPlanes.MARGIN - 17)) - 4 * QuarterPelPlanes.MARGIN;
      int x = random.nextInt(W - 15);
      int y = random.nextInt(H - 15);
      assertThat(planes.predict16x16(qx, qy, prediction)).isTrue();
      int expected = 0;
      for (int i = 0; i < 256; i++) {
        expected += Math.abs(source[(y + i / 16) * W + x + i % 16] + 128 - prediction[i]);
      }
      assertThat(planes.sad16x16(qx, qy, source, y * W + x, W, Integer.MAX_VALUE)).isEqualTo(expected);
      int limit = random.nextInt(2 * expected + 1);
      int bounded = planes.sad16x16(qx, qy, source, y * W + x, W, limit);
      if (expected < limit) {
        assertThat(bounded).isEqualTo(expected);
      } else {
        assertThat(bounded).isBetween(limit, expected);
      }
    }
  }

  @Test
  @DisplayName("every quarter-pel prediction, out to the margin's edge, is jcodec's decoder's interpolation")
  void predictionMatchesTheDecoder() {
    Random random = new Random(11);
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    random.nextBytes(reference.getPlaneData(0));
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(reference);
    BlockInterpolator interpolator = new BlockInterpolator();
    Picture decoders = Picture.create(16, 16, ColorSpace.YUV420J);
    int[] ours = new int[256];
    for (int qy = -4 * QuarterPelPlanes.MARGIN; qy < 4 * (H + QuarterPelPlanes.MARGIN - 17); qy++) {
      for (int qx = -4 * QuarterPelPlanes.MARGIN; qx < 4 * (W + QuarterPelPlanes.MARGIN - 17); qx += 3) {
        assertThat(planes.predict16x16(qx, qy, ours)).isTrue();
        interpolator.getBlockLuma(reference, decoders, 0, qx, qy, 16, 16);
        for (int i = 0; i < 256; i++) {
          assertThat(ours[i]).as("(%d, %d) sample %d", qx, qy, i).isEqualTo(decoders.getPlaneData(0)[i] + 128);
        }
      }
    }
  }

  @Test
  @DisplayName("the largest possible SAD does not overflow the 16-bit lanes")
  void extremeSad() {
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    Arrays.fill(reference.getPlaneData(0), (byte) 127);
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(reference);
    byte[] source = new byte[W * H];
    Arrays.fill(source, (byte) -128);
    for (int q = 0; q < 16; q++) {
      assertThat(planes.sad16x16(16 + (q & 3), 16 + (q >> 2), source, 0, W, Integer.MAX_VALUE))
          .isEqualTo(256 * 255);
    }
  }

  @Test
  @DisplayName("blocks beyond the margin are left to the caller")
  void beyondMargin() {
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(Picture.create(W, H, ColorSpace.YUV420J));
    assertThat(planes.sad16x16(-4 * QuarterPelPlanes.MARGIN - 4, 0, new byte[W * H], 0, W, Integer.MAX_VALUE))
        .isEqualTo(-1);
    assertThat(planes.predict16x16(4 * (W + QuarterPelPlanes.MARGIN), 0, new int[256])).isFalse();
  }
}
