package io.stillmotion.render;

/**
 * One image of a story: where its bytes come from, how long its time slot lasts, how the camera
 * moves over it and an optional caption (null or blank: none) shown along the bottom of the frame
 * while it is on screen.
 */
public record Shot(ImageSource image, double durationSeconds, Motion motion, String caption) {

  public Shot {
    if (image == null || motion == null) {
      throw new IllegalArgumentException("a shot needs an image and a motion");
    }
    caption = caption == null || caption.isBlank() ? null : caption;
  }

  public Shot(ImageSource image, double durationSeconds, Motion motion) {
    this(image, durationSeconds, motion, null);
  }
}
