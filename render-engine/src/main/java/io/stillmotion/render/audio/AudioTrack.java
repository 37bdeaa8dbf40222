package io.stillmotion.render.audio;

import java.util.List;

/**
 * Compressed audio ready to mux: how the MP4 sample entry describes it ({@code mp4a} with an
 * MPEG-4 object type: 0x40 AAC, 0x6B MPEG-1 audio, 0x69 MPEG-2 audio; the AAC
 * AudioSpecificConfig) and its frames, each a sample of the track, in order.
 */
public record AudioTrack(int objectType, byte[] decoderConfig, int timescale, int sampleRate, int channels,
    long averageBitrate, long maxBitrate, int maxFrameBytes, List<Frame> frames) {

  /** One compressed frame: {@code length} bytes of {@code data} from {@code offset}, lasting {@code duration} ticks. */
  public record Frame(byte[] data, int offset, int length, int duration) {
  }

  public long durationTicks() {
    return frames.stream().mapToLong(Frame::duration).sum();
  }

  public double durationSeconds() {
    return (double) durationTicks() / timescale;
  }
}
