package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {

  /** 64x32, left half red, right half blue, a green 8x8 mark in the top-left corner. */
  private static BufferedImage marked() {
    BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 32, 32);
    g.setColor(Color.BLUE);
    g.fillRect(32, 0, 32, 32);
    g.setColor(Color.GREEN);
    g.fillRect(0, 0, 8, 8);
    g.dispose();
    return img;
  }

  private static boolean near(int rgb, int expected, int tolerance) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xFF) - ((expected >> shift) & 0xFF)) > tolerance) {
        return false;
      }
    }
    return true;
  }

  @Test
  @DisplayName("a JPEG with EXIF orientation 6 (phone held upright) comes out rotated upright")
  void exifOrientationSixIsApplied() throws Exception {
    byte[] jpeg = TestMedia.withExifOrientation(TestMedia.jpeg(marked(), 0.95f), 6);
    assertThat(ExifOrientation.of(jpeg)).isEqualTo(6);
    RgbImage img = ImageDecoder.decode(jpeg);
    assertThat(img.width()).isEqualTo(32);
    assertThat(img.height()).isEqualTo(64);
    // Rotated 90 degrees clockwise: the left half (red) is now the top, the mark top right.
    assertThat(near(img.rgb(4, 20), 0xFF0000, 40)).isTrue();
    assertThat(near(img.rgb(16, 50), 0x0000FF, 40)).isTrue();
    assertThat(near(img.rgb(28, 3), 0x00FF00, 60)).isTrue();
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  @DisplayName("each EXIF orientation puts the top-left mark where a viewer would show it")
  void everyOrientation(int orientation) {
    int[] px = new int[4 * 2];
    px[0] = 0xFFFFFF;
    RgbImage upright = ExifOrientation.apply(new RgbImage(4, 2, px), orientation);
    int[][] expectedCorner = {null, {0, 0}, {3, 0}, {3, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 3}, {0, 3}};
    assertThat(upright.width()).isEqualTo(orientation >= 5 ? 2 : 4);
    int[] at = expectedCorner[orientation];
    assertThat(upright.rgb(at[0], at[1])).isEqualTo(0xFFFFFF);
  }

  @Test
  @DisplayName("transparent PNG pixels are composited on neutral grey, half-transparent ones blended")
  void pngAlphaOnNeutralBackground() throws Exception {
    BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0x00FF0000);
    img.setRGB(1, 0, 0xFFFF0000);
    img.setRGB(2, 0, 0x80FFFFFF);
    RgbImage out = ImageDecoder.decode(TestMedia.encode(img, "png"));
    assertThat(out.rgb(0, 0)).isEqualTo(ImageDecoder.BACKGROUND);
    assertThat(out.rgb(1, 0)).isEqualTo(0xFF0000);
    assertThat(near(out.rgb(2, 0), 0xC0C0C0, 2)).isTrue();
  }

  @Test
  @DisplayName("a JPEG with an embedded colour profile is converted to sRGB")
  void iccProfileConvertedToSrgb() throws Exception {
    // The same samples mean a much brighter colour in linear RGB than in sRGB.
    BufferedImage img = TestMedia.patches(32, 32, 0x333333);
    byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    byte[] tagged = TestMedia.withIccProfile(TestMedia.jpeg(img, 0.95f), profile);
    RgbImage plain = ImageDecoder.decode(TestMedia.jpeg(img, 0.95f));
    RgbImage converted = ImageDecoder.decode(tagged);
    assertThat(plain.rgb(16, 16) & 0xFF).isBetween(0x30, 0x36);
    // linear 0.2 is sRGB 0.48
    assertThat(converted.rgb(16, 16) & 0xFF).isBetween(115, 132);
  }

  @Test
  @DisplayName("a JPEG tagged with a camera's sRGB profile decodes to exactly the pixels of the untagged file")
  void cameraSrgbProfileIsTakenAsSrgb() throws Exception {
    java.util.Optional<Path> photo = TestMedia.sharedPhoto("path-2560x1600.jpg");
    Assumptions.assumeTrue(photo.isPresent(), "the shared test photos are not beside the repository");
    byte[] profile = JpegSegments.iccProfile(Files.readAllBytes(photo.get()));
    // Colours this profile would move by one level if it were applied (saturated greens with little red).
    byte[] plain = TestMedia.jpeg(TestMedia.patches(64, 64, 0x04E0D3, 0x0AD15C, 0x03E329, 0x08D95F, 0x09FEF6,
        0x0DD223), 1.0f);
    byte[] tagged = TestMedia.withIccProfile(plain, profile);

    int[] want = ImageDecoder.decode(plain).pixels();
    int[] got = ImageDecoder.decode(tagged).pixels();
    long differing = java.util.stream.IntStream.range(0, want.length).filter(i -> want[i] != got[i]).count();
    assertThat(differing).as("pixels that differ from the untagged file's").isZero();
  }

  @Test
  @DisplayName("a PNG with an embedded colour profile (iCCP) is converted to sRGB")
  void pngIccProfileConvertedToSrgb() throws Exception {
    BufferedImage img = TestMedia.patches(32, 32, 0x333333);
    byte[] png = TestMedia.encode(img, "png");
    byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
    RgbImage plain = ImageDecoder.decode(png);
    RgbImage converted = ImageDecoder.decode(withIccpChunk(png, profile));
    assertThat(plain.rgb(16, 16) & 0xFF).isEqualTo(0x33);
    // linear 0.2 is sRGB 0.48
    assertThat(converted.rgb(16, 16) & 0xFF).isBetween(115, 132);
  }

  /** Inserts an iCCP chunk (name, compression 0, deflated profile) right after IHDR. */
  private static byte[] withIccpChunk(byte[] png, byte[] profile) throws Exception {
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    data.write("test".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    data.write(0);
    data.write(0);
    try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(data)) {
      z.write(profile);
    }
    byte[] body = data.toByteArray();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("iCCP".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    crc.update(body);
    java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + body.length);
    chunk.putInt(body.length).put("iCCP".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).put(body)
        .putInt((int) crc.getValue());
    int afterIhdr = 8 + 8 + 13 + 4;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(png, 0, afterIhdr);
    out.write(chunk.array());
    out.write(png, afterIhdr, png.length - afterIhdr);
    return out.toByteArray();
  }

  @Test
  @DisplayName("a 16-bit grey PNG keeps its grey levels (no linear-grey brightening)")
  void sixteenBitGrey() throws Exception {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster raster = img.getRaster();
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        raster.setSample(x, y, 0, 0x4040);
      }
    }
    RgbImage out = ImageDecoder.decode(TestMedia.encode(img, "png"));
    assertThat(out.rgb(3, 3)).isEqualTo(0x404040);
  }

  @Test
  @DisplayName("an 8-bit grey JPEG keeps its grey levels")
  void greyJpeg() throws Exception {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(100, 100, 100));
    g.fillRect(0, 0, 16, 16);
    g.dispose();
    RgbImage out = ImageDecoder.decode(TestMedia.jpeg(img, 0.95f));
    assertThat(near(out.rgb(8, 8), 0x646464, 2)).isTrue();
  }

  @Test
  @DisplayName("palette PNG, GIF (first frame) and BMP decode to the same colours")
  void paletteGifBmp() throws Exception {
    byte[] r = {(byte) 255, 0};
    byte[] g = {0, 0};
    byte[] b = {0, (byte) 255};
    BufferedImage indexed = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(1, 2, r, g, b));
    indexed.getRaster().setSample(5, 5, 0, 1);
    for (String format : List.of("png", "gif", "bmp")) {
      RgbImage out = ImageDecoder.decode(TestMedia.encode(format.equals("bmp") ? toRgb(indexed) : indexed, format));
      assertThat(out.rgb(0, 0)).as(format).isEqualTo(0xFF0000);
      assertThat(out.rgb(5, 5)).as(format).isEqualTo(0x0000FF);
    }
  }

  private static BufferedImage toRgb(BufferedImage img) {
    BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    out.createGraphics().drawImage(img, 0, 0, null);
    return out;
  }

  @Test
  @DisplayName("a progressive JPEG decodes")
  void progressiveJpeg() throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(TestMedia.patches(120, 80, 0xFF0000, 0x00FF00), null, null), param);
    } finally {
      writer.dispose();
    }
    RgbImage out = ImageDecoder.decode(bytes.toByteArray());
    assertThat(out.width()).isEqualTo(120);
    assertThat(out.height()).isEqualTo(80);
    assertThat(near(out.rgb(20, 40), 0xFF0000, 12)).isTrue();
    assertThat(near(out.rgb(100, 40), 0x00FF00, 12)).isTrue();
  }

  @Test
  @DisplayName("a four-channel (CMYK) JPEG decodes to an RGB image of the same size")
  void cmykJpeg() throws Exception {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 40, 20, 4, null);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 40; x++) {
        raster.setPixel(x, y, new int[] {200, 30, 30, 10});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    RgbImage out = ImageDecoder.decode(bytes.toByteArray());
    assertThat(out.width()).isEqualTo(40);
    assertThat(out.height()).isEqualTo(20);
  }

  @Test
  @DisplayName("a WebP decodes")
  void webp(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(TestMedia.ffmpegAvailable(), "ffmpeg makes the WebP");
    Path png = dir.resolve("in.png");
    Files.write(png, TestMedia.encode(TestMedia.patches(64, 32, 0xFF0000, 0x0000FF), "png"));
    Path webp = dir.resolve("out.webp");
    Assumptions.assumeTrue(run(TestMedia.FFMPEG.toString(), "-v", "error", "-i", png.toString(), "-lossless", "1",
        webp.toString()) == 0, "this ffmpeg writes WebP");
    RgbImage out = ImageDecoder.decode(Files.readAllBytes(webp));
    assertThat(out.width()).isEqualTo(64);
    assertThat(near(out.rgb(5, 5), 0xFF0000, 8)).isTrue();
    assertThat(near(out.rgb(60, 5), 0x0000FF, 8)).isTrue();
  }

  private static int run(String... command) throws Exception {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start().waitFor();
  }

  @Test
  @DisplayName("bytes that are no image give a permanent error")
  void undecodableIsPermanent() {
    assertThatThrownBy(() -> ImageDecoder.decode("this is not an image".getBytes()))
        .isInstanceOf(RenderException.class)
        .matches(e -> ((RenderException) e).isPermanent());
    byte[] truncated = java.util.Arrays.copyOf(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, 3);
    assertThatThrownBy(() -> ImageDecoder.decode(truncated))
        .isInstanceOf(RenderException.class)
        .matches(e -> ((RenderException) e).isPermanent());
  }

  @Test
  @DisplayName("huge images are area-averaged down and tiny ones enlarged smoothly")
  void resampling() {
    int[] px = new int[400 * 400];
    for (int y = 0; y < 400; y++) {
      for (int x = 0; x < 400; x++) {
        px[y * 400 + x] = ((x / 2 + y / 2) & 1) == 0 ? 0xFFFFFF : 0x000000;
      }
    }
    RgbImage small = Resampler.resize(new RgbImage(400, 400, px), 100, 100);
    for (int i = 0; i < small.pixels().length; i++) {
      assertThat(near(small.pixels()[i], 0x808080, 1)).isTrue();
    }
    RgbImage tiny = new RgbImage(2, 1, new int[] {0x000000, 0xFFFFFF});
    RgbImage big = Resampler.resize(tiny, 64, 32);
    int previous = -1;
    for (int x = 0; x < 64; x++) {
      int v = big.rgb(x, 16) & 0xFF;
      assertThat(v).isGreaterThanOrEqualTo(previous);
      previous = v;
    }
  }
}
