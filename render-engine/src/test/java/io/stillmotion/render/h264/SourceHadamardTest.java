package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SourceHadamardTest {

  @Test
  @DisplayName("vertical, horizontal and flat predictions cost from the source's coefficients what a full SATD costs")
  void shortcutsEqualTheFullSatd() {
    Random random = new Random(8);
    int[] src = new int[256];
    int[] pred = new int[16];
    SourceHadamard hadamard = new SourceHadamard();
    for (int trial = 0; trial < 300; trial++) {
      int base = random.nextInt(256);
      for (int i = 0; i < 256; i++) {
        src[i] = trial % 3 == 0 ? Math.min(255, base + random.nextInt(4)) : random.nextInt(256);
      }
      hadamard.load(src);
      for (int blk = 0; blk < 16; blk++) {
        int at = (blk >> 2) * 64 + (blk & 3) * 4;
        int[] p = {random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        for (int i = 0; i < 16; i++) {
          pred[i] = p[i & 3];
        }
        assertThat(hadamard.satdOfRows(blk, p[0], p[1], p[2], p[3])).as("vertical, block %d", blk)
            .isEqualTo(Costs.satd4x4(src, at, 16, pred, 0, 4));
        for (int i = 0; i < 16; i++) {
          pred[i] = p[i >> 2];
        }
        assertThat(hadamard.satdOfColumns(blk, p[0], p[1], p[2], p[3])).as("horizontal, block %d", blk)
            .isEqualTo(Costs.satd4x4(src, at, 16, pred, 0, 4));
        Arrays.fill(pred, p[0]);
        assertThat(hadamard.satdOfFlat(blk, p[0])).as("flat, block %d", blk)
            .isEqualTo(Costs.satd4x4(src, at, 16, pred, 0, 4));
      }
    }
  }
}
