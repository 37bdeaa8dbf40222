package io.stillmotion.standalone.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where this JVM's CPU time went between two snapshots, by kind of thread (names with their numbers
 * taken out, e.g. {@code vert.x-eventloop-thread-#}), and what no Java thread accounts for (GC, JIT,
 * the VM's own threads: the process's CPU time minus every Java thread's). A thread that ended between
 * the two snapshots is not counted (its time lands in the JVM's row).
 */
final class ThreadCpu {

  static final String JVM = "JVM: GC, JIT, VM threads";
  static final String JIT = "  of which the JIT compiling (its threads' time, not only CPU)";
  static final String GC = "  of which GC pauses (wall time)";
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> nanosById;
  private final Map<Long, String> kindById;
  private final long processNanos;
  private final long jitMillis;
  private final long gcMillis;

  private ThreadCpu(Map<Long, Long> nanosById, Map<Long, String> kindById, long processNanos) {
    this.nanosById = nanosById;
    this.kindById = kindById;
    this.processNanos = processNanos;
    this.jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    this.gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
  }

  static ThreadCpu now() {
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> kinds = new HashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = THREADS.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        nanos.put(info.getThreadId(), cpu);
        kinds.put(info.getThreadId(), kind(info.getThreadName()));
      }
    }
    return new ThreadCpu(nanos, kinds, EndToEnd.processCpuNanos());
  }

  /** Seconds of CPU per kind of thread from {@code before} to this snapshot, the JVM's own row included. */
  Map<String, Double> since(ThreadCpu before) {
    Map<String, Double> seconds = new TreeMap<>();
    long java = 0;
    for (Map.Entry<Long, Long> thread : nanosById.entrySet()) {
      long delta = thread.getValue() - before.nanosById.getOrDefault(thread.getKey(), 0L);
      java += delta;
      seconds.merge(kindById.get(thread.getKey()), delta / 1e9, Double::sum);
    }
    seconds.put(JVM, (processNanos - before.processNanos - java) / 1e9);
    seconds.put(JIT, (jitMillis - before.jitMillis) / 1e3);
    seconds.put(GC, (gcMillis - before.gcMillis) / 1e3);
    return seconds;
  }

  /** Median seconds per kind over several videos, largest first. */
  static Map<String, Double> medians(List<Map<String, Double>> runs) {
    Map<String, List<Double>> all = new HashMap<>();
    runs.forEach(run -> run.forEach((kind, s) -> all.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add(s)));
    all.values().forEach(values -> {
      while (values.size() < runs.size()) {
        values.add(0.0);
      }
    });
    Map<String, Double> medians = new LinkedHashMap<>();
    all.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), EndToEnd.median(e.getValue())))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> medians.put(e.getKey(), e.getValue()));
    return medians;
  }

  private static String kind(String name) {
    return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
        .replaceAll("[0-9]+", "#");
  }
}
