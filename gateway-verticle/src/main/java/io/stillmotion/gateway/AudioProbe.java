package io.stillmotion.gateway;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Decides whether an uploaded soundtrack is one we can put in an MP4: MP3, or AAC in ADTS or in an
 * M4A/MP4 container. Sniffs the format from the bytes (never the name or declared type) and reads
 * its real length: MP3 and ADTS by walking every frame header (no audio is decoded), M4A from its
 * audio track's header. Anything else is a 415; a file of that format without playable frames, or
 * longer than {@link #MAX_SECONDS}, a 422. Blocking: call off the event loop.
 */
public final class AudioProbe {

  /** Music longer than this is surely a mistake: a story lasts at most two minutes. */
  public static final double MAX_SECONDS = 600;
  public static final double MIN_SECONDS = 0.5;
  private static final int MAX_MOOV_BYTES = 16 * 1024 * 1024;
  private static final int[] MP3_KBPS_V1 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
  private static final int[] MP3_KBPS_V2 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
  private static final int[] MP3_RATES_V1 = {44100, 48000, 32000};
  private static final int[] AAC_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
      11025, 8000, 7350};

  /**
   * What the soundtrack is.
   *
   * @param format    {@code mp3} or {@code aac}
   * @param container {@code mp3}, {@code adts} or {@code mp4}
   */
  public record AudioInfo(String format, String container, String extension, String contentType,
      double durationSeconds, int sampleRate) {
  }

  public AudioInfo probe(Path file) {
    try {
      byte[] head = new byte[12];
      int n;
      try (InputStream in = Files.newInputStream(file)) {
        n = in.readNBytes(head, 0, head.length);
      }
      if (n == 0) {
        throw ApiException.badRequest("empty_file", "The audio file is empty.");
      }
      AudioInfo info = n >= 8 && ascii(head, 4, 4).equals("ftyp") ? mp4(file) : frames(file);
      return checked(info);
    } catch (EOFException e) {
      throw unreadable();
    } catch (IOException e) {
      throw ApiException.badRequest("upload_unreadable", "The uploaded audio file could not be read.");
    }
  }

  private static AudioInfo checked(AudioInfo info) {
    if (info.durationSeconds > MAX_SECONDS) {
      // Frames are counted only up to the limit: say "longer than", not how long.
      throw ApiException.unprocessable("audio_too_long", "The soundtrack is longer than " + (int) (MAX_SECONDS / 60)
          + " minutes, the most accepted (a story lasts at most two minutes).");
    }
    if (info.durationSeconds < MIN_SECONDS) {
      throw ApiException.unprocessable("audio_too_short", "The soundtrack is shorter than " + MIN_SECONDS + " s.");
    }
    return info;
  }

  /** MP3 or ADTS: skips an ID3v2 tag, then counts frames up to the end (or a trailing tag). */
  private static AudioInfo frames(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
      byte[] h = new byte[10];
      in.readFully(h, 0, 4);
      if (ascii(h, 0, 3).equals("ID3")) {
        in.readFully(h, 4, 6);
        long tag = ((h[6] & 0x7F) << 21) | ((h[7] & 0x7F) << 14) | ((h[8] & 0x7F) << 7) | (h[9] & 0x7F);
        skipFully(in, tag + ((h[5] & 0x10) != 0 ? 10 : 0));
        in.readFully(h, 0, 4);
      }
      if ((h[0] & 0xFF) != 0xFF || (h[1] & 0xE0) != 0xE0) {
        throw unsupported();
      }
      return ((h[1] >> 1) & 3) == 0 ? adts(in, h) : mp3(in, h);
    }
  }

  private static AudioInfo mp3(DataInputStream in, byte[] first) throws IOException {
    int[] frame = mp3Frame(first);
    if (frame == null) {
      throw unsupported();
    }
    int rate = frame[1];
    int samplesPerFrame = frame[2];
    long frames = 0;
    byte[] h = first;
    int[] current = frame;
    while (current != null) {
      frames++;
      if ((double) frames * samplesPerFrame / rate > MAX_SECONDS + 1) {
        break;
      }
      if (!skipFully(in, current[0] - 4) || in.readNBytes(h, 0, 4) < 4) {
        break;
      }
      current = mp3Frame(h);
    }
    if (frames < 2) {
      throw unreadable();
    }
    return new AudioInfo("mp3", "mp3", "mp3", "audio/mpeg", (double) frames * samplesPerFrame / rate, rate);
  }

  /** {frame length, sample rate, samples per frame} of an MPEG audio Layer III header, or null. */
  private static int[] mp3Frame(byte[] h) {
    if ((h[0] & 0xFF) != 0xFF || (h[1] & 0xE0) != 0xE0) {
      return null;
    }
    int version = (h[1] >> 3) & 3;
    int layer = (h[1] >> 1) & 3;
    int bitrateIndex = (h[2] >> 4) & 0xF;
    int rateIndex = (h[2] >> 2) & 3;
    if (version == 1 || layer != 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
      return null;
    }
    boolean v1 = version == 3;
    int kbps = (v1 ? MP3_KBPS_V1 : MP3_KBPS_V2)[bitrateIndex];
    int rate = MP3_RATES_V1[rateIndex] / (v1 ? 1 : version == 2 ? 2 : 4);
    int padding = (h[2] >> 1) & 1;
    int length = (v1 ? 144 : 72) * kbps * 1000 / rate + padding;
    return new int[] {length, rate, v1 ? 1152 : 576};
  }

  private static AudioInfo adts(DataInputStream in, byte[] first) throws IOException {
    byte[] h = new byte[7];
    System.arraycopy(first, 0, h, 0, 4);
    in.readFully(h, 4, 3);
    int rateIndex = (h[2] >> 2) & 0xF;
    if (rateIndex >= AAC_RATES.length) {
      throw unreadable();
    }
    int rate = AAC_RATES[rateIndex];
    long samples = 0;
    long frames = 0;
    while (true) {
      int length = ((h[3] & 3) << 11) | ((h[4] & 0xFF) << 3) | ((h[5] & 0xFF) >> 5);
      if (length < 7 || (h[0] & 0xFF) != 0xFF || (h[1] & 0xF6) != 0xF0) {
        break;
      }
      frames++;
      samples += 1024L * ((h[6] & 3) + 1);
      if ((double) samples / rate > MAX_SECONDS + 1 || !skipFully(in, length - 7) || in.readNBytes(h, 0, 7) < 7) {
        break;
      }
    }
    if (frames < 2) {
      throw unreadable();
    }
    return new AudioInfo("aac", "adts", "aac", "audio/aac", (double) samples / rate, rate);
  }

  /** An M4A/MP4 file: the length of its AAC audio track, from the track's media header. */
  private static AudioInfo mp4(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer moov = topLevelBox(channel, "moov");
      if (moov == null) {
        throw unreadable();
      }
      for (ByteBuffer trak : boxes(moov, "trak")) {
        ByteBuffer mdia = first(trak, "mdia");
        ByteBuffer hdlr = mdia == null ? null : first(mdia, "hdlr");
        if (hdlr == null || hdlr.remaining() < 12 || !ascii(hdlr, hdlr.position() + 8, 4).equals("soun")) {
          continue;
        }
        ByteBuffer mdhd = first(mdia, "mdhd");
        ByteBuffer stsd = path(mdia, "minf", "stbl", "stsd");
        if (mdhd == null || stsd == null || stsd.remaining() < 16) {
          throw unreadable();
        }
        if (!ascii(stsd, stsd.position() + 12, 4).equals("mp4a")) {
          throw ApiException.unsupportedMedia("The M4A/MP4 file's sound is not AAC. Upload MP3 or AAC audio.");
        }
        int version = mdhd.get(mdhd.position()) & 0xFF;
        int at = mdhd.position() + (version == 1 ? 20 : 12);
        long timescale = Integer.toUnsignedLong(mdhd.getInt(at));
        long duration = version == 1 ? mdhd.getLong(at + 4) : Integer.toUnsignedLong(mdhd.getInt(at + 4));
        if (timescale == 0) {
          throw unreadable();
        }
        return new AudioInfo("aac", "mp4", "m4a", "audio/mp4", (double) duration / timescale, (int) timescale);
      }
      throw ApiException.unsupportedMedia("The MP4 file has no sound track. Upload MP3 or AAC audio.");
    }
  }

  private static ByteBuffer topLevelBox(FileChannel channel, String wanted) throws IOException {
    long at = 0;
    long size = channel.size();
    ByteBuffer header = ByteBuffer.allocate(16);
    while (at + 8 <= size) {
      header.clear();
      channel.read(header, at);
      long boxSize = Integer.toUnsignedLong(header.getInt(0));
      String type = ascii(header, 4, 4);
      int headerSize = 8;
      if (boxSize == 1) {
        boxSize = header.getLong(8);
        headerSize = 16;
      } else if (boxSize == 0) {
        boxSize = size - at;
      }
      if (boxSize < headerSize || at + boxSize > size) {
        return null;
      }
      if (type.equals(wanted)) {
        if (boxSize - headerSize > MAX_MOOV_BYTES) {
          throw unreadable();
        }
        ByteBuffer body = ByteBuffer.allocate((int) (boxSize - headerSize));
        channel.read(body, at + headerSize);
        return body.flip();
      }
      at += boxSize;
    }
    return null;
  }

  /** The child boxes of a box's body called {@code type}, each as a view of its body. */
  private static java.util.List<ByteBuffer> boxes(ByteBuffer parent, String type) {
    java.util.List<ByteBuffer> found = new java.util.ArrayList<>();
    int at = parent.position();
    while (at + 8 <= parent.limit()) {
      long size = Integer.toUnsignedLong(parent.getInt(at));
      if (size < 8 || at + size > parent.limit()) {
        break;
      }
      if (ascii(parent, at + 4, 4).equals(type)) {
        found.add(parent.duplicate().limit((int) (at + size)).position(at + 8));
      }
      at += (int) size;
    }
    return found;
  }

  private static ByteBuffer first(ByteBuffer parent, String type) {
    java.util.List<ByteBuffer> found = boxes(parent, type);
    return found.isEmpty() ? null : found.get(0);
  }

  private static ByteBuffer path(ByteBuffer parent, String... types) {
    ByteBuffer current = parent;
    for (String type : types) {
      current = current == null ? null : first(current, type);
    }
    return current;
  }

  private static boolean skipFully(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          return false;
        }
        skipped = 1;
      }
      left -= skipped;
    }
    return true;
  }

  private static String ascii(byte[] b, int from, int length) {
    return new String(b, from, length, StandardCharsets.ISO_8859_1);
  }

  private static String ascii(ByteBuffer b, int from, int length) {
    if (from + length > b.limit()) {
      return "";
    }
    byte[] bytes = new byte[length];
    b.get(from, bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static ApiException unsupported() {
    return new ApiException(415, "unsupported_audio",
        "The audio file is not a supported soundtrack. Upload MP3 or AAC (M4A or ADTS) audio.");
  }

  private static ApiException unreadable() {
    return ApiException.unprocessable("audio_unreadable",
        "The soundtrack could not be read: the file is damaged or incomplete.");
  }
}
