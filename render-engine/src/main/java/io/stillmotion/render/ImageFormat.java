package io.stillmotion.render;

import java.util.Locale;

/** The image formats we accept, recognised by their first bytes (never by a file name or a declared type). */
public enum ImageFormat {
  JPEG("jpg", "image/jpeg"),
  PNG("png", "image/png"),
  GIF("gif", "image/gif"),
  BMP("bmp", "image/bmp"),
  WEBP("webp", "image/webp");

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
