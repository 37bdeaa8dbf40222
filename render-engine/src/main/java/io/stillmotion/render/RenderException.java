package io.stillmotion.render;

/**
 * Rendering failed. {@link #isPermanent()} tells whether trying again can help: an image that
 * cannot be decoded never will, while running out of memory or disk might not happen next time.
 * The message is meant for the person who uploaded the image.
 */
public class RenderException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  public RenderException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public RenderException(String message, boolean permanent) {
    this(message, permanent, null);
  }

  public boolean isPermanent() {
    return permanent;
  }
}
