package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.h264.decode.CoeffTransformer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CostsTest {

  @Test
  @DisplayName("SATD of a 4x4 block is half the absolute sum of jcodec's Hadamard transform of the difference")
  void satdIsHalfTheHadamardSum() {
    Random random = new Random(3);
    int[] src = new int[16 * 8];
    int[] pred = new int[4 * 6];
    for (int trial = 0; trial < 2000; trial++) {
      fill(src, random, trial);
      fill(pred, random, trial + 1);
      int sx = random.nextInt(13);
      int sy = random.nextInt(5);
      int py = random.nextInt(3);
      assertThat(Costs.satd4x4(src, sy * 16 + sx, 16, pred, py * 4, 4))
          .isEqualTo(reference(src, sy * 16 + sx, 16, pred, py * 4, 4));
    }
  }

  @Test
  @DisplayName("SATD of a 16x16 block is the sum of its sixteen 4x4 SATDs")
  void satd16x16SumsTheBlocks() {
    Random random = new Random(4);
    int[] src = new int[256];
    int[] pred = new int[256];
    fill(src, random, 0);
    fill(pred, random, 0);
    int expected = 0;
    for (int by = 0; by < 4; by++) {
      for (int bx = 0; bx < 4; bx++) {
        expected += reference(src, by * 64 + bx * 4, 16, pred, by * 64 + bx * 4, 16);
      }
    }
    assertThat(Costs.satd16x16(src, pred)).isEqualTo(expected);
  }

  @Test
  @DisplayName("vertical, horizontal and flat predictions cost from the source's coefficients what a full SATD costs")
  void shortcutsEqualTheFullSatd() {
    Random random = new Random(8);
    int[] src = new int[16];
    int[] coefficients = new int[16];
    int[] pred = new int[16];
    for (int trial = 0; trial < 2000; trial++) {
      fill(src, random, trial);
      int absSum = Costs.hadamard4x4(src, 0, 4, coefficients);
      int[] p = {random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256)};
      for (int i = 0; i < 16; i++) {
        pred[i] = p[i & 3];
      }
      assertThat(Costs.satdOfRows(coefficients, absSum, p[0], p[1], p[2], p[3]))
          .isEqualTo(reference(src, 0, 4, pred, 0, 4));
      for (int i = 0; i < 16; i++) {
        pred[i] = p[i >> 2];
      }
      assertThat(Costs.satdOfColumns(coefficients, absSum, p[0], p[1], p[2], p[3]))
          .isEqualTo(reference(src, 0, 4, pred, 0, 4));
      Arrays.fill(pred, p[0]);
      assertThat(Costs.satdOfFlat(coefficients, absSum, p[0])).isEqualTo(reference(src, 0, 4, pred, 0, 4));
    }
  }

  /** Mostly random samples, and every third trial a smooth block, like most of a photo. */
  private static void fill(int[] samples, Random random, int trial) {
    int base = random.nextInt(256);
    for (int i = 0; i < samples.length; i++) {
      samples[i] = trial % 3 == 0 ? Math.min(255, base + random.nextInt(4)) : random.nextInt(256);
    }
  }

  private static int reference(int[] a, int aAt, int aStride, int[] b, int bAt, int bStride) {
    int[] d = new int[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        d[y * 4 + x] = a[aAt + y * aStride + x] - b[bAt + y * bStride + x];
      }
    }
    CoeffTransformer.invDC4x4(d);
    int sum = 0;
    for (int v : d) {
      sum += Math.abs(v);
    }
    return sum >> 1;
  }
}
