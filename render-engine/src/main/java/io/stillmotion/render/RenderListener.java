package io.stillmotion.render;

/** Hears how far a render has got, and can ask it to stop. Called from render threads. */
public interface RenderListener {

  RenderListener NONE = new RenderListener() {
  };

  /** {@code framesDone} of {@code totalFrames} are encoded. Must return quickly. */
  default void onProgress(int framesDone, int totalFrames) {
  }

  /** Polled often (at least every few frames); true stops the render with {@link RenderCancelledException}. */
  default boolean isCancelled() {
    return false;
  }
}
