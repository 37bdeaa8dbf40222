package io.stillmotion.render;

import org.jcodec.common.model.Picture;

/**
 * The frames of a video, drawn on demand by any render thread: a picture padded to whole
 * macroblocks, and the view of the image the frame (mostly) shows, from which the motion-aware
 * encoder derives each macroblock's motion. Within one GOP all views must be views of the same
 * image (the {@link Timeline} starts a GOP wherever the image followed changes).
 */
interface FrameSource {

  /** A picture of the video's size, padded to whole macroblocks. */
  Picture newPicture();

  /** Draws the frame into {@code into} and returns the view it shows. Thread-safe. */
  Viewport render(int frame, Picture into);

  /**
   * The view the frame will show, if it is known without drawing it (null if not): the encoder's
   * IDR frame looks ahead at how long its content stays in view.
   */
  default Viewport view(int frame) {
    return null;
  }

  /**
   * Whether the frame mixes two images so that the view's motion predicts little of it (a
   * crossfade): the encoder then keeps it as a reference, so the next frame is predicted from it.
   */
  default boolean mixes(int frame) {
    return false;
  }
}
