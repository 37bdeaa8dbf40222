package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SrgbProfilesTest {

  @Test
  @DisplayName("the JDK's own sRGB profile is sRGB; linear RGB, grey and unreadable profiles are not")
  void jdkProfiles() {
    assertThat(SrgbProfiles.isSrgb(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData())).isTrue();
    assertThat(SrgbProfiles.isSrgb(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData())).isFalse();
    assertThat(SrgbProfiles.isSrgb(ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData())).isFalse();
    assertThat(SrgbProfiles.isSrgb(new byte[] {1, 2, 3})).isFalse();
    byte[] broken = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    java.util.Arrays.fill(broken, 128, broken.length, (byte) 0x5A);
    assertThat(SrgbProfiles.isSrgb(broken)).isFalse();
  }

  @Test
  @DisplayName("a profile larger than any sRGB one is not taken for sRGB, even with an sRGB profile's data at its start")
  void hugeProfiles() {
    byte[] srgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    byte[] huge = java.util.Arrays.copyOf(srgb, SrgbProfiles.MAX_PROFILE_BYTES + 1);

    assertThat(SrgbProfiles.isSrgb(huge)).isFalse();
  }

  @Test
  @DisplayName("the sRGB IEC61966-2.1 profile cameras embed (the shared path photo's) counts as sRGB")
  void cameraSrgbProfile() throws Exception {
    Optional<Path> photo = TestMedia.sharedPhoto("path-2560x1600.jpg");
    Assumptions.assumeTrue(photo.isPresent(), "the shared test photos are not beside the repository");
    byte[] profile = JpegSegments.iccProfile(Files.readAllBytes(photo.get()));

    assertThat(profile).isNotNull();
    assertThat(SrgbProfiles.isSrgb(profile)).isTrue();
  }
}
