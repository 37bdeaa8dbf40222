package io.stillmotion.render.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stillmotion.render.TestMedia;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FaceDetectorTest {

  /** A picture as the detector takes it: grey, one byte per pixel. */
  record Grey(byte[] pixels, int width, int height) {
  }

  static Grey grey(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] g = new byte[w * h];
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      g[i] = (byte) ((77 * ((p >> 16) & 0xFF) + 150 * ((p >> 8) & 0xFF) + 29 * (p & 0xFF) + 128) >> 8);
    }
    return new Grey(g, w, h);
  }

  static BufferedImage portrait(String name) throws IOException {
    try (InputStream in = FaceDetectorTest.class.getResourceAsStream("/faces/" + name)) {
      return ImageIO.read(in);
    }
  }

  private static List<FaceDetector.Face> detect(BufferedImage img) {
    Grey g = grey(img);
    return FaceDetector.frontal().detect(g.pixels(), g.width(), g.height());
  }

  @Test
  @DisplayName("the shipped cascades are OpenCV's two LBP frontal-face cascades, read from our jar")
  void shippedCascades() {
    Cascade finder = FaceDetector.load(FaceDetector.FINDER);
    assertThat(finder.kind).isEqualTo(Cascade.Kind.LBP);
    assertThat(finder.windowWidth).isEqualTo(24);
    assertThat(finder.stages()).isEqualTo(20);
    Cascade verifier = FaceDetector.load(FaceDetector.VERIFIER);
    assertThat(verifier.kind).isEqualTo(Cascade.Kind.LBP);
    assertThat(verifier.windowWidth).isEqualTo(45);
    assertThat(verifier.stages()).isEqualTo(19);
  }

  /** Boxes drawn by hand around each face, eyebrows to chin: see {@code test/resources/faces/README.md}. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"astronaut-512.jpg, 175, 60, 270, 185", "grace-hopper-512x600.jpg, 165, 140, 365, 330"})
  @DisplayName("finds the one face of a real portrait where a person would draw it")
  void findsTheFaceOfAPortrait(String photo, int left, int top, int right, int bottom) throws IOException {
    List<FaceDetector.Face> faces = detect(portrait(photo));
    assertThat(faces).hasSize(1);
    FaceDetector.Face f = faces.get(0);
    System.out.printf("%s: face at (%.0f, %.0f) %.0fx%.0f, %d hits%n", photo, f.x(), f.y(), f.width(), f.height(),
        f.hits());
    assertThat(overlap(f, left, top, right, bottom)).as("intersection over union with the drawn box")
        .isGreaterThan(0.5);
  }

  private static double overlap(FaceDetector.Face f, double left, double top, double right, double bottom) {
    double w = Math.max(0, Math.min(f.x() + f.width(), right) - Math.max(f.x(), left));
    double h = Math.max(0, Math.min(f.y() + f.height(), bottom) - Math.max(f.y(), top));
    double inter = w * h;
    return inter / (f.width() * f.height() + (right - left) * (bottom - top) - inter);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"path-2560x1600.jpg", "autumn-2560x1600.jpg", "colorful-cups-2560x1600.jpg",
      "honeywave-1080x1920.jpg"})
  @DisplayName("finds no face in photos without people")
  void noFaceInLandscapes(String photo) throws IOException {
    Optional<Path> file = TestMedia.sharedPhoto(photo);
    Assumptions.assumeTrue(file.isPresent(), "the shared test photos are not beside the repository");
    assertThat(detect(ImageIO.read(file.get().toFile()))).isEmpty();
  }

  @Test
  @DisplayName("a lone hit or a pair is not a face; a cluster of hits is one face at their mean")
  void groupsHitsIntoFaces() {
    List<FaceDetector.Face> hits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hits.add(new FaceDetector.Face(100 + i, 50 - i, 40 + i, 40 + i, 1));
    }
    hits.add(new FaceDetector.Face(300, 300, 30, 30, 1));
    hits.add(new FaceDetector.Face(500, 20, 30, 30, 1));
    hits.add(new FaceDetector.Face(501, 21, 30, 30, 1));
    hits.add(new FaceDetector.Face(108, 56, 12, 12, 1));
    List<FaceDetector.Face> faces = Grouping.group(hits, 4);
    assertThat(faces).hasSize(1);
    FaceDetector.Face f = faces.get(0);
    assertThat(f.hits()).isEqualTo(5);
    assertThat(f.x()).isEqualTo(102);
    assertThat(f.y()).isEqualTo(48);
    assertThat(f.width()).isEqualTo(42);
  }

  @Test
  @DisplayName("LBP codes read the eight cells clockwise from the top left, most significant bit first")
  void lbpBitOrder() throws IOException {
    int[][] cellAndBit = {{0, 128}, {1, 64}, {2, 32}, {5, 16}, {8, 8}, {7, 4}, {6, 2}, {3, 1}};
    for (int[] cb : cellAndBit) {
      int[] cells = new int[9];
      cells[4] = 5;
      cells[cb[0]] = 9;
      assertThat(passes(cells, cb[1])).as("only cell %d at least as bright as the centre: code %d", cb[0], cb[1])
          .isTrue();
      assertThat(passes(cells, cb[1] == 1 ? 2 : 1)).isFalse();
    }
  }

  /** Whether a 3x3 picture with these cell values (row by row) passes a one-node LBP cascade whose set is {code}. */
  private static boolean passes(int[] cells, int code) throws IOException {
    int[] subset = new int[8];
    subset[code >> 5] = 1 << (code & 31);
    StringBuilder set = new StringBuilder();
    for (int v : subset) {
      set.append(' ').append(v);
    }
    Cascade c = read("<opencv_storage><cascade><stageType>BOOST</stageType><featureType>LBP</featureType>"
        + "<height>3</height><width>3</width><stages><_><stageThreshold>0</stageThreshold><weakClassifiers>"
        + "<_><internalNodes>0 -1 0" + set + "</internalNodes><leafValues>1 -1</leafValues></_>"
        + "</weakClassifiers></_></stages><features><_><rect>0 0 1 1</rect></_></features></cascade>"
        + "</opencv_storage>");
    byte[] grey = new byte[9];
    for (int i = 0; i < 9; i++) {
      grey[i] = (byte) cells[i];
    }
    return c.place(4).stagesPassed(Integral.of(grey, 3, 3), null, 0) == 1;
  }

  @Test
  @DisplayName("a file that is not a cascade we can evaluate is refused with the reason")
  void refusesWhatItCannotEvaluate() {
    assertThatThrownBy(() -> read("<opencv_storage><cascade><stageType>BOOST</stageType>"
        + "<featureType>HOG</featureType></cascade></opencv_storage>"))
        .isInstanceOf(IOException.class).hasMessageContaining("HOG");
    assertThatThrownBy(() -> read("<opencv_storage><haarcascade_frontalface/></opencv_storage>"))
        .isInstanceOf(IOException.class).hasMessageContaining("<cascade>");
    assertThatThrownBy(() -> read("not xml")).isInstanceOf(IOException.class);
    String tilted = "<opencv_storage><cascade><stageType>BOOST</stageType><featureType>HAAR</featureType>"
        + "<height>4</height><width>4</width><stages><_><stageThreshold>0</stageThreshold><weakClassifiers>"
        + "<_><internalNodes>0 -1 0 0.5</internalNodes><leafValues>1 -1</leafValues></_></weakClassifiers></_>"
        + "</stages><features><_><rects><_>0 0 2 2 -1.</_><_>1 1 1 1 2.</_></rects><tilted>1</tilted></_>"
        + "</features></cascade></opencv_storage>";
    assertThatThrownBy(() -> read(tilted)).isInstanceOf(IOException.class).hasMessageContaining("tilted");
  }

  private static Cascade read(String xml) throws IOException {
    return Cascade.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * One feature, top half minus bottom half, on a window whose top is brighter by {@code diff}:
   * divided by the inner window's area and standard deviation it is 2.25 whatever the contrast.
   */
  @Test
  @DisplayName("Haar features are compared after normalising the window's contrast: a faint and a strong edge agree")
  void haarNormalisesContrast() throws IOException {
    for (int diff : new int[] {4, 100}) {
      assertThat(haarPasses(2.2, diff)).as("edge of %d grey levels against 2.2", diff).isTrue();
      assertThat(haarPasses(2.3, diff)).as("edge of %d grey levels against 2.3", diff).isFalse();
      assertThat(haarPasses(-2.3, -diff)).as("bottom brighter by %d against -2.3", diff).isTrue();
      assertThat(haarPasses(-2.2, -diff)).as("bottom brighter by %d against -2.2", diff).isFalse();
    }
  }

  private static boolean haarPasses(double threshold, int diff) throws IOException {
    Cascade c = read("<opencv_storage><cascade><stageType>BOOST</stageType><featureType>HAAR</featureType>"
        + "<height>6</height><width>6</width><stages><_><stageThreshold>0</stageThreshold><weakClassifiers>"
        + "<_><internalNodes>0 -1 0 " + threshold + "</internalNodes><leafValues>-1 1</leafValues></_>"
        + "</weakClassifiers></_></stages><features><_><rects><_>0 0 6 6 -1.</_><_>0 0 6 3 2.</_></rects></_>"
        + "</features></cascade></opencv_storage>");
    byte[] g = new byte[36];
    for (int i = 0; i < 36; i++) {
      g[i] = (byte) (i < 18 ? 120 + diff : 120);
    }
    return c.place(7).stagesPassed(Integral.of(g, 6, 6), Integral.ofSquares(g, 6, 6), 0) == 1;
  }

  @Test
  @DisplayName("the cascades' licence notice is beside them")
  void shippedWithItsNotice() throws IOException {
    try (InputStream notice = FaceDetector.class.getResourceAsStream("NOTICE-cascade.txt")) {
      assertThat(notice).isNotNull();
      assertThat(new String(notice.readAllBytes(), StandardCharsets.UTF_8)).contains("Apache License")
          .contains(FaceDetector.FINDER).contains(FaceDetector.VERIFIER).contains("Puttemans");
    }
    try (InputStream licence = FaceDetector.class.getResourceAsStream("LICENSE-Apache-2.0.txt")) {
      assertThat(licence).isNotNull();
    }
  }
}
