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
   * SHA-256 of the streams below. Was ccd53d3f... (main 6dafc5c, before the shortcuts) until disposable
   * frames moved from QP +5 to +7 and reference frames' vectors were costed at a quarter of the
   * lambda: at equal PSNR-Y against x264 veryfast (BytesBench, medium quality) the cups photo went
   * from 0.913 to 0.871 at 720p, the path photo from 0.818 to 0.797 (1080p in the commit message).
   * Was b0615f2b... until skipped macroblocks' vectors were held within 4 pixels of the camera's
   * (SliceCoder.MAX_SKIP_DRIFT): the honeywave photo from 1.089 to 0.976 at 720p, 1.134 to 1.000 at
   * 1080p.
   * Was 42c77dfa... until the stream became Main profile with CABAC (the same decisions and
   * reconstruction, other bits): path / cups / autumn / honeywave from 0.780 / 0.813 / 0.742 / 0.897
   * to 0.667 / 0.680 / 0.640 / 0.686 at 720p.
   * Was 7abcf685... until inter luma decimation was retuned for CABAC (Residual.DECIMATE_8X8 4 -> 3,
   * DECIMATE_MB 6 -> 7): 0.666 / 0.674 / 0.634 / 0.685 at 720p, every row of BytesBench lower.
   * Was 9ed12acd... until disposable pictures stopped trying the quarter position diagonal to the
   * rounded camera vector (SliceCoder.refine), a trade of bytes for speed: 0.665 / 0.683 / 0.634 /
   * 0.684 at 720p, 0.689 / 0.598 / 0.604 / 0.663 at 1080p.
   */
  private static final String DIGEST = "982789b922d3e7ce2d304b38ad6fc27d280b843657b78ee3af0618de543e5179";

  @Test
  @DisplayName("every move at three QPs is coded byte for byte as before the exact shortcuts")
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
