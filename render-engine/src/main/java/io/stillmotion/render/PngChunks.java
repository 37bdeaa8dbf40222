package io.stillmotion.render;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;

/**
 * Walks a PNG's chunk list before any decoder sees it. The JDK's PNG reader inflates zTXt and iTXt
 * chunks with no limit (even with metadata ignored, for palette images), so a 1 MB file can demand
 * a gigabyte: every compressed text chunk and the iCCP profile is inflated here with a hard cap, and
 * the file is refused past it. What the decoder gets back keeps only what the pixels need (IHDR,
 * PLTE, tRNS, IDAT, IEND); the colour profile is handed over separately, already inflated.
 */
final class PngChunks {

  /** The most one text chunk may unpack to: ordinary captions and XMP packets are far smaller. */
  static final int MAX_TEXT_BYTES = 1 << 20;
  /** The most all text chunks together may unpack to. */
  static final int MAX_ALL_TEXT_BYTES = 4 << 20;
  /** The largest colour profile: printer profiles reach a few hundred KB, display ones a few KB. */
  static final int MAX_PROFILE_BYTES = 4 << 20;
  private static final int SIGNATURE = 8;

  /** The PNG as the decoder should see it, with its inflated iCCP profile (or null). */
  record Sanitized(byte[] png, byte[] iccProfile, int bitDepth, int colorType, boolean interlaced) {
  }

  private PngChunks() {
  }

  static Sanitized sanitize(byte[] png) throws ImageRejectedException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    kept.write(png, 0, Math.min(png.length, SIGNATURE));
    boolean stripped = false;
    byte[] profile = null;
    long textBytes = 0;
    int bitDepth = 8;
    int colorType = 2;
    boolean interlaced = false;
    int at = SIGNATURE;
    while (at + 8 <= png.length) {
      long length = readInt(png, at) & 0xFFFFFFFFL;
      String type = new String(png, at + 4, 4, StandardCharsets.ISO_8859_1);
      long end = at + 12 + length;
      if (end > png.length) {
        throw ImageRejectedException.unreadable(null);
      }
      int data = at + 8;
      switch (type) {
        case "IHDR" -> {
          if (length < 13) {
            throw ImageRejectedException.unreadable(null);
          }
          bitDepth = png[data + 8] & 0xFF;
          colorType = png[data + 9] & 0xFF;
          interlaced = png[data + 12] != 0;
        }
        case "zTXt" -> textBytes += inflatedText(png, data, (int) length, 1, MAX_ALL_TEXT_BYTES - textBytes);
        case "iTXt" -> textBytes += inflatedText(png, data, (int) length, 0, MAX_ALL_TEXT_BYTES - textBytes);
        case "tEXt" -> textBytes += checkedText(length, MAX_ALL_TEXT_BYTES - textBytes);
        case "iCCP" -> profile = profile == null ? profile(png, data, (int) length) : profile;
        default -> {
        }
      }
      boolean keep = switch (type) {
        case "IHDR", "PLTE", "tRNS", "IDAT", "IEND" -> true;
        default -> false;
      };
      if (keep) {
        kept.write(png, at, (int) (end - at));
      } else {
        stripped = true;
      }
      at = (int) end;
      if ("IEND".equals(type)) {
        break;
      }
    }
    return new Sanitized(stripped ? kept.toByteArray() : png, profile, bitDepth, colorType, interlaced);
  }

  /**
   * zTXt: keyword, NUL, method, compressed text. iTXt: keyword, NUL, compressed flag, method,
   * language, NUL, translated keyword, NUL, text (compressed when the flag says so).
   */
  private static long inflatedText(byte[] png, int data, int length, int kind, long allowedTotal)
      throws ImageRejectedException {
    int end = data + length;
    int p = indexOf(png, data, end, 0);
    if (p < 0) {
      return checkedText(length, allowedTotal);
    }
    boolean compressed;
    if (kind == 1) {
      compressed = true;
      p += 2;
    } else {
      compressed = p + 1 < end && png[p + 1] != 0;
      p += 3;
      p = indexOf(png, Math.min(p, end), end, 0);
      p = p < 0 ? -1 : indexOf(png, p + 1, end, 0);
      if (p < 0) {
        return checkedText(length, allowedTotal);
      }
      p += 1;
    }
    if (!compressed || p >= end) {
      return checkedText(Math.max(0, end - p), allowedTotal);
    }
    int cap = (int) Math.min(MAX_TEXT_BYTES, Math.max(0, allowedTotal));
    try {
      return BoundedInflater.inflate(png, p, end - p, cap).length;
    } catch (BoundedInflater.TooLarge e) {
      throw tooLarge("a text chunk that unpacks to more than " + mib(cap));
    } catch (DataFormatException e) {
      // Broken text never affects the pixels; it is dropped with the chunk.
      return 0;
    }
  }

  private static long checkedText(long length, long allowedTotal) throws ImageRejectedException {
    if (length > MAX_TEXT_BYTES || length > allowedTotal) {
      throw tooLarge("more than " + mib(MAX_TEXT_BYTES) + " of text");
    }
    return length;
  }

  /** iCCP: profile name, NUL, method (0), zlib data. A broken profile is ignored, like browsers do. */
  private static byte[] profile(byte[] png, int data, int length) throws ImageRejectedException {
    int end = data + length;
    int p = indexOf(png, data, end, 0);
    if (p < 0 || p + 2 > end) {
      return null;
    }
    try {
      return BoundedInflater.inflate(png, p + 2, end - p - 2, MAX_PROFILE_BYTES);
    } catch (BoundedInflater.TooLarge e) {
      throw tooLarge("a colour profile (iCCP) that unpacks to more than " + mib(MAX_PROFILE_BYTES));
    } catch (DataFormatException e) {
      return null;
    }
  }

  private static ImageRejectedException tooLarge(String what) {
    return new ImageRejectedException(ImageRejectedException.METADATA_TOO_LARGE,
        "The PNG carries " + what + "; save it again without the extra metadata.");
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static int indexOf(byte[] data, int from, int to, int value) {
    for (int i = from; i < to; i++) {
      if (data[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }
}
