package io.stillmotion.render;

/** Hears how far a render has got, and can ask it to stop. Called from render threads. */
public interface RenderListener {

  RenderListener NONE = new RenderListener() {
  };

  /** {@code framesDone} of {@code totalFrames} are encoded. Must return quickly. */
  default void onProgress(int framesDone, int totalFrames) {
  }

  /**
   * The poster and thumbnail JPEGs exist, while the video is still being encoded: a caller can store
   * them meanwhile. Called at most once, on a render thread, with the same bytes the {@link RenderResult}
   * will carry; not called when the render stops before they exist. Must return quickly.
   */
  default void onStills(byte[] posterJpeg, byte[] thumbnailJpeg) {
  }

  /** Polled often (at least every few frames); true stops the render with {@link RenderCancelledException}. */
  default boolean isCancelled() {
    return false;
  }
}
