package io.stillmotion.render;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The image formats we accept, recognised by their first bytes (never by a file name or a declared type). */
public enum ImageFormat {
  JPEG("jpg", "image/jpeg"),
  PNG("png", "image/png"),
  GIF("gif", "image/gif"),
  BMP("bmp", "image/bmp"),
  WEBP("webp", "image/webp");

  /** ISO base media "ftyp" brands of HEIF images (HEVC-coded: HEIC) and image sequences. */
  private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm",
      "hevs", "mif1", "msf1");

  private final String extension;
  private final String contentType;

  ImageFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  /** The canonical file extension, without the dot. */
  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  /** The ImageIO format name. */
  public String formatName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format these bytes start like, or null when none of ours. */
  public static ImageFormat sniff(byte[] head) {
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, 'G', 'I', 'F', '8')) {
      return GIF;
    }
    if (startsWith(head, 'B', 'M')) {
      return BMP;
    }
    if (startsWith(head, 'R', 'I', 'F', 'F') && head.length >= 12
        && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
      return WEBP;
    }
    return null;
  }

  /**
   * For a file that is none of ours but a picture people commonly have, what to tell them: the
   * iPhone's HEIC, AVIF, TIFF (and the camera raw files built on it), JPEG XL, Photoshop, SVG or
   * a PDF. Empty for anything else. Looks at the first 512 bytes only.
   */
  public static Optional<String> knownUnsupported(byte[] bytes) {
    byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 512));
    if (head.length >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
      String brand = new String(head, 8, 4, StandardCharsets.ISO_8859_1);
      if (HEIF_BRANDS.contains(brand)) {
        return Optional.of("a HEIC/HEIF photo (what iPhones take by default): export it as JPEG, or set the "
            + "camera to Most Compatible (Settings > Camera > Formats)");
      }
      if (brand.equals("avif") || brand.equals("avis")) {
        return Optional.of("an AVIF picture: save it as JPEG, PNG or WebP");
      }
      return Optional.of("a video or other media file, not a still picture");
    }
    if (startsWith(head, 'I', 'I', '*', 0) || startsWith(head, 'M', 'M', 0, '*')) {
      return Optional.of("a TIFF picture (or a camera's raw file): save it as JPEG or PNG");
    }
    if (startsWith(head, 0xFF, 0x0A) || startsWith(head, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ')) {
      return Optional.of("a JPEG XL picture: save it as JPEG or PNG");
    }
    if (startsWith(head, '8', 'B', 'P', 'S')) {
      return Optional.of("a Photoshop document: export it as JPEG or PNG");
    }
    if (startsWith(head, '%', 'P', 'D', 'F')) {
      return Optional.of("a PDF document: export the page as JPEG or PNG");
    }
    String text = new String(head, StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
    if (text.startsWith("<") && text.contains("<svg")) {
      return Optional.of("an SVG drawing: export it as PNG");
    }
    return Optional.empty();
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
}
