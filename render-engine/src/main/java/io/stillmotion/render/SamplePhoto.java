package io.stillmotion.render;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A made-up photo for warm-ups and training runs (the render warm-up, the gateway's upload warm-up,
 * the AOT and class data sharing trainings): a JPEG with smooth gradients and a fine texture, so that
 * the decoder, the upload check and the encoder's skip, inter and intra paths all run. Always the same
 * bytes for the same size.
 */
public final class SamplePhoto {

  private SamplePhoto() {
  }

  /** The JPEG bytes of a {@code width} x {@code height} sample photo. */
  public static byte[] jpeg(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    long seed = 42;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        int texture = (x / 40 + y / 40) % 2 == 0 ? (int) (seed >>> 58) : 0;
        int r = 255 * x / width;
        int g = 255 * y / height;
        int b = Math.min(255, 128 + texture * 2);
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    return out.toByteArray();
  }
}
