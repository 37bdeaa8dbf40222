package io.stillmotion.render;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Hostile and near-limit images, made in code (small bytes, big demands): PNGs whose zTXt or iCCP
 * chunk unpacks to a gigabyte, and WebPs far larger decoded than stored. Shared with the gateway's
 * and the chaos tests through the engine's test jar.
 */
public final class HostileImages {

  private HostileImages() {
  }

  /** A 64x64 PNG (RGB, or palette) with a zTXt chunk of about {@code mib}/1000 MB unpacking to {@code mib} MiB. */
  public static byte[] pngWithTextBomb(int mib, boolean palette) throws IOException {
    byte[] png = palette ? palettePng(64, 64) : TestMedia.encode(TestMedia.patches(64, 64, 0xFF8000, 0x0080FF), "png");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write("Comment".getBytes(StandardCharsets.ISO_8859_1));
    data.write(0);
    data.write(0);
    data.write(deflatedZeros((long) mib << 20));
    return insertAfterIhdr(png, "zTXt", data.toByteArray());
  }

  /** A 64x64 PNG whose iCCP colour profile unpacks to {@code mib} MiB. */
  public static byte[] pngWithProfileBomb(int mib) throws IOException {
    byte[] png = TestMedia.encode(TestMedia.patches(64, 64, 0x336699), "png");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write("bomb".getBytes(StandardCharsets.ISO_8859_1));
    data.write(0);
    data.write(0);
    data.write(deflatedZeros((long) mib << 20));
    return insertAfterIhdr(png, "iCCP", data.toByteArray());
  }

  /** A PNG with the metadata cameras and editors really write: tEXt, a small zTXt and an iTXt. */
  public static byte[] pngWithOrdinaryMetadata() throws IOException {
    byte[] png = TestMedia.encode(TestMedia.patches(64, 64, 0xFF8000, 0x0080FF), "png");
    png = insertAfterIhdr(png, "tEXt", "Software\0Stillmotion test".getBytes(StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    z.write("Comment\0\0".getBytes(StandardCharsets.ISO_8859_1));
    z.write(deflate("a caption ".repeat(2000).getBytes(StandardCharsets.ISO_8859_1)));
    png = insertAfterIhdr(png, "zTXt", z.toByteArray());
    byte[] xmp = ("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>" + "<rdf:li>tag</rdf:li>".repeat(500) + "</x:xmpmeta>")
        .getBytes(StandardCharsets.UTF_8);
    return insertAfterIhdr(png, "iTXt", xmp);
  }

  private static byte[] palettePng(int w, int h) throws IOException {
    byte[] r = {(byte) 255, 0};
    byte[] g = {0, (byte) 128};
    byte[] b = {0, (byte) 255};
    BufferedImage indexed = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
    for (int y = 0; y < h; y++) {
      for (int x = w / 2; x < w; x++) {
        indexed.getRaster().setSample(x, y, 0, 1);
      }
    }
    return TestMedia.encode(indexed, "png");
  }

  /** A progressive JPEG of a smooth picture (it stays a few hundred KB however large it is). */
  public static byte[] progressiveJpeg(int w, int h) throws IOException {
    BufferedImage img = TestMedia.patches(w, h, 0x808080, 0x806040);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * A lossy WebP of {@code w} x {@code h} (each at most 16383) of flat grey: every macroblock is
   * DC-predicted and skipped, so it is a few bytes per macroblock however large it decodes.
   */
  public static byte[] lossyWebp(int w, int h) {
    Vp8BoolEncoder header = new Vp8BoolEncoder();
    header.literal(0, 2); // colour space, clamping
    header.literal(0, 1); // no segmentation
    header.literal(0, 1 + 6 + 3); // filter type, level 0, sharpness
    header.literal(0, 1); // no loop filter deltas
    header.literal(0, 2); // one token partition
    header.literal(10, 7); // y_ac_qi
    header.literal(0, 5); // no quantiser deltas
    header.literal(0, 1); // refresh_entropy_probs
    int[][][][] updateProbs = coefficientUpdateProbs();
    for (int[][][] a : updateProbs) {
      for (int[][] b : a) {
        for (int[] c : b) {
          for (int p : c) {
            header.bool(p, false);
          }
        }
      }
    }
    header.literal(1, 1); // mb_no_coeff_skip
    header.literal(1, 8); // prob_skip_false: skipping is nearly free
    int macroblocks = ((w + 15) / 16) * ((h + 15) / 16);
    for (int i = 0; i < macroblocks; i++) {
      header.bool(1, true); // skip
      header.bool(145, true); // not B_PRED
      header.bool(156, false);
      header.bool(163, false); // DC_PRED
      header.bool(142, false); // chroma DC_PRED
    }
    byte[] first = header.finish();
    byte[] tokens = new byte[16];
    ByteBuffer frame = ByteBuffer.allocate(10 + first.length + tokens.length).order(ByteOrder.LITTLE_ENDIAN);
    int tag = (1 << 4) | (first.length << 5); // key frame, version 0, shown
    frame.put((byte) tag).put((byte) (tag >> 8)).put((byte) (tag >> 16));
    frame.put((byte) 0x9d).put((byte) 0x01).put((byte) 0x2a);
    frame.putShort((short) w).putShort((short) h);
    frame.put(first).put(tokens);
    return riff("VP8 ", frame.array());
  }

  /**
   * A lossless WebP of {@code w} x {@code h} where every prefix code has a single symbol: zero bits
   * per pixel, so a few dozen bytes decode to a full frame of ARGB ints.
   */
  public static byte[] losslessWebp(int w, int h) {
    LsbBitWriter bits = new LsbBitWriter();
    bits.write(0x2f, 8);
    bits.write(w - 1, 14);
    bits.write(h - 1, 14);
    bits.write(0, 1); // no alpha
    bits.write(0, 3); // version
    bits.write(0, 1); // no transform
    bits.write(0, 1); // no colour cache
    bits.write(0, 1); // no meta prefix codes
    for (int code = 0; code < 5; code++) {
      bits.write(1, 1); // simple code
      bits.write(0, 1); // one symbol
      bits.write(0, 1); // of one bit
      bits.write(0, 1); // symbol 0
    }
    // the reader fetches 64 bits at a time: pad so the last fetch stays inside the chunk
    return riff("VP8L", java.util.Arrays.copyOf(bits.bytes(), 32));
  }

  /**
   * An animated WebP as phones and messengers write them: VP8X (animation), ANIM, then {@code frames} ANMF
   * chunks of the whole canvas, each holding {@link #losslessWebp}'s image.
   */
  public static byte[] animatedWebp(int w, int h, int frames) {
    byte[] still = losslessWebp(w, h);
    byte[] image = java.util.Arrays.copyOfRange(still, 12, still.length); // its VP8L chunk, header included
    ByteBuffer body = ByteBuffer.allocate(4 + 18 + 14 + frames * (8 + 16 + image.length)).order(ByteOrder.LITTLE_ENDIAN);
    body.put("WEBP".getBytes(StandardCharsets.US_ASCII));
    body.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).put((byte) 0x02).put(new byte[3]);
    putUint24(body, w - 1);
    putUint24(body, h - 1);
    body.put("ANIM".getBytes(StandardCharsets.US_ASCII)).putInt(6).putInt(0xFFFFFFFF).putShort((short) 0);
    for (int i = 0; i < frames; i++) {
      body.put("ANMF".getBytes(StandardCharsets.US_ASCII)).putInt(16 + image.length);
      putUint24(body, 0);
      putUint24(body, 0);
      putUint24(body, w - 1);
      putUint24(body, h - 1);
      putUint24(body, 100);
      body.put((byte) 0);
      body.put(image);
    }
    ByteBuffer riff = ByteBuffer.allocate(8 + body.position()).order(ByteOrder.LITTLE_ENDIAN);
    riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.position()).put(body.array(), 0, body.position());
    return riff.array();
  }

  private static void putUint24(ByteBuffer buffer, int value) {
    buffer.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
  }

  private static byte[] riff(String fourcc, byte[] payload) {
    int padded = payload.length + (payload.length & 1);
    ByteBuffer riff = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN);
    riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + padded)
        .put("WEBP".getBytes(StandardCharsets.US_ASCII))
        .put(fourcc.getBytes(StandardCharsets.US_ASCII)).putInt(payload.length).put(payload);
    return riff.array();
  }

  private static int[][][][] coefficientUpdateProbs() {
    try {
      Class<?> globals = Class.forName("com.twelvemonkeys.imageio.plugins.webp.vp8.Globals");
      java.lang.reflect.Field field = globals.getDeclaredField("vp8CoefUpdateProbs");
      field.setAccessible(true);
      return (int[][][][]) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the VP8 coefficient update probabilities (RFC 6386, 13.4)", e);
    }
  }

  static byte[] insertAfterIhdr(byte[] png, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    int afterIhdr = 8 + 8 + 13 + 4;
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + data.length + 12);
    out.write(png, 0, afterIhdr);
    out.write(ByteBuffer.allocate(8).putInt(data.length).put(name).array());
    out.write(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    out.write(png, afterIhdr, png.length - afterIhdr);
    return out.toByteArray();
  }

  private static byte[] deflatedZeros(long bytes) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    byte[] zeros = new byte[1 << 20];
    byte[] buffer = new byte[64 * 1024];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long left = bytes; left > 0; left -= zeros.length) {
      deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
      while (!deflater.needsInput()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater();
    deflater.setInput(data);
    deflater.finish();
    byte[] buffer = new byte[data.length + 64];
    int n = deflater.deflate(buffer);
    deflater.end();
    return java.util.Arrays.copyOf(buffer, n);
  }

  /** RFC 6386's boolean entropy encoder (section 7.3). */
  private static final class Vp8BoolEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] buf = new byte[1024];
    private int size;
    private int range = 255;
    private long bottom;
    private int bitCount = 24;

    void bool(int prob, boolean value) {
      int split = 1 + (((range - 1) * prob) >> 8);
      if (value) {
        bottom += split;
        range -= split;
      } else {
        range = split;
      }
      while (range < 128) {
        range <<= 1;
        if ((bottom & (1L << 31)) != 0) {
          carry();
        }
        bottom = (bottom << 1) & 0xFFFFFFFFL;
        if (--bitCount == 0) {
          put((int) (bottom >>> 24));
          bottom &= (1 << 24) - 1;
          bitCount = 8;
        }
      }
    }

    void literal(int value, int bits) {
      for (int b = bits - 1; b >= 0; b--) {
        bool(128, ((value >> b) & 1) != 0);
      }
    }

    byte[] finish() {
      int c = bitCount;
      long v = bottom;
      if ((v & (1L << (32 - c))) != 0) {
        carry();
      }
      v = (v << (c & 7)) & 0xFFFFFFFFL;
      for (c >>= 3; --c >= 0; ) {
        v = (v << 8) & 0xFFFFFFFFL;
      }
      for (c = 4; --c >= 0; ) {
        put((int) (v >>> 24));
        v = (v << 8) & 0xFFFFFFFFL;
      }
      return java.util.Arrays.copyOf(buf, size);
    }

    private void carry() {
      int q = size;
      while (buf[--q] == (byte) 255) {
        buf[q] = 0;
      }
      buf[q]++;
    }

    private void put(int b) {
      if (size == buf.length) {
        buf = java.util.Arrays.copyOf(buf, size * 2);
      }
      buf[size++] = (byte) b;
    }
  }

  /** VP8L's bit order: least significant bit first. */
  private static final class LsbBitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int used;

    void write(int value, int bits) {
      for (int i = 0; i < bits; i++) {
        current |= ((value >> i) & 1) << used;
        if (++used == 8) {
          out.write(current);
          current = 0;
          used = 0;
        }
      }
    }

    byte[] bytes() {
      if (used > 0) {
        out.write(current);
        current = 0;
        used = 0;
      }
      return out.toByteArray();
    }
  }
}
