package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile progressive JPEGs: our decoder says {@link ProgressiveJpeg.Unsupported} (and the
 * render path falls back to ImageIO, which handles them as it always did) or gives a picture; never
 * another exception, never a hang.
 */
class ProgressiveJpegHostileTest {

  private static final long FAR = Long.MAX_VALUE / 4;

  private static byte[] sample() throws Exception {
    return ProgressiveJpegTest.progressive(TestMedia.photoLike(72, 40, 11), 0.85f, 2, 2);
  }

  private static RgbImage ownDecode(byte[] jpeg, int w, int h) throws Exception {
    return ProgressiveJpeg.decode(jpeg, w, h, System.nanoTime() + 20_000_000_000L, RowBands.SERIAL);
  }

  /** Offset of the n-th (0-based) segment with this marker: the position of its 0xFF. */
  private static int segment(byte[] b, int marker, int n) {
    for (int i = 2; i + 1 < b.length; i++) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker && n-- == 0) {
        return i;
      }
    }
    throw new AssertionError("no marker " + Integer.toHexString(marker));
  }

  private static void assertUnsupported(byte[] jpeg) {
    assertThatThrownBy(() -> ownDecode(jpeg, 72, 40)).isInstanceOf(ProgressiveJpeg.Unsupported.class);
  }

  /** Through the render's decode: ImageIO's answer, whatever it is, and not our decoder's. */
  private static void assertFallsBackLikeImageIo(byte[] jpeg) throws Exception {
    Object ours;
    try {
      ImageDecoder.Traced t = ImageDecoder.decodeTraced(jpeg, ImageDecoder.DEFAULT_GUARD, RowBands.SERIAL, true);
      assertThat(t.ownJpegDecoder()).isFalse();
      ours = t.image();
    } catch (RenderException e) {
      ours = e.getClass();
    }
    Object reference;
    try {
      reference = ProgressiveJpegTest.imageIo(jpeg);
    } catch (RenderException e) {
      reference = e.getClass();
    }
    if (ours instanceof RgbImage a && reference instanceof RgbImage b) {
      assertThat(ProgressiveJpegTest.diff(a, b).max()).isZero();
    } else {
      assertThat(ours).isEqualTo(reference);
    }
  }

  @Test
  @DisplayName("random byte damage and truncation: a picture or Unsupported, nothing else, in bounded time")
  void fuzzedFiles() throws Exception {
    byte[] good = sample();
    Random random = new Random(42);
    int pictures = 0;
    int unsupported = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bad = good.clone();
      switch (i % 3) {
        case 0 -> bad = Arrays.copyOf(good, 2 + random.nextInt(good.length - 2));
        case 1 -> {
          for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
            bad[2 + random.nextInt(bad.length - 2)] = (byte) random.nextInt(256);
          }
        }
        default -> bad[2 + random.nextInt(bad.length - 2)] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        RgbImage img = ownDecode(bad, 72, 40);
        assertThat(img.pixels()).hasSize(72 * 40);
        pictures++;
      } catch (ProgressiveJpeg.Unsupported e) {
        unsupported++;
      }
    }
    System.out.println("fuzz: " + pictures + " pictures, " + unsupported + " unsupported");
    assertThat(unsupported).isPositive();
  }

  @Test
  @DisplayName("a truncated progressive JPEG goes to ImageIO, which decodes it as before")
  void truncatedFallsBack() throws Exception {
    byte[] good = sample();
    for (int cut : new int[] {good.length - 2, good.length - 40, good.length / 2, segment(good, 0xDA, 1) + 5}) {
      byte[] bad = Arrays.copyOf(good, cut);
      assertUnsupported(bad);
      assertFallsBackLikeImageIo(bad);
    }
  }

  @Test
  @DisplayName("an over-subscribed Huffman table is refused by our decoder; the render gets ImageIO's answer")
  void overSubscribedHuffmanTable() throws Exception {
    byte[] bad = sample();
    int dht = segment(bad, 0xC4, 0);
    // 1-bit codes: three of them cannot exist
    bad[dht + 5] = 3;
    assertUnsupported(bad);
    assertFallsBackLikeImageIo(bad);
  }

  @Test
  @DisplayName("scan headers out of range (Al, Se, Ss>Se, component and table ids) are refused and fall back")
  void scanParametersOutOfRange() throws Exception {
    byte[] good = sample();
    int sos = segment(good, 0xDA, 3);
    int n = good[sos + 4] & 0xFF;
    int params = sos + 5 + 2 * n;
    byte[][] variants = new byte[6][];
    for (int i = 0; i < variants.length; i++) {
      variants[i] = good.clone();
    }
    variants[0][params + 2] = 0x0E;            // Al 14
    variants[1][params + 1] = 64;              // Se 64
    variants[2][params] = 50;                  // Ss 50 > Se 20
    variants[2][params + 1] = 20;
    variants[3][sos + 5] = 9;                  // no component with id 9
    variants[4][sos + 6] = 0x44;               // table ids 4
    variants[5][params + 2] = 0x53;            // Ah 5 and Al 3: not one apart
    for (byte[] bad : variants) {
      assertUnsupported(bad);
      assertFallsBackLikeImageIo(bad);
    }
  }

  @Test
  @DisplayName("a frame larger than the inspected size (the memory held) is refused before it allocates")
  void frameSizeBeyondInspection() throws Exception {
    byte[] bad = sample();
    int sof = segment(bad, 0xC2, 0);
    bad[sof + 5] = (byte) 0xFF;
    bad[sof + 6] = (byte) 0xFF;
    bad[sof + 7] = (byte) 0xFF;
    bad[sof + 8] = (byte) 0xFF;
    assertUnsupported(bad);
  }

  @Test
  @DisplayName("a passed deadline or an interrupt stops the decode with DeadlinePassed")
  void deadline() throws Exception {
    byte[] good = sample();
    assertThatThrownBy(() -> ProgressiveJpeg.decode(good, 72, 40, System.nanoTime() - 1, RowBands.SERIAL))
        .isInstanceOf(ProgressiveJpeg.DeadlinePassed.class);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> ProgressiveJpeg.decode(good, 72, 40, System.nanoTime() + FAR, RowBands.SERIAL))
          .isInstanceOf(ProgressiveJpeg.DeadlinePassed.class);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  @DisplayName("through the guard, a decode past its time limit is rejected as too slow, not retried by ImageIO")
  void guardTimeLimit() throws Exception {
    ImageGuard guard = new ImageGuard(new ImageGuard.Limits(1, 1_000_000_000L, 512L << 20, 0));
    assertThatThrownBy(() -> ImageDecoder.decode(sample(), guard))
        .isInstanceOfSatisfying(ImageRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ImageRejectedException.TOO_SLOW));
  }

  @Test
  @DisplayName("scans that stop before the low coefficients are complete (libjpeg would smooth) go to ImageIO")
  void incompleteProgressionFallsBack() throws Exception {
    byte[] good = sample();
    // keep the first scan (DC of every component), then end the image
    int second = segment(good, 0xDA, 1);
    byte[] dcOnly = Arrays.copyOf(good, second + 2);
    dcOnly[second] = (byte) 0xFF;
    dcOnly[second + 1] = (byte) 0xD9;
    assertUnsupported(dcOnly);
    assertFallsBackLikeImageIo(dcOnly);
  }

  @Test
  @DisplayName("the upload check of damaged progressive JPEGs: our entropy pass accepts and rejects what ImageIO's decode does")
  void acceptCheckAgreesWithImageIo() throws Exception {
    byte[] good = ProgressiveJpegTest.progressive(TestMedia.photoLike(96, 64, 12), 0.85f, 2, 2);
    ImageGuard guard = new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, 50_000_000, 256L << 20, 30_000));
    Random random = new Random(7);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 600; i++) {
      byte[] bad = i == 0 ? good : good.clone();
      if (i % 2 == 1) {
        bad = Arrays.copyOf(good, 2 + random.nextInt(good.length - 2));
      } else if (i > 0) {
        bad[2 + random.nextInt(bad.length - 2)] ^= (byte) (1 << random.nextInt(8));
      }
      ImageGuard.Inspection image;
      try {
        image = guard.inspect(bad);
      } catch (ImageRejectedException e) {
        continue;
      }
      String ours = verdict(() -> guard.verifyForAccept(image));
      String reference = verdict(() -> guard.verifyByDecoding(image));
      assertThat(ours).as("case %d", i).isEqualTo(reference);
      if (ours.equals("accepted")) {
        accepted++;
      } else {
        rejected++;
      }
    }
    System.out.println("accept check: " + accepted + " accepted, " + rejected + " rejected");
    assertThat(accepted).isPositive();
    assertThat(rejected).isPositive();
  }

  @Test
  @DisplayName("a complete progressive JPEG is accepted by the entropy pass alone, without ImageIO's decode")
  void acceptCheckUsesTheEntropyPass() throws Exception {
    byte[] good = ProgressiveJpegTest.progressive(TestMedia.photoLike(96, 64, 12), 0.85f, 2, 2);
    ImageGuard.Inspection image = ImageDecoder.DEFAULT_GUARD.inspect(good);
    ProgressiveJpeg.verify(image.decodable(), 96, 64, System.nanoTime() + 10_000_000_000L);
    // a colour profile matters to the pixels, not to completeness
    byte[] tagged = TestMedia.withIccProfile(good,
        java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData());
    ProgressiveJpeg.verify(tagged, 96, 64, System.nanoTime() + 10_000_000_000L);
    assertThatThrownBy(() -> ProgressiveJpeg.verify(Arrays.copyOf(good, good.length - 2), 96, 64,
        System.nanoTime() + 10_000_000_000L)).isInstanceOf(ProgressiveJpeg.Unsupported.class);
  }

  private interface Check {
    void run() throws Exception;
  }

  private static String verdict(Check check) {
    try {
      check.run();
      return "accepted";
    } catch (ImageRejectedException e) {
      return "rejected " + e.code();
    } catch (Exception e) {
      return "failed " + e;
    }
  }
}
