package io.stillmotion.render.audio;

import io.stillmotion.render.InvalidStoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * AAC in ADTS (the raw ".aac" stream): every frame has a 7-byte header (9 with a CRC) giving the
 * profile, sample rate and channels; the MP4 track carries the frames without their headers and
 * an AudioSpecificConfig built from the first header. AAC LC only (HE-AAC in ADTS is signalled as
 * LC and plays as such); one raw data block per frame.
 */
final class AdtsReader {

  static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000,
      7350};
  private static final int SAMPLES_PER_FRAME = 1024;
  private static final int PROFILE_LC = 1;

  private AdtsReader() {
  }

  static boolean looksLike(byte[] b, int at) {
    return at + 7 <= b.length && (b[at] & 0xFF) == 0xFF && (b[at + 1] & 0xF6) == 0xF0;
  }

  static Parsed read(byte[] b) throws InvalidStoryException {
    int pos = Bytes.id3Length(b);
    List<AudioTrack.Frame> frames = new ArrayList<>();
    int profile = -1;
    int rateIndex = -1;
    int channels = -1;
    while (looksLike(b, pos)) {
      boolean crc = (b[pos + 1] & 1) == 0;
      int p = (b[pos + 2] >> 6) & 3;
      int ri = (b[pos + 2] >> 2) & 0xF;
      int ch = ((b[pos + 2] & 1) << 2) | ((b[pos + 3] >> 6) & 3);
      int length = ((b[pos + 3] & 3) << 11) | ((b[pos + 4] & 0xFF) << 3) | ((b[pos + 5] & 0xFF) >> 5);
      int blocks = b[pos + 6] & 3;
      int header = crc ? 9 : 7;
      if (length <= header || pos + length > b.length) {
        break;
      }
      if (profile < 0) {
        profile = p;
        rateIndex = ri;
        channels = ch;
        if (p != PROFILE_LC) {
          throw Soundtrack.unsupported("This AAC file uses a profile other than AAC LC (HE-AAC and LC play)");
        }
        if (ri >= RATES.length || RATES[ri] > Soundtrack.MAX_SAMPLE_RATE) {
          throw Soundtrack.unreadable("its sample rate is not one of the usual ones up to 48 kHz");
        }
        if (ch < 1 || ch > 7) {
          throw Soundtrack.unreadable("its channel layout is not one AAC names (mono to 7.1)");
        }
      } else if (p != profile || ri != rateIndex || ch != channels) {
        throw Soundtrack.unreadable("its frames change sample rate or channels midway");
      }
      if (blocks != 0) {
        throw Soundtrack.unsupported("ADTS frames holding several AAC blocks are not supported");
      }
      frames.add(new AudioTrack.Frame(b, pos + header, length - header, SAMPLES_PER_FRAME));
      pos += length;
    }
    if (frames.isEmpty()) {
      throw Soundtrack.unreadable("no complete AAC frame was found");
    }
    Soundtrack.checkCovered(b.length - Bytes.id3Length(b), pos - Bytes.id3Length(b));
    int objectType = profile + 1;
    byte[] asc = {(byte) ((objectType << 3) | (rateIndex >> 1)), (byte) (((rateIndex & 1) << 7) | (channels << 3))};
    return new Parsed(Soundtrack.Format.AAC_ADTS, Soundtrack.OTI_AAC, asc, RATES[rateIndex], RATES[rateIndex],
        channels == 7 ? 8 : channels, frames);
  }
}
