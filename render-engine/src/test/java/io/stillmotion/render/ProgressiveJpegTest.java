package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class ProgressiveJpegTest {

  /** Progressive JPEG by the JDK's writer; {@code h}x{@code v}: the luma's sampling factors (chroma 1x1). */
  static byte[] progressive(BufferedImage img, float quality, int h, int v) throws IOException {
    ImageWriter writer = jdkJpegWriter();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
    String format = "javax_imageio_jpeg_image_1.0";
    Node tree = meta.getAsTree(format);
    NodeList specs = ((Element) tree).getElementsByTagName("componentSpec");
    for (int i = 0; i < specs.getLength(); i++) {
      Element spec = (Element) specs.item(i);
      spec.setAttribute("HsamplingFactor", String.valueOf(i == 0 ? h : 1));
      spec.setAttribute("VsamplingFactor", String.valueOf(i == 0 ? v : 1));
    }
    meta.setFromTree(format, tree);
    return written(writer, img, meta, param);
  }

  private static ImageWriter jdkJpegWriter() {
    var writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter first = null;
    while (writers.hasNext()) {
      ImageWriter w = writers.next();
      if (w.getClass().getName().startsWith("com.sun.")) {
        return w;
      }
      first = first == null ? w : first;
    }
    return first;
  }

  static BufferedImage grey(BufferedImage rgb) {
    BufferedImage g = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < rgb.getHeight(); y++) {
      for (int x = 0; x < rgb.getWidth(); x++) {
        int p = rgb.getRGB(x, y);
        g.getRaster().setSample(x, y, 0, (((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF)) / 3);
      }
    }
    return g;
  }

  /** Max and mean absolute difference per channel between two images of equal size. */
  record Diff(int max, double mean) {
  }

  static Diff diff(RgbImage a, RgbImage b) {
    assertThat(a.width()).isEqualTo(b.width());
    assertThat(a.height()).isEqualTo(b.height());
    int max = 0;
    long sum = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int d = Math.abs(((a.pixels()[i] >> shift) & 0xFF) - ((b.pixels()[i] >> shift) & 0xFF));
        max = Math.max(max, d);
        sum += d;
      }
    }
    return new Diff(max, sum / (3.0 * a.pixels().length));
  }

  static ImageDecoder.Traced ours(byte[] jpeg) throws RenderException {
    return ImageDecoder.decodeTraced(jpeg, ImageDecoder.DEFAULT_GUARD, RowBands.SERIAL, true);
  }

  static RgbImage imageIo(byte[] jpeg) throws RenderException {
    ImageDecoder.Traced t = ImageDecoder.decodeTraced(jpeg, ImageDecoder.DEFAULT_GUARD, RowBands.SERIAL, false);
    assertThat(t.ownJpegDecoder()).isFalse();
    return t.image();
  }

  private static void assertSameAsImageIo(byte[] jpeg, String what) throws RenderException {
    ImageDecoder.Traced own = ours(jpeg);
    assertThat(own.ownJpegDecoder()).as("own decoder used for " + what).isTrue();
    Diff d = diff(own.image(), imageIo(jpeg));
    System.out.printf("%s: max %d mean %.5f%n", what, d.max(), d.mean());
    assertThat(d.max()).as("max difference to ImageIO for " + what).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2x2", "2x1", "1x1", "grey"})
  @DisplayName("synthetic progressive JPEGs of odd and even sizes decode to ImageIO's pixels exactly")
  void syntheticMatchImageIo(String sampling) throws Exception {
    int[][] sizes = {{17, 9}, {16, 16}, {33, 47}, {64, 32}, {101, 77}, {1001, 777}};
    long seed = 1;
    for (int[] size : sizes) {
      BufferedImage img = TestMedia.photoLike(size[0], size[1], seed++);
      byte[] jpeg = sampling.equals("grey") ? progressive(grey(img), 0.9f, 1, 1)
          : progressive(img, 0.85f, sampling.charAt(0) - '0', sampling.charAt(2) - '0');
      assertSameAsImageIo(jpeg, sampling + " " + size[0] + "x" + size[1]);
    }
  }

  @Test
  @DisplayName("extreme qualities (every coefficient, and the coarsest tables) decode to ImageIO's pixels")
  void qualitiesMatchImageIo() throws Exception {
    BufferedImage img = TestMedia.photoLike(203, 131, 7);
    for (float q : new float[] {0.05f, 0.5f, 1.0f}) {
      assertSameAsImageIo(progressive(img, q, 2, 2), "quality " + q);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"colorful-cups-2560x1600.jpg", "autumn-2560x1600.jpg"})
  @DisplayName("the shared progressive photos decode to ImageIO's pixels, through our decoder")
  void photosMatchImageIo(String name) throws Exception {
    Path photo = TestMedia.sharedPhoto(name).orElse(null);
    Assumptions.assumeTrue(photo != null, "shared photo " + name + " not available");
    assertSameAsImageIo(Files.readAllBytes(photo), name);
  }

  @Test
  @DisplayName("the row bands share the pixels between threads without changing one")
  void bandsGiveTheSamePixels() throws Exception {
    byte[] jpeg = progressive(TestMedia.photoLike(1001, 777, 3), 0.85f, 2, 2);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      RgbImage banded = ImageDecoder.decodeTraced(jpeg, ImageDecoder.DEFAULT_GUARD, new RowBands(pool, 3), true)
          .image();
      assertThat(diff(banded, ours(jpeg).image()).max()).isZero();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  @DisplayName("4:4:0 (chroma halved vertically only) stays on ImageIO's path: JDK builds upsample it differently")
  void chromaHalvedVerticallyStaysOnImageIo() throws Exception {
    byte[] jpeg = progressive(TestMedia.photoLike(40, 24, 4), 0.85f, 1, 2);
    assertThat(ours(jpeg).ownJpegDecoder()).isFalse();
  }

  @Test
  @DisplayName("a baseline JPEG stays on ImageIO's path")
  void baselineStaysOnImageIo() throws Exception {
    byte[] jpeg = TestMedia.jpeg(TestMedia.photoLike(64, 48, 2), 0.9f);
    assertThat(ours(jpeg).ownJpegDecoder()).isFalse();
  }

  @Test
  @DisplayName("without the JFIF marker (component ids 1, 2, 3 say YCbCr) the pixels are still ImageIO's")
  void withoutJfifMarker() throws Exception {
    byte[] jpeg = progressive(TestMedia.photoLike(120, 80, 5), 0.8f, 2, 2);
    assertThat(jpeg[3] & 0xFF).isEqualTo(0xE0);
    int len = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
    byte[] stripped = new byte[jpeg.length - 2 - len];
    stripped[0] = jpeg[0];
    stripped[1] = jpeg[1];
    System.arraycopy(jpeg, 4 + len, stripped, 2, jpeg.length - 4 - len);
    assertSameAsImageIo(stripped, "no JFIF");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 17})
  @DisplayName("restart intervals (DRI, RSTn in every scan) decode to ImageIO's pixels")
  void restartIntervals(int interval) throws Exception {
    byte[] plain = progressive(TestMedia.photoLike(301, 203, 9), 0.85f, 2, 2);
    byte[] jpeg = withRestartInterval(plain, interval);
    assertThat(countMarkers(jpeg, 0xDD)).isEqualTo(1);
    assertThat(countMarkers(jpeg, 0xD0)).isPositive();
    assertSameAsImageIo(jpeg, "restart interval " + interval);
  }

  private static int countMarkers(byte[] b, int marker) {
    int n = 0;
    for (int i = 0; i + 1 < b.length; i++) {
      n += (b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker ? 1 : 0;
    }
    return n;
  }

  /** Re-encodes with a DRI segment before the frame header; every scan's data then needs its RSTn markers. */
  private static byte[] withRestartInterval(byte[] jpeg, int interval) throws IOException {
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
    ImageWriter writer = jdkJpegWriter();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
    String format = "javax_imageio_jpeg_image_1.0";
    Element tree = (Element) meta.getAsTree(format);
    Element sequence = (Element) tree.getElementsByTagName("markerSequence").item(0);
    javax.imageio.metadata.IIOMetadataNode dri = new javax.imageio.metadata.IIOMetadataNode("dri");
    dri.setAttribute("interval", String.valueOf(interval));
    sequence.insertBefore(dri, sequence.getFirstChild());
    meta.setFromTree(format, tree);
    return written(writer, img, meta, param);
  }

  /** The image written by {@code writer} with that metadata and those parameters; the writer disposed. */
  private static byte[] written(ImageWriter writer, BufferedImage img, IIOMetadata meta, ImageWriteParam param)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, meta), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
