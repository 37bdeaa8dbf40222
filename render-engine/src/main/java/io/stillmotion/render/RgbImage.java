package io.stillmotion.render;

/** An opaque sRGB image as packed 0xRRGGBB ints, row by row. */
record RgbImage(int width, int height, int[] pixels) {

  RgbImage {
    if (width <= 0 || height <= 0 || pixels.length != width * height) {
      throw new IllegalArgumentException("bad image size " + width + "x" + height);
    }
  }

  int rgb(int x, int y) {
    return pixels[y * width + x];
  }
}
