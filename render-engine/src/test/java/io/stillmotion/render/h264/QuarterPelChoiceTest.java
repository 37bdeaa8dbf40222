package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.Frame;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins how the quarter-pel refinement chooses among the four positions around the camera's exact
 * vector: by the SAD of the odd rows, with only the winner predicted in full (SliceCoder.refine).
 */
class QuarterPelChoiceTest {

  private static final int W = 64;
  private static final int H = 64;
  /** The camera's exact vector, in quarter pels: (4.2, 0.2), rounded to (4, 0). */
  private static final CameraMotion MOTION = new CameraMotion(1, 1.05, 0.05);

  @Test
  @DisplayName("the position whose odd rows match wins, though the rounded vector's whole block matches better")
  void oddRowsDecide() {
    // Even rows strong noise, odd rows a gentle ramp: the quarter position right of the rounded vector
    // differs from it little on the odd rows and much on the even ones.
    Random random = new Random(5);
    Picture reference = Picture.create(W, H, ColorSpace.YUV420J);
    byte[] luma = reference.getPlaneData(0);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        luma[y * W + x] = (byte) ((y & 1) == 0 ? random.nextInt(17) - 8 : x - 32);
      }
    }
    MotionH264Encoder encoder = new MotionH264Encoder(Streams.format(W, H));
    byte[] idr = encoder.encodeIdr(reference, 20, 0);
    Picture decodedReference = encoder.reconstruction();
    QuarterPelPlanes planes = new QuarterPelPlanes(W, H);
    planes.load(decodedReference);
    // The source: each macroblock's even rows predicted at the rounded vector (4, 0), its odd rows at (5, 0).
    Picture source = Picture.create(W, H, ColorSpace.YUV420J);
    byte[] rounded = new byte[256];
    byte[] right = new byte[256];
    int sadRounded = 0;
    int sadRight = 0;
    for (int mbY = 0; mbY < H / 16; mbY++) {
      for (int mbX = 0; mbX < W / 16; mbX++) {
        planes.sad16x16(mbX * 64 + 4, mbY * 64, new byte[W * H], 0, W, Integer.MAX_VALUE, rounded, new int[16]);
        planes.sad16x16(mbX * 64 + 5, mbY * 64, new byte[W * H], 0, W, Integer.MAX_VALUE, right, new int[16]);
        for (int i = 0; i < 256; i++) {
          boolean odd = (i / 16 & 1) == 1;
          source.getPlaneData(0)[(mbY * 16 + i / 16) * W + mbX * 16 + i % 16] = odd ? right[i] : rounded[i];
          sadRounded += odd ? Math.abs(right[i] - rounded[i]) : 0;
          sadRight += odd ? 0 : Math.abs(right[i] - rounded[i]);
        }
      }
    }
    for (int p = 1; p < 3; p++) {
      System.arraycopy(decodedReference.getPlaneData(p), 0, source.getPlaneData(p), 0, W * H / 4);
    }
    // Measured in full, the rounded vector predicts the picture better; on the odd rows, (5, 0) does exactly.
    assertThat(sadRounded).isPositive().isLessThan(sadRight / 2);
    byte[] p = encoder.encodeP(source, MOTION, 20, true);

    H264Decoder decoder = new H264Decoder();
    decoder.decodeFrame(ByteBuffer.wrap(idr), Picture.create(W, H, ColorSpace.YUV420J).getData());
    Frame frame = decoder.decodeFrame(ByteBuffer.wrap(p), Picture.create(W, H, ColorSpace.YUV420J).getData());
    H264Utils.MvList2D mvs = frame.getMvs();
    for (int mbY = 0; mbY < H / 16; mbY++) {
      for (int mbX = 0; mbX < W / 16; mbX++) {
        assertThat(new int[] {mvs.mv0X(mbX * 4, mbY * 4), mvs.mv0Y(mbX * 4, mbY * 4)})
            .as("macroblock (%d, %d)", mbX, mbY).containsExactly(5, 0);
      }
    }
  }
}
