package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageGuardTest {

  private static final ImageGuard GUARD = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000,
      256L << 20, 30_000));

  @ParameterizedTest(name = "palette: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a 1 MB PNG whose zTXt chunk unpacks to 1 GiB is refused by the decoder, with nothing inflated past 1 MiB")
  void textBomb(boolean palette) throws Exception {
    byte[] bomb = HostileImages.pngWithTextBomb(1024, palette);
    assertThat(bomb.length).isBetween(900_000, 1_200_000);
    assertThatThrownBy(() -> ImageDecoder.decode(bomb))
        .isInstanceOf(RenderException.class)
        .matches(e -> ((RenderException) e).isPermanent(), "permanent")
        .hasMessageContaining("text chunk that unpacks to more than 1 MiB");
  }

  @Test
  @DisplayName("a PNG colour profile (iCCP) that unpacks to 1 GiB is refused by the decoder")
  void profileBomb() throws Exception {
    byte[] bomb = HostileImages.pngWithProfileBomb(1024);
    assertThatThrownBy(() -> ImageDecoder.decode(bomb))
        .isInstanceOf(RenderException.class)
        .matches(e -> ((RenderException) e).isPermanent(), "permanent")
        .hasMessageContaining("colour profile (iCCP) that unpacks to more than 4 MiB");
  }

  @Test
  @DisplayName("ordinary PNG metadata (tEXt, a small zTXt, an XMP iTXt) is tolerated")
  void ordinaryMetadata() throws Exception {
    RgbImage image = ImageDecoder.decode(HostileImages.pngWithOrdinaryMetadata());
    assertThat(image.width()).isEqualTo(64);
    assertThat(image.rgb(5, 5)).isEqualTo(0xFF8000);
  }

  @Test
  @DisplayName("the refusal of a hostile PNG names its code, for the gateway's 422")
  void codes() throws Exception {
    assertThatThrownBy(() -> GUARD.inspect(HostileImages.pngWithTextBomb(64, true)))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.METADATA_TOO_LARGE));
    assertThatThrownBy(() -> GUARD.inspect("not an image".getBytes()))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.NOT_AN_IMAGE));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "HEIC|00 00 00 18 66 74 79 70 68 65 69 63 00 00 00 00 6d 69 66 31|a HEIC/HEIF photo",
      "HEIF|00 00 00 18 66 74 79 70 6d 69 66 31 00 00 00 00 68 65 69 63|a HEIC/HEIF photo",
      "AVIF|00 00 00 1c 66 74 79 70 61 76 69 66 00 00 00 00 61 76 69 66|an AVIF picture",
      "MP4|00 00 00 20 66 74 79 70 69 73 6f 6d 00 00 02 00 69 73 6f 6d|a video or other media file",
      "TIFF little-endian|49 49 2a 00 08 00 00 00|a TIFF picture",
      "TIFF big-endian|4d 4d 00 2a 00 00 00 08|a TIFF picture",
      "JPEG XL codestream|ff 0a fa 7f|a JPEG XL picture",
      "JPEG XL container|00 00 00 0c 4a 58 4c 20 0d 0a 87 0a|a JPEG XL picture",
      "PSD|38 42 50 53 00 01|a Photoshop document",
      "PDF|25 50 44 46 2d 31 2e 37|a PDF document",
      "SVG|3c 3f 78 6d 6c 20 3f 3e 0a 3c 73 76 67 3e|an SVG drawing",
  })
  @DisplayName("a picture format people have but we do not take is named, with what to do")
  void namesKnownUnsupportedFormats(String name, String hex, String says) {
    String[] parts = hex.split(" ");
    byte[] bytes = new byte[64];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    assertThatThrownBy(() -> GUARD.inspect(bytes))
        .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
          assertThat(e.code()).isEqualTo(ImageRejectedException.NOT_AN_IMAGE);
          assertThat(e.getMessage()).startsWith("The file is " + says)
              .endsWith("Pictures go in as JPEG, PNG, GIF, BMP or WebP.");
        });
  }

  @Test
  @DisplayName("a progressive JPEG costs its full-image coefficients; beyond the budget it is refused, suggesting baseline")
  void progressiveJpegBudget() throws Exception {
    byte[] jpeg = HostileImages.progressiveJpeg(4000, 3000);
    ImageGuard.Inspection inspected = GUARD.inspect(jpeg);
    // 4:2:0: 2 bytes for each luma sample and each of the two quarter-size chroma planes
    assertThat(inspected.cost().fixedBytes()).isBetween(3L * 4000 * 3000, 3L * 4000 * 3000 + (1 << 20));
    ImageGuard tight = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000, 32L << 20, 30_000));
    assertThatThrownBy(() -> tight.inspect(jpeg))
        .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
          assertThat(e.code()).isEqualTo(ImageRejectedException.NEEDS_TOO_MUCH_MEMORY);
          assertThat(e.getMessage()).contains("baseline");
        });
  }

  @Test
  @DisplayName("the decode is subsampled until output, fixed cost and the caller's copies fit the budget")
  void stepFitsBudget() throws Exception {
    ImageGuard guard = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000, 48L << 20, 30_000));
    ImageGuard.Inspection webp = guard.inspect(HostileImages.lossyWebp(8000, 3000));
    int step = guard.stepFor(webp, 24_000_000, ImageDecoder.CONVERSION_BYTES_PER_PIXEL);
    assertThat(webp.cost().bytes(ImageGuard.outputPixels(webp, step), ImageDecoder.CONVERSION_BYTES_PER_PIXEL))
        .isLessThanOrEqualTo(48L << 20);
    assertThat(step).isGreaterThan(1);
  }

  @Test
  @DisplayName("a decode still running at its time limit is stopped and refused as too slow")
  void timeLimit() throws Exception {
    ImageGuard quick = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000, 256L << 20, 200));
    ImageGuard.Inspection webp = quick.inspect(HostileImages.lossyWebp(16000, 3000));
    assertThatThrownBy(() -> quick.decode(webp, 1_000_000, 0))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.TOO_SLOW));
  }

  @Test
  @DisplayName("an animated WebP (a phone's or a messenger's) is taken as its first frame, as an animated GIF is")
  void animatedWebp() throws Exception {
    byte[] webp = HostileImages.animatedWebp(640, 480, 3);
    ImageGuard.Inspection inspection = GUARD.inspect(webp);
    assertThat(inspection.cost().variant()).isEqualTo("animated webp");
    GUARD.verify(inspection);
    GUARD.verifyForAccept(inspection);
    RgbImage first = ImageDecoder.decode(webp);
    assertThat(first.width()).isEqualTo(640);
    assertThat(first.height()).isEqualTo(480);

    byte[] cut = java.util.Arrays.copyOf(webp, webp.length - 20);
    assertThatThrownBy(() -> GUARD.verify(GUARD.inspect(cut)))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.UNREADABLE));
  }

  @Test
  @DisplayName("a truncated WebP fails verification by its RIFF sizes, without decoding")
  void truncatedWebp() throws Exception {
    byte[] webp = HostileImages.lossyWebp(640, 480);
    GUARD.verify(GUARD.inspect(webp));
    byte[] cut = java.util.Arrays.copyOf(webp, webp.length - 40);
    assertThatThrownBy(() -> GUARD.verify(GUARD.inspect(cut)))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.UNREADABLE));
  }

  @Test
  @DisplayName("a 24-megapixel lossy WebP and progressive JPEG leave a 96 MB JVM (exit on OOM) alive")
  void nearLimitImagesInSmallHeap(@TempDir Path dir) throws Exception {
    Path webp = dir.resolve("big.webp");
    Files.write(webp, HostileImages.lossyWebp(8000, 3000));
    Path jpeg = dir.resolve("big.jpg");
    Files.write(jpeg, HostileImages.progressiveJpeg(6000, 4000));
    assertThat(decodeInSmallHeap(webp, dir)).startsWith("decoded ");
    assertThat(decodeInSmallHeap(jpeg, dir)).contains("baseline");
  }

  private static String decodeInSmallHeap(Path file, Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve(file.getFileName() + ".log");
    Process p = new ProcessBuilder(List.of(java, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), DecodeInSmallHeap.class.getName(), file.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isZero();
    return output.lines().filter(l -> l.startsWith("decoded") || l.startsWith("refused")).findFirst().orElse(output);
  }
}
