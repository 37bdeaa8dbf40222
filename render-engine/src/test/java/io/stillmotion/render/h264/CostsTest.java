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
  @DisplayName("a SATD with a limit is exact below the limit and, at or above it, some value between the limit and the SATD")
  void satdStopsAtTheLimit() {
    Random random = new Random(12);
    int[] d = new int[16];
    for (int trial = 0; trial < 5000; trial++) {
      for (int i = 0; i < 16; i++) {
        d[i] = random.nextInt(511) - 255;
      }
      int full = Costs.satd4x4(Integer.MAX_VALUE, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
          d[11], d[12], d[13], d[14], d[15]);
      int limit = random.nextInt(full * 2 + 1);
      int bounded = Costs.satd4x4(limit, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11],
          d[12], d[13], d[14], d[15]);
      if (full < limit) {
        assertThat(bounded).isEqualTo(full);
      } else {
        assertThat(bounded).isBetween(limit, full);
      }
    }
  }

  @Test
  @DisplayName("SADs against rows, columns and one value equal the SAD against the drawn prediction")
  void shortcutSadsEqualTheSad() {
    Random random = new Random(6);
    for (int n : new int[] {8, 16}) {
      int[] src = new int[n * n];
      int[] edge = new int[n];
      int[] pred = new int[n * n];
      for (int trial = 0; trial < 200; trial++) {
        fill(src, random, trial);
        fill(edge, random, trial + 1);
        for (int i = 0; i < n * n; i++) {
          pred[i] = edge[i % n];
        }
        assertThat(Costs.sadOfRows(src, n, edge)).isEqualTo(Costs.sad(src, pred, n * n));
        for (int i = 0; i < n * n; i++) {
          pred[i] = edge[i / n];
        }
        assertThat(Costs.sadOfColumns(src, n, edge)).isEqualTo(Costs.sad(src, pred, n * n));
        Arrays.fill(pred, edge[0]);
        assertThat(Costs.sadOfFlat(src, 0, n, n, edge[0])).isEqualTo(Costs.sad(src, pred, n * n));
        int[] corner = new int[16];
        int at = n + 2;
        for (int y = 0; y < 4; y++) {
          for (int x = 0; x < 4; x++) {
            corner[y * 4 + x] = src[at + y * n + x];
          }
        }
        Arrays.fill(pred, 0, 16, edge[1]);
        assertThat(Costs.sadOfFlat(src, at, n, 4, edge[1])).isEqualTo(Costs.sad(corner, pred, 16));
      }
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
