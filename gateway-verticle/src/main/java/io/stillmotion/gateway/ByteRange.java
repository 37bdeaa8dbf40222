package io.stillmotion.gateway;

/**
 * One byte range of a file of known length, from an HTTP {@code Range} header (RFC 9110 14.2):
 * {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. Several ranges in one header are not
 * served (browsers and players never ask for them).
 */
public record ByteRange(long first, long last) {

  public long length() {
    return last - first + 1;
  }

  /**
   * @return the range to serve, or null when the header is absent (serve the whole file)
   * @throws ApiException 416 when the header is malformed, asks for several ranges, or lies
   *                      entirely past the end
   */
  public static ByteRange parse(String header, long fileLength) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.startsWith("bytes=")) {
      throw unsatisfiable(fileLength, "Only byte ranges are supported (Range: bytes=first-last).");
    }
    String spec = h.substring("bytes=".length()).trim();
    if (spec.contains(",")) {
      throw unsatisfiable(fileLength, "Only a single byte range per request is supported.");
    }
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.length() > 40) {
      throw unsatisfiable(fileLength, "Malformed Range header.");
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || fileLength == 0) {
          throw unsatisfiable(fileLength, "The requested range is empty.");
        }
        return new ByteRange(Math.max(0, fileLength - suffix), fileLength - 1);
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? fileLength - 1 : Math.min(Long.parseLong(b), fileLength - 1);
      if (first < 0 || first >= fileLength || (!b.isEmpty() && Long.parseLong(b) < first)) {
        throw unsatisfiable(fileLength, "The requested range is outside the file.");
      }
      return new ByteRange(first, last);
    } catch (NumberFormatException e) {
      throw unsatisfiable(fileLength, "Malformed Range header.");
    }
  }

  private static ApiException unsatisfiable(long length, String message) {
    return new RangeNotSatisfiable(length, message);
  }

  /** 416, carrying the file length for the {@code Content-Range: bytes *}/length header. */
  public static final class RangeNotSatisfiable extends ApiException {
    private final long fileLength;

    RangeNotSatisfiable(long fileLength, String message) {
      super(416, "range_not_satisfiable", message);
      this.fileLength = fileLength;
    }

    public long fileLength() {
      return fileLength;
    }
  }
}
