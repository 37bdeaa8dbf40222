package io.stillmotion.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.jcodec.common.model.Picture;

/** Still images of a rendered frame: the poster at full size and a small thumbnail, as JPEG. */
final class Posters {

  static final int THUMBNAIL_LONG_SIDE = 320;
  private static final float JPEG_QUALITY = 0.9f;

  private Posters() {
  }

  /** The visible part of a 4:2:0 frame as RGB, chroma interpolated between its sample sites. */
  static RgbImage toRgb(Picture pic, int width, int height) {
    byte[] y = pic.getPlaneData(0);
    byte[] u = pic.getPlaneData(1);
    byte[] v = pic.getPlaneData(2);
    int stride = pic.getPlaneWidth(0);
    int cstride = pic.getPlaneWidth(1);
    int cw = width / 2;
    int ch = height / 2;
    int[] out = new int[width * height];
    for (int j = 0; j < height; j++) {
      double cy = Math.max(0, Math.min(ch - 1, (j - 0.5) / 2));
      int cy0 = (int) cy;
      int cy1 = Math.min(ch - 1, cy0 + 1);
      double fy = cy - cy0;
      for (int i = 0; i < width; i++) {
        double cx = Math.min(cw - 1, i / 2.0);
        int cx0 = (int) cx;
        int cx1 = Math.min(cw - 1, cx0 + 1);
        double fx = cx - cx0;
        double cb = lerp2(u, cstride, cx0, cx1, cy0, cy1, fx, fy);
        double cr = lerp2(v, cstride, cx0, cx1, cy0, cy1, fx, fy);
        out[j * width + i] = Bt601.toRgb(y[j * stride + i] + 128, (int) Math.round(cb), (int) Math.round(cr));
      }
    }
    return new RgbImage(width, height, out);
  }

  private static double lerp2(byte[] p, int stride, int x0, int x1, int y0, int y1, double fx, double fy) {
    double top = (p[y0 * stride + x0] + 128) * (1 - fx) + (p[y0 * stride + x1] + 128) * fx;
    double bottom = (p[y1 * stride + x0] + 128) * (1 - fx) + (p[y1 * stride + x1] + 128) * fx;
    return top * (1 - fy) + bottom * fy;
  }

  static RgbImage thumbnail(RgbImage image) {
    double k = (double) THUMBNAIL_LONG_SIDE / Math.max(image.width(), image.height());
    if (k >= 1) {
      return image;
    }
    int w = Math.max(1, (int) Math.round(image.width() * k));
    int h = Math.max(1, (int) Math.round(image.height() * k));
    return Resampler.areaAverage(image, w, h);
  }

  static byte[] jpeg(RgbImage image) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IOException("no JPEG writer");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(Resampler.toBufferedImage(image), null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
