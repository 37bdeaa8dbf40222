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
  @DisplayName("the eight-samples-at-a-time SAD and its 4x4 block SADs equal plain sums against the prediction it writes")
  void sadMatchesPrediction() {
    Random random = new Random(7);
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    random.nextBytes(reference.getPlaneData(0));
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(reference);
    byte[] source = new byte[W * H];
    random.nextBytes(source);
    byte[] prediction = new byte[256];
    int[] blockSads = new int[16];
    for (int n = 0; n < 2000; n++) {
      int qx = random.nextInt(4 * (W + 2 * QuarterPelPlanes.MARGIN - 17)) - 4 * QuarterPelPlanes.MARGIN;
      int qy = random.nextInt(4 * (H + 2 * QuarterPelPlanes.MARGIN - 17)) - 4 * QuarterPelPlanes.MARGIN;
      int x = random.nextInt(W - 15);
      int y = random.nextInt(H - 15);
      int sad = planes.sad16x16(qx, qy, block(source, y * W + x), Integer.MAX_VALUE, prediction, blockSads);
      int[] expectedBlocks = new int[16];
      for (int i = 0; i < 256; i++) {
        expectedBlocks[(i / 64) * 4 + (i % 16) / 4] += Math.abs(source[(y + i / 16) * W + x + i % 16] - prediction[i]);
      }
      int expected = Arrays.stream(expectedBlocks).sum();
      assertThat(sad).isEqualTo(expected);
      assertThat(blockSads).containsExactly(expectedBlocks);
      int limit = random.nextInt(2 * expected + 1);
      int bounded = planes.sad16x16(qx, qy, block(source, y * W + x), limit, new byte[256], new int[16]);
      if (expected < limit) {
        assertThat(bounded).isEqualTo(expected);
      } else {
        assertThat(bounded).isBetween(limit, expected);
      }
    }
  }

  @Test
  @DisplayName("every quarter-pel prediction the SAD writes, out to the margin's edge, is jcodec's decoder's interpolation")
  void predictionMatchesTheDecoder() {
    Random random = new Random(11);
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    random.nextBytes(reference.getPlaneData(0));
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(reference);
    BlockInterpolator interpolator = new BlockInterpolator();
    Picture decoders = Picture.create(16, 16, ColorSpace.YUV420J);
    byte[] source = new byte[W * H];
    byte[] ours = new byte[256];
    for (int qy = -4 * QuarterPelPlanes.MARGIN; qy < 4 * (H + QuarterPelPlanes.MARGIN - 17); qy++) {
      for (int qx = -4 * QuarterPelPlanes.MARGIN; qx < 4 * (W + QuarterPelPlanes.MARGIN - 17); qx += 3) {
        assertThat(planes.sad16x16(qx, qy, block(source, 0), Integer.MAX_VALUE, ours, new int[16])).isNotNegative();
        interpolator.getBlockLuma(reference, decoders, 0, qx, qy, 16, 16);
        assertThat(ours).as("(%d, %d)", qx, qy).containsExactly(decoders.getPlaneData(0));
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
      int[] blockSads = new int[16];
      assertThat(planes.sad16x16(16 + (q & 3), 16 + (q >> 2), block(source, 0), Integer.MAX_VALUE, new byte[256],
          blockSads)).isEqualTo(256 * 255);
      assertThat(blockSads).containsOnly(16 * 255);
    }
  }

  @Test
  @DisplayName("blocks beyond the margin are left to the caller")
  void beyondMargin() {
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(Picture.create(W, H, ColorSpace.YUV420J));
    assertThat(planes.sad16x16(-4 * QuarterPelPlanes.MARGIN - 4, 0, block(new byte[W * H], 0), Integer.MAX_VALUE,
        new byte[256], new int[16])).isEqualTo(-1);
    assertThat(planes.sad16x16(4 * (W + QuarterPelPlanes.MARGIN), 0, block(new byte[W * H], 0), Integer.MAX_VALUE,
        new byte[256], new int[16])).isEqualTo(-1);
  }

  private static QuarterPelPlanes.SourceBlock block(byte[] plane, int at) {
    QuarterPelPlanes.SourceBlock block = new QuarterPelPlanes.SourceBlock();
    block.load(plane, at, W);
    return block;
  }
}
