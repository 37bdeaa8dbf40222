package io.stillmotion.render;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BandedSampleModel;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which embedded colour profiles convert to sRGB as the identity. Cameras and editors embed their own
 * copy of an sRGB profile (the common "sRGB IEC61966-2.1" one among them), which the JPEG reader does
 * not recognise as sRGB: it then converts YCbCr to RGB in Java and runs the colour transform over every
 * pixel, to come back to the very same values. Measured on the shared path photo (2560x1600, that
 * profile): the transform was 43% and the Java YCbCr conversion 34% of its decode; decoded without the
 * profile, every pixel of that photo is the same. Over all 16.7 million 8-bit colours that profile
 * moves 0.37% of the samples by one level (saturated greens with little red) and none by more: far
 * below what JPEG compression itself changes, and what browsers do too (they take it as sRGB).
 *
 * <p>A profile counts as sRGB when the JDK's colour management (the same one the reader uses) moves
 * no sample of a 33-level grid of the RGB cube, nor of the full 256-level ramps of each primary and
 * of grey, by more than one level. Wide-gamut profiles (Display P3, Adobe RGB) move saturated colours
 * by tens of levels and keep their conversion. The answers are cached per profile (uploads carry few
 * distinct ones); a profile the JDK cannot read is never sRGB here (the reader then decides, as before).
 */
final class SrgbProfiles {

  /**
   * Larger profiles are never taken for sRGB (sRGB profiles are 0.5-7 KB; big ones carry lookup tables
   * for print or wide gamuts): a file cannot make this check parse or keep much.
   */
  static final int MAX_PROFILE_BYTES = 64 * 1024;
  private static final int CACHED = 32;
  private static final Raster PROBE = probe();
  /** Answers by the SHA-256 of the profile: 32 small entries, whatever the profiles' sizes. */
  private static final Map<ByteBuffer, Boolean> ANSWERS = new LinkedHashMap<>(CACHED * 2, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
      return size() > CACHED;
    }
  };

  private SrgbProfiles() {
  }

  /** The most a profile counted as sRGB may move a sample, in 8-bit levels. */
  static final int TOLERANCE = 1;

  /** True when converting from {@code profile} to sRGB moves no 8-bit sample by more than {@link #TOLERANCE}. */
  static boolean isSrgb(byte[] profile) {
    if (profile.length > MAX_PROFILE_BYTES) {
      return false;
    }
    ByteBuffer key = ByteBuffer.wrap(sha256(profile));
    synchronized (ANSWERS) {
      Boolean known = ANSWERS.get(key);
      if (known != null) {
        return known;
      }
    }
    boolean identity = check(profile);
    synchronized (ANSWERS) {
      ANSWERS.put(key, identity);
    }
    return identity;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static boolean check(byte[] bytes) {
    ICC_ColorSpace space;
    try {
      ICC_Profile profile = ICC_Profile.getInstance(bytes);
      if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
        return false;
      }
      space = new ICC_ColorSpace(profile);
    } catch (RuntimeException unreadable) {
      return false;
    }
    WritableRaster converted = PROBE.createCompatibleWritableRaster();
    try {
      new ColorConvertOp(space, ColorSpace.getInstance(ColorSpace.CS_sRGB), null).filter(PROBE, converted);
    } catch (RuntimeException notConvertible) {
      return false;
    }
    int[] want = PROBE.getPixels(0, 0, PROBE.getWidth(), 1, (int[]) null);
    int[] got = converted.getPixels(0, 0, PROBE.getWidth(), 1, (int[]) null);
    for (int i = 0; i < want.length; i++) {
      if (Math.abs(want[i] - got[i]) > TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  /** One row of 8-bit RGB pixels: the 33-level grid, then the ramps of red, green, blue and grey. */
  private static Raster probe() {
    int levels = 33;
    int count = levels * levels * levels + 4 * 256;
    WritableRaster raster = Raster.createWritableRaster(
        new BandedSampleModel(DataBuffer.TYPE_BYTE, count, 1, 3), null);
    int x = 0;
    for (int r = 0; r < levels; r++) {
      for (int g = 0; g < levels; g++) {
        for (int b = 0; b < levels; b++) {
          raster.setPixel(x++, 0, new int[] {level(r), level(g), level(b)});
        }
      }
    }
    for (int v = 0; v < 256; v++) {
      raster.setPixel(x++, 0, new int[] {v, 0, 0});
      raster.setPixel(x++, 0, new int[] {0, v, 0});
      raster.setPixel(x++, 0, new int[] {0, 0, v});
      raster.setPixel(x++, 0, new int[] {v, v, v});
    }
    return raster;
  }

  private static int level(int i) {
    return Math.min(255, i * 8);
  }
}
