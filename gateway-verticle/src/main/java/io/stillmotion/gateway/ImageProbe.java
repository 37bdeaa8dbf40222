package io.stillmotion.gateway;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides whether an uploaded file is an image we can render: sniffs the format from its first
 * bytes (never trusting the file name or the declared content type), reads the dimensions from the
 * header before decoding anything (so a decompression bomb is refused cheaply), then decodes it at
 * a reduced resolution to prove it is complete. Blocking: call off the event loop.
 */
public final class ImageProbe {

  /** Smallest width and height we render from; anything smaller is not a photo. */
  public static final int MIN_SIDE = 16;
  private static final long CHECK_DECODE_PIXELS = 1_000_000;

  /** What the upload is. {@code extension} is the canonical one for its real format. */
  public record ImageInfo(String format, String extension, String contentType, int width, int height) {
  }

  private final long maxPixels;

  public ImageProbe(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  public ImageInfo probe(Path file) {
    String[] format = sniff(file);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = readerFor(in, format[0]);
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        checkDimensions(width, height);
        decodeReduced(reader, width, height);
        return new ImageInfo(format[0], format[1], format[2], width, height);
      } finally {
        reader.dispose();
      }
    } catch (ApiException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw unreadable();
    } catch (OutOfMemoryError e) {
      throw ApiException.unprocessable("image_too_large", "The image is too large to decode.");
    }
  }

  /** @return {format name, extension, content type} */
  static String[] sniff(Path file) {
    byte[] head = new byte[16];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw ApiException.badRequest("upload_unreadable", "The uploaded file could not be read.");
    }
    if (n == 0) {
      throw ApiException.badRequest("empty_file", "The uploaded file is empty.");
    }
    byte[] h = Arrays.copyOf(head, n);
    if (startsWith(h, 0xFF, 0xD8, 0xFF)) {
      return new String[] {"jpeg", "jpg", "image/jpeg"};
    }
    if (startsWith(h, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return new String[] {"png", "png", "image/png"};
    }
    if (startsWith(h, 'G', 'I', 'F', '8')) {
      return new String[] {"gif", "gif", "image/gif"};
    }
    if (startsWith(h, 'B', 'M')) {
      return new String[] {"bmp", "bmp", "image/bmp"};
    }
    if (n >= 12 && startsWith(h, 'R', 'I', 'F', 'F') && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') {
      return new String[] {"webp", "webp", "image/webp"};
    }
    throw ApiException.unsupportedMedia(
        "The file is not a supported image. Upload a JPEG, PNG, GIF, BMP or WebP picture.");
  }

  private static boolean startsWith(byte[] data, int... prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static ImageReader readerFor(ImageInputStream in, String format) {
    if (in == null) {
      throw unreadable();
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.toLowerCase(Locale.ROOT));
    if (!readers.hasNext()) {
      throw ApiException.unsupportedMedia("Images of type " + format + " are not supported here.");
    }
    return readers.next();
  }

  private void checkDimensions(int width, int height) {
    if (width < MIN_SIDE || height < MIN_SIDE) {
      throw ApiException.unprocessable("image_too_small", "The image is " + width + "x" + height
          + " pixels; it must be at least " + MIN_SIDE + "x" + MIN_SIDE + ".");
    }
    if ((long) width * height > maxPixels) {
      throw ApiException.unprocessable("too_many_pixels", "The image is " + width + "x" + height
          + " pixels, more than the limit of " + maxPixels + " pixels.");
    }
  }

  /** Decodes every byte of the image at a resolution of about one megapixel. */
  private static void decodeReduced(ImageReader reader, int width, int height) throws IOException {
    AtomicReference<String> truncated = new AtomicReference<>();
    reader.addIIOReadWarningListener((source, warning) -> {
      String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
      if (w.contains("premature end") || w.contains("truncat") || w.contains("end of file")) {
        truncated.set(warning);
      }
    });
    ImageReadParam param = reader.getDefaultReadParam();
    int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) width * height / CHECK_DECODE_PIXELS)));
    param.setSourceSubsampling(step, step, 0, 0);
    if (reader.read(0, param) == null || truncated.get() != null) {
      throw unreadable();
    }
  }

  private static ApiException unreadable() {
    return ApiException.unprocessable("image_unreadable",
        "The image could not be decoded: the file is damaged or incomplete.");
  }
}
