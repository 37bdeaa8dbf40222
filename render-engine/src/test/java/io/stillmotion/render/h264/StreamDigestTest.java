package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes the encoder writes. The exact shortcuts (bounds that prove a block quantises to
 * nothing, copies instead of transforms of empty blocks, unclamped loops inside the picture) must
 * not change a single bit; the decoder tests would not notice a changed decision, only a broken
 * reconstruction. A change meant to alter the stream updates the digest, with its bytes and PSNR
 * measured (EncoderBench).
 */
class StreamDigestTest {

  /**
   * SHA-256 of the streams below since the quarter-pel refinement ranks its four positions by the
   * SAD of their odd rows (branch qpel; before it, as written at main 6dafc5c:
   * ccd53d3f2f0744567768b7bb1edb9100e645fb985605cc79693037efe5bed040).
   */
  private static final String DIGEST = "0d4465e38117f43d6c32bc64aaf6a292f315d1e0e881226d9231ac47dcf27013";

  @Test
  @DisplayName("every move at three QPs is coded byte for byte as pinned")
  void streamIsUnchanged() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int qp : new int[] {20, 28, 36}) {
      for (Scenes.Move move : Scenes.Move.values()) {
        Streams.encode(move, 320, 192, 9, qp).units().forEach(sha::update);
      }
    }
    assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(DIGEST);
  }
}
