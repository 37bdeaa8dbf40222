package io.stillmotion.render;

/**
 * A story (or one of its parts: a caption, the soundtrack, a framing) that can never be rendered
 * as asked. Permanent. {@link #code()} is a stable machine-readable reason, {@link #field()} the
 * part of the request it concerns ({@code caption}, {@code title}, {@code audio}, {@code shots},
 * {@code transition}, {@code duration}...) and {@link #shot()} the 0-based position of the image
 * it concerns, or -1. A service maps {@link #isUnsupportedMedia()} to 415 and the rest to 422.
 */
public class InvalidStoryException extends RenderException {

  private static final long serialVersionUID = 1L;

  private final String code;
  private final String field;
  private final int shot;

  public InvalidStoryException(String code, String field, int shot, String message) {
    super(message, true);
    this.code = code;
    this.field = field;
    this.shot = shot;
  }

  public InvalidStoryException(String code, String field, String message) {
    this(code, field, -1, message);
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public int shot() {
    return shot;
  }

  /** The file is not of a kind the engine reads at all (e.g. an "audio" file that is a JPEG). */
  public boolean isUnsupportedMedia() {
    return "unsupported_audio".equals(code);
  }
}
