package io.stillmotion.render;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** ffprobe/ffmpeg as an independent reader of the audio we mux (tests call it only when installed). */
public final class Ffprobe {

  private Ffprobe() {
  }

  /** The audio stream's duration in seconds, as ffprobe counts its packets. */
  public static double audioSeconds(Path file) throws IOException {
    String out = run(List.of("/usr/bin/ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
        "stream=duration", "-of", "csv=p=0", file.toString()));
    return Double.parseDouble(out.trim());
  }

  /** What ffmpeg complains about while decoding every stream of the file (empty: nothing). */
  public static String decodeErrors(Path file) throws IOException {
    Process p = new ProcessBuilder("/usr/bin/ffmpeg", "-v", "error", "-i", file.toString(), "-f", "null", "-")
        .redirectErrorStream(true).start();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  /** The sound decoded to mono 16-bit PCM at the given rate. */
  public static short[] decodeMono(Path file, int rate) throws IOException {
    Process p = new ProcessBuilder("/usr/bin/ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:a", "-ac", "1",
        "-ar", String.valueOf(rate), "-f", "s16le", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    short[] pcm = new short[bytes.length / 2];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
    return pcm;
  }

  public static double rms(short[] pcm, int from, int to) {
    double sum = 0;
    for (int i = Math.max(0, from); i < Math.min(pcm.length, to); i++) {
      sum += (double) pcm[i] * pcm[i];
    }
    return Math.sqrt(sum / Math.max(1, to - from));
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
