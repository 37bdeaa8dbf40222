package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnnexBTest {

  @Test
  @DisplayName("zeros followed by a byte up to 3 get an emulation prevention byte, and so does an RBSP ending in cabac_zero_words")
  void preventsStartCodeEmulation() {
    AnnexB nal = new AnnexB();
    nal.add(AnnexB.NAL_SLICE, 2, ByteBuffer.wrap(new byte[] {5, 0, 0, 1, 0, 0, 4, (byte) 0x80, 0, 0, 0, 0}));
    assertThat(nal.toByteArray()).containsExactly(0, 0, 0, 1, 0x41, 5, 0, 0, 3, 1, 0, 0, 4, 0x80, 0, 0, 3, 0, 0, 3);
  }
}
