package io.stillmotion.render;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which H.264 encoder turns rendered frames into the stream. */
public enum VideoEncoder {
  /**
   * Ours ({@code io.stillmotion.render.h264}): motion vectors from the camera path, P_Skip,
   * quarter-pel, decoder-exact reconstruction. About 15x smaller than jcodec's at better quality.
   */
  MOTION(10.0),
  /** jcodec's stock encoder: whole-pixel search, no skipped blocks; kept for comparison. */
  JCODEC(1.5);

  /**
   * Longest GOP. jcodec's IDR frames are coded at QP 15 (its intra prediction drifts above
   * it), so it wants them often; ours codes IDR frames normally, and each one costs bytes (two
   * IDR frames were half of a 5 s 720p video), so a GOP runs up to 10 s: what a player may have to
   * decode from to seek.
   */
  final double maxGopSeconds;

  VideoEncoder(double maxGopSeconds) {
    this.maxGopSeconds = maxGopSeconds;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<VideoEncoder> fromConfigName(String name) {
    return Arrays.stream(values()).filter(e -> e.configName().equals(name)).findFirst();
  }
}
