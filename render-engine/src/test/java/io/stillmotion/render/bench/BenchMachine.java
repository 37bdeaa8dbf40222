package io.stillmotion.render.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a bench ran on, printed in its header so that runs on different machines are not compared as
 * if they were one: the ratios against x264 and ffmpeg move with the CPU, because their hand-written
 * vector code and our JIT-compiled Java do not scale alike (an AMD Zen 4 and an Intel Sapphire Rapids
 * of these 2-core machines put the same build at 1.18x and 0.97x x264's speed on the same frames).
 * Linux's {@code /proc} where it is there; the JVM's own view elsewhere.
 */
public final class BenchMachine {

  private BenchMachine() {
  }

  /** E.g. "Intel(R) Xeon(R) Processor, 2 cores, AVX-512". */
  public static String cpu() {
    return cpuModel().orElse(System.getProperty("os.arch")) + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, " + vectorWidth();
  }

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  public static String loadAverage() {
    return read("/proc/loadavg")
        .map(text -> String.join(" ", List.of(text.trim().split("\\s+")).subList(0, 3)))
        .orElse("unknown");
  }

  static Optional<String> cpuModel() {
    return read("/proc/cpuinfo").flatMap(text -> field(text, "model name"));
  }

  /** The widest x86 vector extension the CPU reports (what C2 may use), or "vector width unknown". */
  static String vectorWidth() {
    return vectorWidth(read("/proc/cpuinfo").flatMap(text -> field(text, "flags")).orElse(""));
  }

  static String vectorWidth(String flagsLine) {
    Set<String> flags = flagsLine.isBlank() ? Set.of() : Set.of(flagsLine.trim().split("\\s+"));
    if (flags.contains("avx512f")) {
      return "AVX-512";
    }
    if (flags.contains("avx2")) {
      return "AVX2";
    }
    return flags.isEmpty() ? "vector width unknown" : "no AVX2";
  }

  /** The value of the first "name : value" line of a /proc text. */
  static Optional<String> field(String text, String name) {
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return Optional.of(line.substring(colon + 1).trim());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> read(String path) {
    try {
      return Optional.of(Files.readString(Path.of(path)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
