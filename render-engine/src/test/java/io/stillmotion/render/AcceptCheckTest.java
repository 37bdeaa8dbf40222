package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageGuard#verifyForAccept}: what an upload must pass before it is stored. A baseline JPEG
 * is proven complete from its segments, every other image as {@link ImageGuard#verify} does.
 */
class AcceptCheckTest {

  /** A time limit no decode of a 12-megapixel image can meet. */
  private static final ImageGuard NO_TIME_TO_DECODE = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE,
      50_000_000, 256L << 20, 1));

  @Test
  @DisplayName("a complete baseline JPEG is accepted from its segments, without decoding its pixels")
  void baselineJpegNotDecoded() throws Exception {
    byte[] jpeg = noisyJpeg(4000, 3000);
    ImageGuard.Inspection image = NO_TIME_TO_DECODE.inspect(jpeg);
    assertThatCode(() -> NO_TIME_TO_DECODE.verifyForAccept(image)).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("a baseline JPEG cut anywhere after its header is image_unreadable")
  void truncatedJpeg() throws Exception {
    byte[] jpeg = noisyJpeg(400, 300);
    ImageGuard guard = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000, 256L << 20, 30_000));
    int headerEnd = jpeg.length / 20;
    for (int cut = headerEnd; cut < jpeg.length; cut += Math.max(1, jpeg.length / 97)) {
      byte[] truncated = Arrays.copyOf(jpeg, cut);
      ImageGuard.Inspection image;
      try {
        image = guard.inspect(truncated);
      } catch (ImageRejectedException e) {
        continue;
      }
      int at = cut;
      assertThatThrownBy(() -> guard.verifyForAccept(image)).as("cut at %d of %d", at, jpeg.length)
          .isInstanceOfSatisfying(ImageRejectedException.class,
              e -> assertThat(e.code()).isEqualTo(ImageRejectedException.UNREADABLE));
    }
    assertThatThrownBy(() -> guard.verifyForAccept(guard.inspect(Arrays.copyOf(jpeg, jpeg.length - 2))))
        .isInstanceOf(ImageRejectedException.class);
  }

  @Test
  @DisplayName("a progressive JPEG is still decoded to be accepted (its time limit applies)")
  void progressiveJpegDecoded() throws Exception {
    byte[] jpeg = HostileImages.progressiveJpeg(4000, 3000);
    ImageGuard.Inspection image = NO_TIME_TO_DECODE.inspect(jpeg);
    assertThatThrownBy(() -> NO_TIME_TO_DECODE.verifyForAccept(image))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.TOO_SLOW));
  }

  static byte[] noisyJpeg(int w, int h) throws Exception {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(12);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | random.nextInt(256));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    return out.toByteArray();
  }
}
