package io.stillmotion.render;

/**
 * What decoding an image really allocates, per format and variant, as measured on the decoders we
 * ship (JDK PNG/GIF/JPEG, TwelveMonkeys JPEG/WebP/BMP): a part that no reduction of the output
 * avoids ({@code fixedBytes}: progressive JPEG keeps every DCT coefficient of the full image until
 * its last scan, lossless WebP decodes the full frame as ARGB ints before subsampling, lossy WebP
 * keeps per-macroblock state, PNG/GIF/BMP only rows) plus the output raster
 * ({@code bytesPerOutputPixel}, after source subsampling). The measurements behind these numbers
 * are in the README ("What is checked on upload"); {@code ImageGuardTest} decodes near-limit images
 * in a 96 MB JVM that exits on OutOfMemoryError.
 */
public record DecodeCost(String variant, long fixedBytes, int bytesPerOutputPixel) {

  /** Bytes for an output of {@code outputPixels}, plus {@code extraPerPixel} of the caller's own per pixel. */
  public long bytes(long outputPixels, int extraPerPixel) {
    return fixedBytes + outputPixels * (bytesPerOutputPixel + extraPerPixel);
  }

  static DecodeCost of(ImageFormat format, byte[] bytes, PngChunks.Sanitized png, int width, int height) {
    long pixels = (long) width * height;
    return switch (format) {
      case JPEG -> jpeg(bytes, width, height);
      case PNG -> png(png, width);
      case GIF -> new DecodeCost("gif", 64 * 1024 + 4L * width, 2);
      case BMP -> bmp(bytes, width, pixels);
      case WEBP -> webp(bytes, pixels);
    };
  }

  private static DecodeCost jpeg(byte[] b, int width, int height) {
    Sof sof = Sof.find(b);
    if (sof == null) {
      return new DecodeCost("jpeg", 4L * width * 16, 4);
    }
    int perPixel = sof.components >= 4 ? 8 : sof.components == 1 ? 2 : 4;
    long rows = 2L * width * sof.components * 16 * sof.maxV;
    long fixed = switch (sof.type) {
      // progressive and arithmetic-coded multi-scan: one 16-bit coefficient per sample, full image
      case 0xC2, 0xC6, 0xCA, 0xCE -> sof.coefficientBytes(width, height);
      // lossless JPEG (TwelveMonkeys' own decoder) keeps all samples as ints
      case 0xC3, 0xC7, 0xCB, 0xCF -> 4L * width * height * sof.components;
      default -> rows;
    };
    String variant = switch (sof.type) {
      case 0xC2, 0xC6, 0xCA, 0xCE -> "progressive jpeg";
      case 0xC3, 0xC7, 0xCB, 0xCF -> "lossless jpeg";
      default -> "baseline jpeg";
    } + ", " + sof.components + " components";
    return new DecodeCost(variant, fixed + 256 * 1024, perPixel);
  }

  private static DecodeCost png(PngChunks.Sanitized png, int width) {
    int channels = switch (png.colorType()) {
      case 0, 3 -> 1;
      case 4 -> 2;
      case 6 -> 4;
      default -> 3;
    };
    int sampleBytes = png.bitDepth() == 16 ? 2 : 1;
    long rowBytes = (long) width * channels * sampleBytes + 1;
    return new DecodeCost(png.colorType() == 3 ? "palette png" : "png", 4 * rowBytes + 256 * 1024,
        png.colorType() == 3 ? 2 : channels * sampleBytes + 1);
  }

  private static DecodeCost bmp(byte[] b, int width, long pixels) {
    int compression = b.length >= 34 ? readLe(b, 30, 4) : 0;
    // run-length encoded BMPs are expanded whole before they are read
    long fixed = compression == 1 || compression == 2 ? pixels : 8L * width;
    return new DecodeCost("bmp", fixed + 64 * 1024, 5);
  }

  private static DecodeCost webp(byte[] b, long pixels) {
    boolean lossless = false;
    boolean alpha = false;
    for (int at = 12; at + 8 <= b.length; ) {
      String fourcc = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = readLe(b, at + 4, 4) & 0xFFFFFFFFL;
      if (fourcc.equals("ANMF")) {
        // An animation: its first frame is decoded (as lossless at worst) and drawn on a canvas of ARGB ints.
        return new DecodeCost("animated webp", 9 * pixels + 1024 * 1024, 5);
      }
      if (fourcc.equals("VP8L")) {
        lossless = true;
        break;
      }
      if (fourcc.equals("ALPH")) {
        alpha = true;
      }
      if (fourcc.equals("VP8 ")) {
        break;
      }
      at += 8 + size + (size & 1);
    }
    if (lossless) {
      // the whole frame as ARGB ints, plus the transforms' scratch
      return new DecodeCost("lossless webp", 5 * pixels + 256 * 1024, 5);
    }
    // per-macroblock modes and state, and (with alpha) the alpha plane decoded whole
    long fixed = pixels / 2 + (alpha ? 5 * pixels : 0);
    return new DecodeCost(alpha ? "lossy webp with alpha" : "lossy webp", fixed + 1024 * 1024, 5);
  }

  static int readLe(byte[] b, int at, int n) {
    int v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  /** A JPEG's start-of-frame segment: coding type and the components' sampling factors. */
  private record Sof(int type, int components, int[] h, int[] v, int maxH, int maxV) {

    static Sof find(byte[] b) {
      int at = 2;
      while (at + 4 <= b.length) {
        if ((b[at] & 0xFF) != 0xFF) {
          return null;
        }
        int marker = b[at + 1] & 0xFF;
        if (marker == 0xFF) {
          at++;
          continue;
        }
        int length = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
        boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
          return parse(b, at + 4, marker);
        }
        if (marker == 0xDA || marker == 0xD9) {
          return null;
        }
        at += 2 + length;
      }
      return null;
    }

    private static Sof parse(byte[] b, int p, int marker) {
      if (p + 6 > b.length) {
        return null;
      }
      int n = b[p + 5] & 0xFF;
      if (n == 0 || p + 6 + 3 * n > b.length) {
        return null;
      }
      int[] h = new int[n];
      int[] v = new int[n];
      int maxH = 1;
      int maxV = 1;
      for (int i = 0; i < n; i++) {
        int hv = b[p + 6 + 3 * i + 1] & 0xFF;
        h[i] = Math.max(1, hv >> 4);
        v[i] = Math.max(1, hv & 0x0F);
        maxH = Math.max(maxH, h[i]);
        maxV = Math.max(maxV, v[i]);
      }
      return new Sof(marker, n, h, v, maxH, maxV);
    }

    /** 64 coefficients of 2 bytes per 8x8 block of each component, over the whole image. */
    long coefficientBytes(int width, int height) {
      long total = 0;
      for (int i = 0; i < components; i++) {
        long cw = (long) Math.ceil((double) width * h[i] / maxH);
        long ch = (long) Math.ceil((double) height * v[i] / maxV);
        // libjpeg pads each component to whole MCUs
        long blocksW = (cw + 8L * h[i] - 1) / (8L * h[i]) * h[i];
        long blocksH = (ch + 8L * v[i] - 1) / (8L * v[i]) * v[i];
        total += blocksW * blocksH * 128;
      }
      return total;
    }
  }
}
