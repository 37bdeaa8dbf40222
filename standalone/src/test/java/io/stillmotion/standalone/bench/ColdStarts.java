package io.stillmotion.standalone.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The first video after a start, in fresh JVMs: one cold start is one sample of a number that moves by
 * a third from run to run on these machines (the JIT's work races the render), so the bench starts
 * {@code bench.coldStarts - 1} more JVMs of itself, one after another and before its own service is up,
 * each running the service to its first video and reporting it on one line, and prints the median of all.
 * Each child has the parent's JVM flags, system properties and class path, and a data folder of its own.
 */
final class ColdStarts {

  /** Set on a child: start the service, upload the first video, report it, stop. */
  static final String CHILD = "bench.coldChild";
  private static final String MARK = "cold-start-run ";

  private ColdStarts() {
  }

  static boolean isChild() {
    return Boolean.getBoolean(CHILD);
  }

  /** How many first videos to measure in all, the bench's own included ({@code -Dbench.coldStarts}, default 3). */
  static int wanted() {
    return Math.max(1, Integer.getInteger("bench.coldStarts", 3));
  }

  /** Runs {@code n} fresh JVMs of {@code main} one after another, each to its first video; their runs. */
  static List<EndToEnd.Run> inOtherJvms(int n, Class<?> main) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-D" + CHILD + "=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    List<EndToEnd.Run> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<String> output = new String(process.getInputStream().readAllBytes()).lines().toList();
      int rc = process.waitFor();
      EndToEnd.Run run = output.stream().filter(line -> line.startsWith(MARK)).findFirst()
          .map(ColdStarts::parse).orElse(null);
      if (rc != 0 || run == null) {
        throw new IllegalStateException("cold start " + (i + 1) + " failed (exit " + rc + "): "
            + String.join("\n", output));
      }
      runs.add(run);
    }
    return runs;
  }

  /** A child's report: the one line its parent looks for. */
  static void report(EndToEnd.Run run) {
    System.out.printf(Locale.ROOT, "%s%.4f %.4f %.4f %.4f%n", MARK, run.totalSeconds(), run.postSeconds(),
        run.renderSeconds(), run.cpuSeconds());
  }

  private static EndToEnd.Run parse(String line) {
    String[] f = line.substring(MARK.length()).trim().split(" ");
    return new EndToEnd.Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3]), Map.of());
  }
}
