package io.stillmotion.render;

import org.jcodec.common.model.Picture;

/**
 * Transitions drawn straight in the 4:2:0 planes (jcodec's bytes: value - 128), no RGB round trip:
 * a crossfade mixes every sample, a slide copies rows of the two pictures side by side.
 */
final class Blend {

  private Blend() {
  }

  /** {@code into} becomes {@code into} * (1 - w) + {@code other} * w, with w = weight / 256. Padding included. */
  static void crossfade(Picture into, Picture other, int weight) {
    for (int p = 0; p < 3; p++) {
      byte[] a = into.getPlaneData(p);
      byte[] b = other.getPlaneData(p);
      for (int i = 0; i < a.length; i++) {
        a[i] = (byte) (a[i] + (((b[i] - a[i]) * weight + 128) >> 8));
      }
    }
  }

  /**
   * {@code into} shows {@code outgoing} moved {@code shift} pixels to the left and {@code incoming}
   * entering from the right edge, touching it. {@code shift} is even, so chroma moves by whole samples.
   */
  static void slide(Picture outgoing, Picture incoming, Picture into, int shift, int width, int height) {
    for (int p = 0; p < 3; p++) {
      int w = p == 0 ? width : width / 2;
      int h = p == 0 ? height : height / 2;
      int s = p == 0 ? shift : shift / 2;
      int stride = into.getPlaneWidth(p);
      byte[] a = outgoing.getPlaneData(p);
      byte[] b = incoming.getPlaneData(p);
      byte[] out = into.getPlaneData(p);
      for (int y = 0; y < h; y++) {
        int row = y * stride;
        System.arraycopy(a, row + s, out, row, w - s);
        System.arraycopy(b, row, out, row + w - s, s);
      }
    }
    FrameRenderer.padPicture(into, width, height);
  }
}
