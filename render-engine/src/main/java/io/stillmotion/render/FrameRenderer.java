package io.stillmotion.render;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * Samples a viewport of the source pyramid straight into a 4:2:0 picture as jcodec wants it (bytes
 * hold value - 128), bilinear at sub-pixel precision. Chroma samples sit where H.264 expects them
 * (left-aligned, vertically between two luma rows) and are read from a level filtered for their
 * double spacing. The picture is padded to whole macroblocks by repeating the edge, which costs
 * the encoder nothing.
 */
final class FrameRenderer {

  private final YuvPyramid source;
  private final int width;
  private final int height;
  private final double originX;
  private final double originY;

  FrameRenderer(YuvPyramid source, int width, int height) {
    this(source, width, height, 0, 0);
  }

  /** A renderer of a source that is the part of a larger image whose top-left corner is at (originX, originY). */
  FrameRenderer(YuvPyramid source, int width, int height, double originX, double originY) {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("frame size must be even: " + width + "x" + height);
    }
    this.source = source;
    this.width = width;
    this.height = height;
    this.originX = originX;
    this.originY = originY;
  }

  Picture newPicture() {
    int paddedW = (width + 15) & ~15;
    int paddedH = (height + 15) & ~15;
    Rect crop = paddedW == width && paddedH == height ? null : new Rect(0, 0, width, height);
    return Picture.createCropped(paddedW, paddedH, ColorSpace.YUV420J, crop);
  }

  void render(Viewport v, Picture pic) {
    double scale = v.width() / width;
    int lumaLevel = source.levelFor(scale);
    int chromaLevel = source.levelFor(2 * scale);
    byte[][] planes = pic.getData();
    int stride = pic.getPlaneWidth(0);
    int cstride = pic.getPlaneWidth(1);
    double left = v.left() - originX;
    double top = v.top() - originY;
    YuvPyramid.Level l = source.level(lumaLevel);
    new PlaneSampler(l.width(), l.height(), lumaLevel, left, top, scale, 0.5, 0.5, 1, width, height)
        .sample(l.y(), planes[0], stride);
    YuvPyramid.Level cl = source.level(chromaLevel);
    PlaneSampler chroma =
        new PlaneSampler(cl.width(), cl.height(), chromaLevel, left, top, scale, 0.5, 1, 2, width / 2, height / 2);
    chroma.sample(cl.cb(), cl.cr(), planes[1], planes[2], cstride);
    padPicture(pic, width, height);
  }

  /** Repeats the edge of the visible frame into the macroblock padding of every plane. */
  static void padPicture(Picture pic, int width, int height) {
    byte[][] planes = pic.getData();
    int stride = pic.getPlaneWidth(0);
    int cstride = pic.getPlaneWidth(1);
    pad(planes[0], stride, pic.getPlaneHeight(0), width, height);
    pad(planes[1], cstride, pic.getPlaneHeight(1), width / 2, height / 2);
    pad(planes[2], cstride, pic.getPlaneHeight(2), width / 2, height / 2);
  }

  private static void pad(byte[] plane, int stride, int planeH, int w, int h) {
    if (w < stride) {
      for (int y = 0; y < h; y++) {
        int row = y * stride;
        java.util.Arrays.fill(plane, row + w, row + stride, plane[row + w - 1]);
      }
    }
    for (int y = h; y < planeH; y++) {
      System.arraycopy(plane, (h - 1) * stride, plane, y * stride, stride);
    }
  }
}
