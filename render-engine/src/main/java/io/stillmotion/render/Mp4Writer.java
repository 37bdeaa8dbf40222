package io.stillmotion.render;

import io.stillmotion.render.audio.AudioTrack;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an MP4 with one H.264 track and, optionally, one audio track (AAC or MP3 frames as
 * {@code mp4a}), the index (moov) before the media data so browsers start playing before the
 * whole file has arrived, and the two tracks interleaved in half-second chunks so a player
 * reading from the start never has to seek far ahead for sound. Room for the index is reserved
 * up front from the known frame counts (the encoder's Annex B access units become length-prefixed
 * samples; their SPS and PPS go into the {@code avcC} box); once the index is written, the media data
 * moves up to just behind it, so no unused room is left in the file (a 5 s video's reserved room
 * was 19 KB, a tenth of a smooth photo's 720p video). Video frames must come in order, one
 * tick per frame at a timescale of the frame rate; the audio track is given whole at the start.
 * Our own writer, because jcodec's muxer writes MP3 as QuickTime's {@code .mp3} entry (not
 * {@code mp4a}/0x6B) and wants AAC as ADTS.
 */
final class Mp4Writer implements Closeable {

  private static final int MOVIE_TIMESCALE = 1000;
  private static final int TRACK_VIDEO = 1;
  private static final int TRACK_AUDIO = 2;
  private static final int NAL_SPS = 7;
  private static final int NAL_PPS = 8;
  private static final int NAL_AUD = 9;

  private final FileChannel channel;
  private final int width;
  private final int height;
  private final int fps;
  private final AudioTrack audio;
  private final int chunkFrames;
  private final long mdatStart;
  private final long reserved;
  private long position;

  private byte[] sps;
  private byte[] pps;
  private final List<Integer> videoSizes = new ArrayList<>();
  private final List<Integer> keyFrames = new ArrayList<>();
  private final List<long[]> videoChunks = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private int pendingFrames;
  private final List<long[]> audioChunks = new ArrayList<>();
  private int audioWritten;
  private long audioTicksWritten;

  /** {@code audio}: the sound to mux, or null for a silent video. */
  Mp4Writer(Path file, int width, int height, int fps, int frames, AudioTrack audio) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.audio = audio;
    this.chunkFrames = Math.max(1, fps / 2);
    try {
      write(fileType());
      int audioFrames = audio == null ? 0 : audio.frames().size();
      this.reserved = 16384L + 28L * frames + 24L * audioFrames;
      write(box("free", new byte[(int) reserved - 8]));
      this.mdatStart = position;
      write(new byte[] {0, 0, 0, 0, 'm', 'd', 'a', 't'});
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  Mp4Writer(Path file, int width, int height, int fps, int frames) throws IOException {
    this(file, width, height, fps, frames, null);
  }

  /** Adds the next video frame (an Annex B access unit). */
  void add(byte[] annexB, boolean key) throws IOException {
    int size = 0;
    for (int[] nal : nalUnits(annexB)) {
      int type = annexB[nal[0]] & 0x1F;
      if (type == NAL_SPS || type == NAL_PPS) {
        if (type == NAL_SPS && sps == null) {
          sps = java.util.Arrays.copyOfRange(annexB, nal[0], nal[1]);
        } else if (type == NAL_PPS && pps == null) {
          pps = java.util.Arrays.copyOfRange(annexB, nal[0], nal[1]);
        }
        continue;
      }
      if (type == NAL_AUD) {
        continue;
      }
      int length = nal[1] - nal[0];
      pending.write(length >>> 24);
      pending.write(length >>> 16);
      pending.write(length >>> 8);
      pending.write(length);
      pending.write(annexB, nal[0], length);
      size += 4 + length;
    }
    videoSizes.add(size);
    if (key) {
      keyFrames.add(videoSizes.size());
    }
    if (++pendingFrames == chunkFrames) {
      flushVideo();
    }
  }

  /** Writes the remaining data and the index; the file is complete after this. */
  void finish() throws IOException {
    flushVideo();
    flushAudio(Long.MAX_VALUE);
    if (sps == null || pps == null) {
      throw new IOException("the video has no parameter sets");
    }
    long mdatSize = position - mdatStart;
    if (position > 0xFFFF_FFFFL) {
      throw new IOException("videos over 4 GB are not supported");
    }
    channel.write(ByteBuffer.wrap(int32((int) mdatSize)), mdatStart);
    long unused = reserved - movie(0).length;
    if (unused < 0) {
      throw new IOException("the index is larger than the room reserved for it");
    }
    channel.write(ByteBuffer.wrap(movie(unused)), mdatStart - reserved);
    moveDown(mdatStart, position, unused);
    channel.truncate(position - unused);
  }

  /** Copies the bytes in [from, to) {@code by} bytes towards the start of the file (ascending, so overlap is safe). */
  private void moveDown(long from, long to, long by) throws IOException {
    if (by == 0) {
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    for (long at = from; at < to; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), to - at));
      int n = channel.read(buf, at);
      if (n < 0) {
        throw new IOException("the media data ended early");
      }
      buf.flip();
      long target = at - by;
      while (buf.hasRemaining()) {
        target += channel.write(buf, target);
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private void flushVideo() throws IOException {
    if (pendingFrames == 0) {
      return;
    }
    videoChunks.add(new long[] {position, pendingFrames});
    write(pending.toByteArray());
    pending.reset();
    pendingFrames = 0;
    flushAudio(Math.round((double) videoSizes.size() / fps * (audio == null ? 1 : audio.timescale())));
  }

  /** Writes the audio frames that start before {@code untilTicks} as one chunk. */
  private void flushAudio(long untilTicks) throws IOException {
    if (audio == null || audioWritten == audio.frames().size()) {
      return;
    }
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    int first = audioWritten;
    while (audioWritten < audio.frames().size() && audioTicksWritten < untilTicks) {
      AudioTrack.Frame f = audio.frames().get(audioWritten++);
      chunk.write(f.data(), f.offset(), f.length());
      audioTicksWritten += f.duration();
    }
    if (audioWritten > first) {
      audioChunks.add(new long[] {position, audioWritten - first});
      write(chunk.toByteArray());
    }
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      position += channel.write(buf, position);
    }
  }

  /** [start, end) of every NAL unit's payload (header byte included) in an Annex B stream. */
  static List<int[]> nalUnits(byte[] s) {
    List<int[]> units = new ArrayList<>();
    int start = -1;
    int i = 0;
    while (i + 2 < s.length) {
      if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) {
        if (start >= 0) {
          int end = i;
          while (end > start && s[end - 1] == 0) {
            end--;
          }
          units.add(new int[] {start, end});
        }
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0 && start < s.length) {
      units.add(new int[] {start, s.length});
    }
    return units;
  }

  // ---- boxes ----

  private static byte[] fileType() {
    return box("ftyp", concat(ascii("isom"), int32(512), ascii("isom"), ascii("iso2"), ascii("avc1"), ascii("mp41")));
  }

  /** The index, its chunk offsets as they will be once the media data has moved {@code shift} bytes down. */
  private byte[] movie(long shift) {
    long videoMs = Math.round(videoSizes.size() * 1000.0 / fps);
    long audioMs = audio == null ? 0 : Math.round(audio.durationTicks() * 1000.0 / audio.timescale());
    List<byte[]> parts = new ArrayList<>();
    parts.add(movieHeader(Math.max(videoMs, audioMs), audio == null ? 2 : 3));
    parts.add(videoTrack(videoMs, shift));
    if (audio != null) {
      parts.add(audioTrack(audioMs, shift));
    }
    return box("moov", concat(parts.toArray(byte[][]::new)));
  }

  private static byte[] movieHeader(long durationMs, int nextTrack) {
    return fullBox("mvhd", 0, 0, concat(int32(0), int32(0), int32(MOVIE_TIMESCALE), int32((int) durationMs),
        int32(0x00010000), int16(0x0100), new byte[10], matrix(), new byte[24], int32(nextTrack)));
  }

  private byte[] videoTrack(long durationMs, long shift) {
    byte[] header = trackHeader(TRACK_VIDEO, durationMs, 0, width, height);
    byte[] entry = box("avc1", concat(new byte[6], int16(1), new byte[16], int16(width), int16(height),
        int32(0x00480000), int32(0x00480000), int32(0), int16(1), new byte[32], int16(0x18), int16(0xFFFF),
        avcConfig(), colour()));
    List<Integer> durations = new ArrayList<>();
    videoSizes.forEach(s -> durations.add(1));
    byte[] table = box("stbl", concat(fullBox("stsd", 0, 0, concat(int32(1), entry)), timeToSample(durations),
        syncSamples(), sampleToChunk(videoChunks), sampleSizes(videoSizes), chunkOffsets(videoChunks, shift)));
    byte[] media = box("mdia", concat(mediaHeader(fps, videoSizes.size()), handler("vide", "VideoHandler"),
        box("minf", concat(fullBox("vmhd", 0, 1, new byte[8]), dataInformation(), table))));
    return box("trak", concat(header, media));
  }

  private byte[] audioTrack(long durationMs, long shift) {
    byte[] header = trackHeader(TRACK_AUDIO, durationMs, 0x0100, 0, 0);
    int rate = audio.sampleRate() <= 0xFFFF ? audio.sampleRate() : 0;
    byte[] entry = box("mp4a", concat(new byte[6], int16(1), new byte[8], int16(Math.min(2, audio.channels())),
        int16(16), int16(0), int16(0), int32(rate << 16), elementaryStream()));
    List<Integer> durations = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    audio.frames().forEach(f -> {
      durations.add(f.duration());
      sizes.add(f.length());
    });
    byte[] table = box("stbl", concat(fullBox("stsd", 0, 0, concat(int32(1), entry)), timeToSample(durations),
        sampleToChunk(audioChunks), sampleSizes(sizes), chunkOffsets(audioChunks, shift)));
    byte[] media = box("mdia", concat(mediaHeader(audio.timescale(), audio.durationTicks()),
        handler("soun", "SoundHandler"),
        box("minf", concat(fullBox("smhd", 0, 0, new byte[4]), dataInformation(), table))));
    return box("trak", concat(header, media));
  }

  private static byte[] trackHeader(int id, long durationMs, int volume, int w, int h) {
    return fullBox("tkhd", 0, 3, concat(int32(0), int32(0), int32(id), int32(0), int32((int) durationMs),
        new byte[8], int16(0), int16(0), int16(volume), int16(0), matrix(), int32(w << 16), int32(h << 16)));
  }

  private static byte[] mediaHeader(int timescale, long duration) {
    return fullBox("mdhd", 0, 0, concat(int32(0), int32(0), int32(timescale), int32((int) duration),
        int16(0x55C4), int16(0)));
  }

  private static byte[] handler(String type, String name) {
    return fullBox("hdlr", 0, 0, concat(int32(0), ascii(type), new byte[12], ascii(name), new byte[1]));
  }

  private static byte[] dataInformation() {
    return box("dinf", fullBox("dref", 0, 0, concat(int32(1), fullBox("url ", 0, 1, new byte[0]))));
  }

  private byte[] avcConfig() {
    return box("avcC", concat(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xFF, (byte) 0xE1},
        int16(sps.length), sps, new byte[] {1}, int16(pps.length), pps));
  }

  /** The colour the SPS's VUI declares (BT.709 primaries and transfer, BT.601 matrix, limited range). */
  private static byte[] colour() {
    return box("colr", concat(ascii("nclx"), int16(SignalledH264Encoder.PRIMARIES_BT709),
        int16(SignalledH264Encoder.TRANSFER_BT709), int16(SignalledH264Encoder.MATRIX_BT601), new byte[] {0}));
  }

  /** esds: ES_Descriptor holding the DecoderConfigDescriptor (object type, AAC config) and SLConfig. */
  private byte[] elementaryStream() {
    byte[] specific = audio.decoderConfig() == null ? new byte[0] : descriptor(0x05, audio.decoderConfig());
    byte[] decoderConfig = descriptor(0x04, concat(new byte[] {(byte) audio.objectType(), 0x15},
        int24(audio.maxFrameBytes()), int32((int) audio.maxBitrate()), int32((int) audio.averageBitrate()),
        specific));
    byte[] es = descriptor(0x03, concat(int16(0), new byte[] {0}, decoderConfig, descriptor(0x06, new byte[] {2})));
    return fullBox("esds", 0, 0, es);
  }

  private static byte[] descriptor(int tag, byte[] content) {
    int n = content.length;
    return concat(new byte[] {(byte) tag, (byte) (0x80 | (n >> 21)), (byte) (0x80 | (n >> 14)),
        (byte) (0x80 | (n >> 7)), (byte) (n & 0x7F)}, content);
  }

  private static byte[] timeToSample(List<Integer> durations) {
    List<byte[]> runs = new ArrayList<>();
    int i = 0;
    while (i < durations.size()) {
      int j = i;
      while (j < durations.size() && durations.get(j).equals(durations.get(i))) {
        j++;
      }
      runs.add(concat(int32(j - i), int32(durations.get(i))));
      i = j;
    }
    return fullBox("stts", 0, 0, concat(int32(runs.size()), concat(runs.toArray(byte[][]::new))));
  }

  private byte[] syncSamples() {
    byte[] entries = new byte[4 * keyFrames.size()];
    for (int i = 0; i < keyFrames.size(); i++) {
      System.arraycopy(int32(keyFrames.get(i)), 0, entries, 4 * i, 4);
    }
    return fullBox("stss", 0, 0, concat(int32(keyFrames.size()), entries));
  }

  private static byte[] sampleToChunk(List<long[]> chunks) {
    List<byte[]> runs = new ArrayList<>();
    long previous = -1;
    for (int c = 0; c < chunks.size(); c++) {
      if (chunks.get(c)[1] != previous) {
        previous = chunks.get(c)[1];
        runs.add(concat(int32(c + 1), int32((int) previous), int32(1)));
      }
    }
    return fullBox("stsc", 0, 0, concat(int32(runs.size()), concat(runs.toArray(byte[][]::new))));
  }

  private static byte[] sampleSizes(List<Integer> sizes) {
    byte[] entries = new byte[4 * sizes.size()];
    for (int i = 0; i < sizes.size(); i++) {
      System.arraycopy(int32(sizes.get(i)), 0, entries, 4 * i, 4);
    }
    return fullBox("stsz", 0, 0, concat(int32(0), int32(sizes.size()), entries));
  }

  private static byte[] chunkOffsets(List<long[]> chunks, long shift) {
    byte[] entries = new byte[4 * chunks.size()];
    for (int i = 0; i < chunks.size(); i++) {
      System.arraycopy(int32((int) (chunks.get(i)[0] - shift)), 0, entries, 4 * i, 4);
    }
    return fullBox("stco", 0, 0, concat(int32(chunks.size()), entries));
  }

  private static byte[] matrix() {
    return concat(int32(0x00010000), int32(0), int32(0), int32(0), int32(0x00010000), int32(0), int32(0), int32(0),
        int32(0x40000000));
  }

  private static byte[] box(String type, byte[] content) {
    return concat(int32(8 + content.length), ascii(type), content);
  }

  private static byte[] fullBox(String type, int version, int flags, byte[] content) {
    return box(type, concat(new byte[] {(byte) version, (byte) (flags >> 16), (byte) (flags >> 8), (byte) flags},
        content));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static byte[] int16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  private static byte[] int24(int v) {
    return new byte[] {(byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
