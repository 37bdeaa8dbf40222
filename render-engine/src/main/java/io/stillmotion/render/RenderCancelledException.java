package io.stillmotion.render;

/** Rendering stopped because the caller asked it to (task cancelled, worker shutting down). */
public class RenderCancelledException extends Exception {

  private static final long serialVersionUID = 1L;

  public RenderCancelledException() {
    super("rendering cancelled");
  }
}
