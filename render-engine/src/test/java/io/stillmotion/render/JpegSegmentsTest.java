package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JpegSegmentsTest {

  private static final byte[] PROFILE = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();

  @Test
  @DisplayName("an ICC profile split over APP2 segments is joined in sequence order, whatever their order in the file")
  void joinsChunksInSequenceOrder() throws Exception {
    byte[] jpeg = TestMedia.jpeg(TestMedia.patches(16, 16, 0x808080), 0.9f);
    int half = PROFILE.length / 2;
    byte[] first = Arrays.copyOfRange(PROFILE, 0, half);
    byte[] second = Arrays.copyOfRange(PROFILE, half, PROFILE.length);
    byte[] tagged = withChunk(withChunk(jpeg, first, 1, 2), second, 2, 2);

    assertThat(JpegSegments.iccProfile(tagged)).isEqualTo(PROFILE);
    assertThat(JpegSegments.iccProfile(withChunk(withChunk(jpeg, second, 2, 2), first, 1, 2))).isEqualTo(PROFILE);
    assertThat(JpegSegments.iccProfile(jpeg)).isNull();
  }

  @Test
  @DisplayName("chunks that do not add up (a missing, repeated or out-of-range number) give no profile")
  void inconsistentChunksGiveNoProfile() throws Exception {
    byte[] jpeg = TestMedia.jpeg(TestMedia.patches(16, 16, 0x808080), 0.9f);
    byte[] chunk = Arrays.copyOfRange(PROFILE, 0, 100);

    assertThat(JpegSegments.iccProfile(withChunk(jpeg, chunk, 1, 2))).isNull();
    assertThat(JpegSegments.iccProfile(withChunk(withChunk(jpeg, chunk, 1, 2), chunk, 1, 2))).isNull();
    assertThat(JpegSegments.iccProfile(withChunk(jpeg, chunk, 3, 2))).isNull();
    assertThat(JpegSegments.iccProfile(withChunk(jpeg, chunk, 0, 1))).isNull();
    assertThat(JpegSegments.iccProfile(withChunk(withChunk(jpeg, chunk, 1, 1), chunk, 1, 2))).isNull();
  }

  @Test
  @DisplayName("removing the profile leaves every other byte of the file as it was (EXIF, tables, scan)")
  void removesOnlyTheProfile() throws Exception {
    byte[] plain = TestMedia.withExifOrientation(TestMedia.jpeg(TestMedia.patches(16, 16, 0x336699), 0.9f), 6);
    byte[] tagged = withChunk(withChunk(plain, Arrays.copyOfRange(PROFILE, 0, 50), 1, 2),
        Arrays.copyOfRange(PROFILE, 50, PROFILE.length), 2, 2);

    assertThat(JpegSegments.withoutIccProfile(tagged)).isEqualTo(plain);
    assertThat(JpegSegments.withoutIccProfile(plain)).isEqualTo(plain);
  }

  @Test
  @DisplayName("cut or damaged files neither throw nor lose bytes: whatever is not a whole profile segment is kept")
  void damagedFiles() throws Exception {
    byte[] tagged = TestMedia.withIccProfile(TestMedia.jpeg(TestMedia.patches(16, 16, 0x808080), 0.9f), PROFILE);
    for (int cut = 0; cut < tagged.length; cut += 7) {
      byte[] part = Arrays.copyOf(tagged, cut);
      JpegSegments.iccProfile(part);
      byte[] stripped = JpegSegments.withoutIccProfile(part);
      assertThat(stripped.length).isIn(part.length, part.length - (PROFILE.length + 18));
    }
    byte[] garbage = new byte[600];
    new java.util.Random(3).nextBytes(garbage);
    garbage[0] = (byte) 0xFF;
    garbage[1] = (byte) 0xD8;
    assertThat(JpegSegments.withoutIccProfile(garbage)).isEqualTo(garbage);
  }

  /** Inserts one APP2 ICC chunk right after SOI (so the last one inserted comes first in the file). */
  private static byte[] withChunk(byte[] jpeg, byte[] data, int sequence, int count) {
    byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + id.length + 2 + data.length;
    ByteBuffer app2 = ByteBuffer.allocate(2 + length);
    app2.put((byte) 0xFF).put((byte) 0xE2).putShort((short) length).put(id).put((byte) sequence).put((byte) count)
        .put(data);
    byte[] out = new byte[jpeg.length + app2.capacity()];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app2.array(), 0, out, 2, app2.capacity());
    System.arraycopy(jpeg, 2, out, 2 + app2.capacity(), jpeg.length - 2);
    return out;
  }
}
