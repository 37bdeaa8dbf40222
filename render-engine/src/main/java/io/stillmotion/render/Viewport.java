package io.stillmotion.render;

/**
 * The part of the source image one frame shows: centre and size in source pixels. Its aspect ratio
 * is the frame's.
 */
record Viewport(double centerX, double centerY, double width, double height) {

  double left() {
    return centerX - width / 2;
  }

  double top() {
    return centerY - height / 2;
  }
}
