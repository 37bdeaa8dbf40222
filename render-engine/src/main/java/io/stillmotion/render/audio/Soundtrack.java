package io.stillmotion.render.audio;

import io.stillmotion.render.InvalidStoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * A story's music, probed like an image: the type is sniffed from the bytes (never from a name),
 * every frame header is walked, limits are checked, and nothing is decoded. AAC (M4A, or ADTS
 * ".aac") and MP3 are accepted; the frames go into the MP4 unchanged (there is no AAC encoder in
 * pure Java, and no need for one: AAC and MP3 in MP4 play in browsers).
 *
 * <p>Limits: at most {@value #MAX_BYTES} bytes, {@value #MIN_SECONDS} s to {@value #MAX_SECONDS} s
 * of sound, sample rates up to 48 kHz. Refusals are {@link InvalidStoryException}s on the field
 * {@code audio}: {@code unsupported_audio} (not a format we read: 415),
 * {@code audio_unreadable}, {@code audio_too_large}, {@code audio_too_long},
 * {@code audio_too_short} (422).
 *
 * <p>{@link #fitTo} cuts it at the audio frame nearest the video's end, or loops it when shorter.
 * MP3 is faded out over the last second by lowering each granule's global gain in its side
 * information (exact, no re-encoding). AAC is not faded: its second channel's gain can only be
 * found by decoding the first channel's spectral data, and re-encoding needs an AAC encoder.
 */
public final class Soundtrack {

  /** The soundtrack file formats read. */
  public enum Format {
    AAC_ADTS,
    AAC_MP4,
    MP3
  }

  public static final int MAX_BYTES = 20 * 1024 * 1024;
  public static final double MAX_SECONDS = 600;
  public static final double MIN_SECONDS = 0.5;
  /** MP3 fade-out at the end of the video, at most this long (and at most a quarter of the video). */
  public static final double FADE_SECONDS = 1.0;
  static final int MAX_SAMPLE_RATE = 48_000;
  static final int OTI_AAC = 0x40;
  static final int OTI_MPEG2_AUDIO = 0x69;
  static final int OTI_MPEG1_AUDIO = 0x6B;

  private final Parsed parsed;
  private final long bytes;

  private Soundtrack(Parsed parsed, long bytes) {
    this.parsed = parsed;
    this.bytes = bytes;
  }

  /** Sniffs, walks and checks the file. The bytes are kept (not copied): do not change them afterwards. */
  public static Soundtrack probe(byte[] data) throws InvalidStoryException {
    if (data == null || data.length == 0) {
      throw unreadable("the file is empty");
    }
    if (data.length > MAX_BYTES) {
      throw new InvalidStoryException("audio_too_large", "audio",
          "The soundtrack has " + data.length + " bytes; at most " + MAX_BYTES + " are accepted");
    }
    Parsed p = parse(data);
    Soundtrack s = new Soundtrack(p, data.length);
    double seconds = s.durationSeconds();
    if (seconds > MAX_SECONDS) {
      throw new InvalidStoryException("audio_too_long", "audio",
          String.format("The soundtrack lasts %.0f s; at most %.0f s (10 min) are accepted", seconds, MAX_SECONDS));
    }
    if (seconds < MIN_SECONDS) {
      throw new InvalidStoryException("audio_too_short", "audio",
          String.format("The soundtrack lasts %.2f s; at least %.1f s are needed", seconds, MIN_SECONDS));
    }
    return s;
  }

  private static Parsed parse(byte[] data) throws InvalidStoryException {
    if (Mp4AudioReader.looksLike(data)) {
      return Mp4AudioReader.read(data);
    }
    int at = Bytes.id3Length(data);
    if (AdtsReader.looksLike(data, at)) {
      return AdtsReader.read(data);
    }
    if (Mp3Reader.looksLike(data, at)) {
      return Mp3Reader.read(data);
    }
    throw unsupported("The soundtrack must be AAC (M4A or ADTS) or MP3");
  }

  public Format format() {
    return parsed.format();
  }

  public int sampleRate() {
    return parsed.sampleRate();
  }

  public int channels() {
    return parsed.channels();
  }

  public double durationSeconds() {
    long ticks = parsed.frames().stream().mapToLong(AudioTrack.Frame::duration).sum();
    return (double) ticks / parsed.timescale();
  }

  /**
   * The soundtrack as long as a video of {@code videoSeconds}: whole frames, looped from the start
   * as often as needed, ending on the frame boundary nearest the video's end (so within half an
   * audio frame of it); an MP3 fades out.
   */
  public AudioTrack fitTo(double videoSeconds) {
    List<AudioTrack.Frame> source = parsed.frames();
    long target = Math.round(videoSeconds * parsed.timescale());
    List<AudioTrack.Frame> out = new ArrayList<>();
    long ticks = 0;
    int i = 0;
    while (out.isEmpty() || ticks + source.get(i).duration() / 2 < target) {
      AudioTrack.Frame f = source.get(i);
      out.add(f);
      ticks += f.duration();
      i = (i + 1) % source.size();
    }
    if (parsed.format() == Format.MP3) {
      long fade = Math.min(Math.round(FADE_SECONDS * parsed.timescale()), ticks / 4);
      Mp3Fade.fadeOut(out, ticks, fade);
    }
    int maxFrame = source.stream().mapToInt(AudioTrack.Frame::length).max().orElse(0);
    long average = Math.round(bytes * 8 / durationSeconds());
    int shortest = source.stream().mapToInt(AudioTrack.Frame::duration).filter(d -> d > 0).min().orElse(1);
    long peak = Math.round(maxFrame * 8.0 * parsed.timescale() / shortest);
    return new AudioTrack(parsed.objectType(), parsed.decoderConfig(), parsed.timescale(), parsed.sampleRate(),
        parsed.channels(), Math.min(average, peak), peak, maxFrame, out);
  }

  static InvalidStoryException unsupported(String message) {
    return new InvalidStoryException("unsupported_audio", "audio", message);
  }

  static InvalidStoryException unreadable(String reason) {
    return new InvalidStoryException("audio_unreadable", "audio", "The soundtrack could not be read: " + reason);
  }

  /** Frames must account for most of the file: a few stray bytes at the end are tolerated, junk is not. */
  static void checkCovered(long total, long covered) throws InvalidStoryException {
    if (total - covered > Math.max(4096, total / 10)) {
      throw unreadable("part of it is not audio (damaged or cut)");
    }
  }
}
