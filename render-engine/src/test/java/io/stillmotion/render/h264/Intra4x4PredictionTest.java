package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.jcodec.codecs.h264.decode.Intra4x4PredictionBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Intra4x4PredictionTest {

  private static final int WIDTH = 12;
  private static final int X0 = 4;
  private static final int Y0 = 4;

  @Test
  @DisplayName("every available Intra 4x4 mode predicts what jcodec's decoder predicts, with and without each neighbour")
  void matchesTheDecoder() {
    Random random = new Random(9);
    Intra4x4Prediction ours = new Intra4x4Prediction();
    int[] predicted = new int[16];
    for (int trial = 0; trial < 500; trial++) {
      byte[] plane = new byte[WIDTH * 8];
      random.nextBytes(plane);
      if (trial % 5 == 0) {
        flatten(plane, random);
      }
      for (int edges = 0; edges < 8; edges++) {
        boolean hasTop = (edges & 1) != 0;
        boolean hasLeft = (edges & 2) != 0;
        boolean hasTopRight = hasTop && (edges & 4) != 0;
        ours.load(plane, WIDTH, X0, Y0, hasTop, hasLeft, hasTopRight);
        for (int mode = 0; mode < Intra4x4Prediction.MODES; mode++) {
          if (!Intra4x4Prediction.available(mode, hasTop, hasLeft)) {
            continue;
          }
          ours.predict(mode, predicted);
          byte[] decoders = decoderPrediction(plane, mode, hasTop, hasLeft, hasTopRight);
          for (int i = 0; i < 16; i++) {
            assertThat(predicted[i]).as("trial %d, edges %d, mode %d, sample %d", trial, edges, mode, i)
                .isEqualTo(decoders[(i >> 2) * 16 + (i & 3)] + 128);
          }
        }
      }
    }
  }

  @Test
  @DisplayName("the neighbours and DC it offers for the shortcut costs are the block's edge and DC prediction")
  void offersEdgeAndDc() {
    Random random = new Random(11);
    byte[] plane = new byte[WIDTH * 8];
    random.nextBytes(plane);
    Intra4x4Prediction ours = new Intra4x4Prediction();
    ours.load(plane, WIDTH, X0, Y0, true, true, true);
    int[] vertical = new int[16];
    int[] horizontal = new int[16];
    int[] dc = new int[16];
    ours.predict(Intra4x4Prediction.VERTICAL, vertical);
    ours.predict(Intra4x4Prediction.HORIZONTAL, horizontal);
    ours.predict(Intra4x4Prediction.DC, dc);
    for (int i = 0; i < 4; i++) {
      assertThat(ours.top(i)).isEqualTo(vertical[i]).isEqualTo(plane[(Y0 - 1) * WIDTH + X0 + i] + 128);
      assertThat(ours.left(i)).isEqualTo(horizontal[i * 4]).isEqualTo(plane[(Y0 + i) * WIDTH + X0 - 1] + 128);
    }
    assertThat(ours.dc()).isEqualTo(dc[0]).isEqualTo(dc[15]);
  }

  @Test
  @DisplayName("the SATD of a directional mode is the SATD against the prediction it draws")
  void directionalSatdMatchesTheDrawnPrediction() {
    Random random = new Random(13);
    Intra4x4Prediction ours = new Intra4x4Prediction();
    int[] src = new int[256];
    int[] predicted = new int[16];
    for (int trial = 0; trial < 300; trial++) {
      byte[] plane = new byte[WIDTH * 8];
      random.nextBytes(plane);
      for (int i = 0; i < src.length; i++) {
        src[i] = random.nextInt(256);
      }
      ours.load(plane, WIDTH, X0, Y0, true, true, trial % 2 == 0);
      int at = random.nextInt(4) * 64 + random.nextInt(4) * 4;
      for (int mode = Intra4x4Prediction.DIAGONAL_DOWN_LEFT; mode < Intra4x4Prediction.MODES; mode++) {
        ours.predict(mode, predicted);
        assertThat(ours.satd(mode, src, at, Integer.MAX_VALUE)).as("trial %d, mode %d", trial, mode)
            .isEqualTo(Costs.satd4x4(src, at, 16, predicted, 0, 4));
      }
    }
  }

  /** Smooth neighbourhoods make the filters' rounding matter more than random noise does. */
  private static void flatten(byte[] plane, Random random) {
    int base = random.nextInt(256) - 128;
    for (int i = 0; i < plane.length; i++) {
      plane[i] = (byte) Math.max(-128, Math.min(127, base + random.nextInt(3) - 1));
    }
  }

  private static byte[] decoderPrediction(byte[] plane, int mode, boolean hasTop, boolean hasLeft,
      boolean hasTopRight) {
    byte[] topLine = new byte[16];
    byte[] leftRow = new byte[16];
    byte[] topLeft = new byte[4];
    for (int i = 0; i < 8; i++) {
      topLine[i] = plane[(Y0 - 1) * WIDTH + X0 + i];
    }
    for (int j = 0; j < 4; j++) {
      leftRow[j] = plane[(Y0 + j) * WIDTH + X0 - 1];
    }
    topLeft[0] = plane[(Y0 - 1) * WIDTH + X0 - 1];
    byte[] out = new byte[256];
    Intra4x4PredictionBuilder.predictWithMode(mode, new int[16], hasLeft, hasTop, hasTopRight, leftRow, topLine,
        topLeft, 0, 0, 0, out);
    return out;
  }
}
