package io.stillmotion.render.audio;

import io.stillmotion.render.InvalidStoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * MP3 (MPEG-1, 2 and 2.5 Layer III): frames found by walking their headers from the first one
 * after an ID3v2 tag; a Xing/Info/VBRI frame (metadata that decodes as silence) is dropped, and so
 * is whatever follows the last whole frame (ID3v1, APE tags). Free-format bit rates are refused.
 * The MP4 track carries the frames unchanged, as {@code mp4a} with object type 0x6B (MPEG-1) or
 * 0x69 (MPEG-2 and 2.5).
 */
final class Mp3Reader {

  private static final int[] BITRATE_V1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
  private static final int[] BITRATE_V2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
  private static final int[][] RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000},
      {44100, 48000, 32000}};

  /** What a Layer III frame header says. */
  record Header(int version, int rate, int channels, int length, int samples, boolean crc) {
    boolean mpeg1() {
      return version == 3;
    }

    /** Bytes of side information after the header (and its CRC). */
    int sideInfoBytes() {
      return mpeg1() ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17);
    }
  }

  private Mp3Reader() {
  }

  static boolean looksLike(byte[] b, int at) {
    return header(b, at) != null;
  }

  /** The header at {@code at}, or null when there is no valid Layer III header there. */
  static Header header(byte[] b, int at) {
    if (at + 4 > b.length || (b[at] & 0xFF) != 0xFF || (b[at + 1] & 0xE0) != 0xE0) {
      return null;
    }
    int version = (b[at + 1] >> 3) & 3;
    int layer = (b[at + 1] >> 1) & 3;
    int bitrateIndex = (b[at + 2] >> 4) & 0xF;
    int rateIndex = (b[at + 2] >> 2) & 3;
    if (version == 1 || layer != 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
      return null;
    }
    boolean v1 = version == 3;
    int bitrate = (v1 ? BITRATE_V1 : BITRATE_V2)[bitrateIndex] * 1000;
    int rate = RATES[version][rateIndex];
    int padding = (b[at + 2] >> 1) & 1;
    int length = (v1 ? 144 : 72) * bitrate / rate + padding;
    int channels = ((b[at + 3] >> 6) & 3) == 3 ? 1 : 2;
    return new Header(version, rate, channels, length, v1 ? 1152 : 576, (b[at + 1] & 1) == 0);
  }

  static Parsed read(byte[] b) throws InvalidStoryException {
    int start = Bytes.id3Length(b);
    int pos = start;
    Header first = header(b, pos);
    if (first == null) {
      throw Soundtrack.unreadable("no MP3 frame was found");
    }
    List<AudioTrack.Frame> frames = new ArrayList<>();
    Header h;
    while ((h = header(b, pos)) != null && pos + h.length() <= b.length) {
      if (h.version() != first.version() || h.rate() != first.rate() || h.channels() != first.channels()) {
        throw Soundtrack.unreadable("its frames change sample rate or channels midway");
      }
      if (!(frames.isEmpty() && isInfoFrame(b, pos, h))) {
        frames.add(new AudioTrack.Frame(b, pos, h.length(), h.samples()));
      }
      pos += h.length();
    }
    if (frames.isEmpty()) {
      throw Soundtrack.unreadable("no complete MP3 frame was found");
    }
    Soundtrack.checkCovered(b.length - start, pos - start);
    int objectType = first.mpeg1() ? Soundtrack.OTI_MPEG1_AUDIO : Soundtrack.OTI_MPEG2_AUDIO;
    return new Parsed(Soundtrack.Format.MP3, objectType, null, first.rate(), first.rate(), first.channels(), frames);
  }

  /** The first frame of many encoders holds a Xing/Info or VBRI header instead of sound. */
  private static boolean isInfoFrame(byte[] b, int pos, Header h) {
    int side = pos + 4 + (h.crc() ? 2 : 0) + h.sideInfoBytes();
    return Bytes.ascii(b, side, "Xing") || Bytes.ascii(b, side, "Info") || Bytes.ascii(b, pos + 36, "VBRI");
  }
}
