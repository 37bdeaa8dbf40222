package io.stillmotion.render;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ComponentColorModel;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Turns uploaded bytes into an upright, opaque sRGB image: whatever ImageIO can read (with the
 * TwelveMonkeys plugins: progressive and CMYK/YCCK JPEG, WebP, BMP variants; the JDK: PNG, GIF),
 * colours converted from an embedded profile (JPEG and PNG iCCP), transparency composited on a neutral grey, EXIF
 * orientation applied. What may be decoded, and how much memory and time it may take, is decided
 * by {@link ImageGuard}. Images above {@link #MAX_DECODED_PIXELS} (or too costly for the memory
 * budget at full size) are decoded with every n-th row and column only; the area averaging that
 * follows cannot undo the aliasing that may add on fine textures, a trade-off accepted for inputs
 * of that size.
 */
final class ImageDecoder {

  /** Neutral mid grey behind transparent pixels: reads as "no content" on any palette. */
  static final int BACKGROUND = 0x808080;
  /** Above this many pixels the decoder skips rows/columns; the result still gets area-filtered. */
  static final long MAX_DECODED_PIXELS = 24_000_000L;
  /**
   * What {@link #toOpaqueSrgb} and the orientation add per decoded pixel: a colour-converted ARGB
   * copy, the opaque int pixels, and their rotated copy.
   */
  static final int CONVERSION_BYTES_PER_PIXEL = 12;
  /** For callers without their own limits (tests, benches): any size, 40% of the heap, 60 s. */
  static final ImageGuard DEFAULT_GUARD = new ImageGuard(new ImageGuard.Limits(1, 1_000_000_000L,
      ImageGuard.Limits.heapShare(0.4), 60_000));

  private ImageDecoder() {
  }

  static RgbImage decode(byte[] bytes) throws RenderException {
    return decode(bytes, DEFAULT_GUARD);
  }

  /** Decodes within the guard's limits: it checks the bytes itself, whoever checked them before. */
  static RgbImage decode(byte[] bytes, ImageGuard guard) throws RenderException {
    return decode(bytes, guard, RowBands.SERIAL);
  }

  /** {@code bands}: the threads that share the conversion of the decoded pixels. */
  static RgbImage decode(byte[] bytes, ImageGuard guard, RowBands bands) throws RenderException {
    return decodeTraced(bytes, guard, bands, true).image();
  }

  /** A decoded image, and whether our own progressive JPEG decoder made it (for tests). */
  record Traced(RgbImage image, boolean ownJpegDecoder) {
  }

  /**
   * As {@link #decode(byte[], ImageGuard, RowBands)}; progressive JPEGs that {@link ProgressiveJpeg}
   * handles skip ImageIO (and the conversion) altogether, unless {@code ownJpegDecoder} is false (the
   * reference for tests and benches).
   */
  static Traced decodeTraced(byte[] bytes, ImageGuard guard, RowBands bands, boolean ownJpegDecoder)
      throws RenderException {
    if (bytes == null || bytes.length == 0) {
      throw ImageRejectedException.unreadable(null);
    }
    ImageGuard.Inspection inspected = withoutSrgbProfile(guard.inspect(bytes));
    ImageGuard.Decoded decoded = guard.decodeForRender(inspected, MAX_DECODED_PIXELS, CONVERSION_BYTES_PER_PIXEL,
        bands, ownJpegDecoder);
    RgbImage rgb = decoded.pixels();
    if (rgb == null) {
      BufferedImage image = decoded.image();
      if (inspected.iccProfile() != null) {
        image = withProfile(image, iccProfile(inspected.iccProfile()));
      }
      rgb = toOpaqueSrgb(image, bands);
    }
    return new Traced(ExifOrientation.apply(rgb, ExifOrientation.of(bytes)), decoded.pixels() != null);
  }

  /**
   * A JPEG whose embedded profile is sRGB in all but name is decoded without it: the same pixels, in
   * a third of the time ({@link SrgbProfiles}).
   */
  private static ImageGuard.Inspection withoutSrgbProfile(ImageGuard.Inspection image) {
    if (image.format() != ImageFormat.JPEG) {
      return image;
    }
    byte[] profile = JpegSegments.iccProfile(image.decodable());
    if (profile == null || !SrgbProfiles.isSrgb(profile)) {
      return image;
    }
    return new ImageGuard.Inspection(image.format(), image.width(), image.height(), image.cost(),
        JpegSegments.withoutIccProfile(image.decodable()), image.iccProfile());
  }

  /**
   * The JDK's PNG reader ignores an embedded iCCP profile (Display P3 screenshots, Adobe RGB
   * exports) and labels the samples sRGB; relabel them with their profile so they get converted.
   */
  private static BufferedImage withProfile(BufferedImage image, ICC_Profile profile) {
    if (profile == null || profile.getColorSpaceType() != ColorSpace.TYPE_RGB
        || !(image.getColorModel() instanceof ComponentColorModel cm)
        || cm.getNumColorComponents() != 3) {
      return image;
    }
    ColorModel tagged = new ComponentColorModel(new ICC_ColorSpace(profile), cm.hasAlpha(),
        cm.isAlphaPremultiplied(), cm.getTransparency(), cm.getTransferType());
    return new BufferedImage(tagged, image.getRaster(), cm.isAlphaPremultiplied(), null);
  }

  /** A broken profile is ignored, like browsers do: the samples are taken as sRGB. */
  private static ICC_Profile iccProfile(byte[] bytes) {
    try {
      return ICC_Profile.getInstance(bytes);
    } catch (IllegalArgumentException broken) {
      return null;
    }
  }

  private static RgbImage toOpaqueSrgb(BufferedImage image, RowBands bands) {
    ColorModel cm = image.getColorModel();
    ColorSpace cs = cm.getColorSpace();
    if (cs.getType() == ColorSpace.TYPE_GRAY && image.getRaster().getNumBands() <= 2) {
      return fromGray(image.getRaster(), cm.hasAlpha());
    }
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && cs.isCS_sRGB()
        && isPlainInterleaved(image.getRaster(), 3)) {
      return fromBgr(image.getRaster(), bands);
    }
    BufferedImage srgb = image;
    if (!cs.isCS_sRGB() && !(cm instanceof IndexColorModel)) {
      srgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
      new ColorConvertOp(null).filter(image, srgb);
    }
    int w = srgb.getWidth();
    int h = srgb.getHeight();
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      srgb.getRGB(0, y, w, 1, px, y * w, w);
    }
    for (int i = 0; i < px.length; i++) {
      px[i] = overBackground(px[i] >>> 24, (px[i] >> 16) & 0xFF, (px[i] >> 8) & 0xFF, px[i] & 0xFF);
    }
    return new RgbImage(w, h, px);
  }

  /** The common JPEG result: sRGB bytes B, G, R per pixel in one array; read directly (getRGB is slow). */
  private static RgbImage fromBgr(WritableRaster raster, RowBands bands) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
    int[] out = new int[w * h];
    bands.run(h, (from, to) -> {
      for (int i = from * w, o = 3 * i; i < to * w; i++, o += 3) {
        out[i] = ((data[o + 2] & 0xFF) << 16) | ((data[o + 1] & 0xFF) << 8) | (data[o] & 0xFF);
      }
    });
    return new RgbImage(w, h, out);
  }

  private static boolean isPlainInterleaved(WritableRaster raster, int bands) {
    return raster.getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getNumBanks() == 1
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel model
        && model.getPixelStride() == bands
        && model.getScanlineStride() == bands * raster.getWidth()
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && buffer.getOffset() == 0
        && java.util.Arrays.equals(model.getBandOffsets(), new int[] {2, 1, 0})
        && buffer.getData().length >= bands * raster.getWidth() * raster.getHeight();
  }

  /**
   * Java's grey colour space is linear, so letting Java2D convert grey to sRGB brightens it; grey
   * files are encoded like sRGB, so the sample value is taken as is.
   */
  private static RgbImage fromGray(Raster raster, boolean alpha) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bits = raster.getSampleModel().getSampleSize(0);
    int max = (1 << bits) - 1;
    int alphaMax = alpha ? (1 << raster.getSampleModel().getSampleSize(1)) - 1 : 1;
    int[] out = new int[w * h];
    int[] grey = new int[w];
    int[] opacity = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(0, y, w, 1, 0, grey);
      if (alpha) {
        raster.getSamples(0, y, w, 1, 1, opacity);
      }
      for (int x = 0; x < w; x++) {
        int v = (grey[x] * 255 + max / 2) / max;
        int a = alpha ? (opacity[x] * 255 + alphaMax / 2) / alphaMax : 255;
        out[y * w + x] = overBackground(a, v, v, v);
      }
    }
    return new RgbImage(w, h, out);
  }

  private static int overBackground(int a, int r, int g, int b) {
    if (a == 255) {
      return (r << 16) | (g << 8) | b;
    }
    int br = (BACKGROUND >> 16) & 0xFF;
    int bg = (BACKGROUND >> 8) & 0xFF;
    int bb = BACKGROUND & 0xFF;
    r = (r * a + br * (255 - a) + 127) / 255;
    g = (g * a + bg * (255 - a) + 127) / 255;
    b = (b * a + bb * (255 - a) + 127) / 255;
    return (r << 16) | (g << 8) | b;
  }
}
