package io.stillmotion.render;

/** Rendering stopped because the caller asked it to (task cancelled, worker shutting down). */
public class RenderCancelledException extends Exception {

  public RenderCancelledException() {
    super("rendering cancelled");
  }
}
