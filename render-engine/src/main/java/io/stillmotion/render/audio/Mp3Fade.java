package io.stillmotion.render.audio;

import java.util.List;

/**
 * Fades the end of an MP3 without decoding it: a Layer III granule's loudness is scaled by
 * 2^((global_gain - 210) / 4), and global_gain sits at a fixed place in the side information, so
 * lowering it by n steps scales that granule (576 samples) by 2^(-n/4), 1.5 dB a step. The bit
 * reservoir is untouched (only side information changes); a CRC-protected frame gets its CRC
 * recomputed. The faded frames are copies; the source is not changed.
 */
final class Mp3Fade {

  private static final int GRANULE = 576;

  private Mp3Fade() {
  }

  /** Fades linearly (in amplitude) to silence over the last {@code fadeTicks} of {@code totalTicks}. */
  static void fadeOut(List<AudioTrack.Frame> frames, long totalTicks, long fadeTicks) {
    if (fadeTicks <= 0) {
      return;
    }
    long start = totalTicks;
    for (int i = frames.size() - 1; i >= 0 && start > totalTicks - fadeTicks; i--) {
      AudioTrack.Frame f = frames.get(i);
      start -= f.duration();
      byte[] copy = new byte[f.length()];
      System.arraycopy(f.data(), f.offset(), copy, 0, f.length());
      if (fade(copy, start, totalTicks, fadeTicks)) {
        frames.set(i, new AudioTrack.Frame(copy, 0, copy.length, f.duration()));
      }
    }
  }

  private static boolean fade(byte[] frame, long frameStart, long end, long fadeTicks) {
    Mp3Reader.Header h = Mp3Reader.header(frame, 0);
    if (h == null) {
      return false;
    }
    int granules = h.mpeg1() ? 2 : 1;
    int channels = h.channels();
    int sideStart = 8 * (4 + (h.crc() ? 2 : 0));
    int prefix = h.mpeg1() ? 9 + (channels == 1 ? 5 : 3) + 4 * channels : 8 + (channels == 1 ? 1 : 2);
    int perGranule = h.mpeg1() ? 59 : 63;
    for (int g = 0; g < granules; g++) {
      double centre = frameStart + g * GRANULE + GRANULE / 2.0;
      double gain = Math.max(0, Math.min(1, (end - centre) / fadeTicks));
      int steps = gain <= 0 ? 255 : (int) Math.round(-4 * Math.log(gain) / Math.log(2));
      for (int ch = 0; ch < channels; ch++) {
        int at = sideStart + prefix + (g * channels + ch) * perGranule + 21;
        int value = readBits(frame, at, 8);
        writeBits(frame, at, 8, Math.max(0, value - steps));
      }
    }
    if (h.crc()) {
      int crc = crc16(frame, h.sideInfoBytes());
      frame[4] = (byte) (crc >> 8);
      frame[5] = (byte) crc;
    }
    return true;
  }

  /** CRC-16 (0x8005, initial 0xFFFF) over header bytes 2-3 and the side information. */
  static int crc16(byte[] frame, int sideInfoBytes) {
    int crc = 0xFFFF;
    for (int i = 2; i < 6 + sideInfoBytes; i++) {
      if (i == 4 || i == 5) {
        continue;
      }
      crc ^= (frame[i] & 0xFF) << 8;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) : crc << 1;
      }
      crc &= 0xFFFF;
    }
    return crc;
  }

  static int readBits(byte[] b, int bit, int count) {
    int v = 0;
    for (int i = 0; i < count; i++) {
      int at = bit + i;
      v = (v << 1) | ((b[at >> 3] >> (7 - (at & 7))) & 1);
    }
    return v;
  }

  static void writeBits(byte[] b, int bit, int count, int value) {
    for (int i = 0; i < count; i++) {
      int at = bit + i;
      int v = (value >> (count - 1 - i)) & 1;
      b[at >> 3] = (byte) ((b[at >> 3] & ~(1 << (7 - (at & 7)))) | (v << (7 - (at & 7))));
    }
  }
}
