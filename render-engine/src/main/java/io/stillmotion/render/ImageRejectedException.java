package io.stillmotion.render;

/**
 * An image refused before or while it is decoded, for a reason that will not change on a retry
 * (always permanent). {@link #code()} is stable and machine-readable (the gateway's API error code);
 * the message is for the person who sent the image.
 */
public final class ImageRejectedException extends RenderException {

  private static final long serialVersionUID = 1L;

  /** Not one of our formats at all. */
  public static final String NOT_AN_IMAGE = "unsupported_image";
  public static final String TOO_SMALL = "image_too_small";
  public static final String TOO_MANY_PIXELS = "too_many_pixels";
  /** Decoding it would take more memory than one decode may use, whatever the reduction. */
  public static final String NEEDS_TOO_MUCH_MEMORY = "image_needs_too_much_memory";
  /** A PNG text or colour-profile chunk that is, or unpacks to, more than we accept. */
  public static final String METADATA_TOO_LARGE = "image_metadata_too_large";
  public static final String UNREADABLE = "image_unreadable";
  /** Decoding went on past the time limit. */
  public static final String TOO_SLOW = "image_decode_timeout";

  private final String code;

  public ImageRejectedException(String code, String message) {
    this(code, message, null);
  }

  public ImageRejectedException(String code, String message, Throwable cause) {
    super(message, true, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }

  static ImageRejectedException unreadable(Throwable cause) {
    return new ImageRejectedException(UNREADABLE,
        "The image could not be decoded: the file is damaged or incomplete.", cause);
  }
}
