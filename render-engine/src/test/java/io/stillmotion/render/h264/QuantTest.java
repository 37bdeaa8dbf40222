package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jcodec.codecs.h264.decode.CoeffTransformer.zigzag4x4;

import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuantTest {

  @Test
  @DisplayName("a block whose SAD is under zeroBlockSad quantises to all-zero levels, at every QP")
  void zeroBlockSadIsSafe() {
    Random random = new Random(3);
    for (int qp = Quant.MIN_QP; qp <= Quant.MAX_QP; qp++) {
      for (boolean intra : new boolean[] {false, true}) {
        int limit = Quant.zeroBlockSad(qp, intra);
        assertThat(limit).isPositive();
        for (int pos = 0; pos < 16; pos++) {
          for (int sign : new int[] {-1, 1}) {
            int[] block = new int[16];
            block[pos] = sign * (limit - 1);
            assertAllZero(block, qp, intra);
          }
        }
        for (int n = 0; n < 200; n++) {
          int[] block = new int[16];
          int left = limit - 1;
          while (left > 0) {
            int v = 1 + random.nextInt(left);
            block[random.nextInt(16)] += random.nextBoolean() ? v : -v;
            left -= v;
          }
          assertAllZero(block, qp, intra);
        }
      }
    }
  }

  @Test
  @DisplayName("quantizeScored gives quantize4x4's levels, decimateScore's score and the count of levels")
  void scoredQuantisationMatchesItsParts() {
    Random random = new Random(5);
    for (int qp = Quant.MIN_QP; qp <= Quant.MAX_QP; qp++) {
      for (int n = 0; n < 400; n++) {
        int[] residual = new int[16];
        int amplitude = 1 + random.nextInt(n % 4 == 0 ? 255 : 12);
        for (int i = 0; i < 16; i++) {
          residual[i] = random.nextInt(2 * amplitude + 1) - amplitude;
        }
        CoeffTransformer.fdct4x4(residual);
        for (boolean intra : new boolean[] {false, true}) {
          for (int from = 0; from < 2; from++) {
            int[] expected = residual.clone();
            QuantReference.quantize4x4(expected, qp, intra, from);
            int[] levels = residual.clone();
            int scored = Quant.quantizeScored(levels, qp, intra, from);
            assertThat(levels).isEqualTo(expected);
            assertThat(Quant.score(scored)).isEqualTo(QuantReference.decimateScore(expected, zigzag4x4, from));
            assertThat(Quant.count(scored)).isEqualTo((int) Arrays.stream(expected).filter(v -> v != 0).count());
          }
        }
      }
    }
  }

  private static void assertAllZero(int[] residual, int qp, boolean intra) {
    int[] levels = residual.clone();
    CoeffTransformer.fdct4x4(levels);
    assertThat(QuantReference.quantize4x4(levels, qp, intra, 0)).isFalse();
  }
}
