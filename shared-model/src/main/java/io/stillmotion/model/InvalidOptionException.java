package io.stillmotion.model;

/**
 * A render option that is unknown, of the wrong type or out of range. Maps to HTTP 422 with the
 * field, and for per-image values the image's index (0-based, as in {@code images[]} and
 * {@code /image?index=}), and for the {@code story} document the JSON path of the bad value.
 */
public class InvalidOptionException extends RuntimeException {

  private final String field;
  private final Integer index;
  private final String path;

  public InvalidOptionException(String field, String message) {
    this(field, message, null, null);
  }

  public InvalidOptionException(String field, String message, Integer index, String path) {
    super(message, null, false, false);
    this.field = field;
    this.index = index;
    this.path = path;
  }

  public String field() {
    return field;
  }

  /** The image's 0-based position for a per-image value, else null. */
  public Integer index() {
    return index;
  }

  /** The JSON path in the story document (e.g. {@code $.shots[2].effect}), else null. */
  public String path() {
    return path;
  }
}
