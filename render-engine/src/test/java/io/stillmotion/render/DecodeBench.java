package io.stillmotion.render;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A photo's decode as a render starts it ({@link ImageDecoder#decode} with the render's row bands: the
 * calling thread and one helper per other core), ImageIO's path and ours alternating in one warm JVM:
 * CPU time of the decoding threads and wall time of each, per pair, and the ratio of the means. Run from {@code render-engine/}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) -Dshared.dir=<shared>
 * [-Dbench.pairs=10] io.stillmotion.render.DecodeBench colorful-cups-2560x1600.jpg autumn-2560x1600.jpg}.
 */
public final class DecodeBench {

  private DecodeBench() {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    int pairs = Integer.getInteger("bench.pairs", 10);
    int warm = Integer.getInteger("bench.warm", 8);
    int threads = Runtime.getRuntime().availableProcessors();
    java.util.List<Thread> measured = new java.util.concurrent.CopyOnWriteArrayList<>(
        java.util.List.of(Thread.currentThread()));
    ExecutorService helpers = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
      Thread t = new Thread(r, "decode-bench-helper");
      measured.add(t);
      t.setDaemon(true);
      return t;
    });
    RowBands bands = new RowBands(helpers, threads - 1);
    var mx = ManagementFactory.getThreadMXBean();
    for (String name : args) {
      byte[] bytes = Files.readAllBytes(TestMedia.requiredSharedPhoto(name));
      for (int i = 0; i < warm; i++) {
        ImageDecoder.decodeTraced(bytes, ImageDecoder.DEFAULT_GUARD, bands, false);
        ImageDecoder.decodeTraced(bytes, ImageDecoder.DEFAULT_GUARD, bands, true);
      }
      double[] sum = new double[4];
      System.out.printf("%s (%d bytes), %d pairs, ms: ImageIO cpu/wall, ours cpu/wall, cpu ratio%n", name,
          bytes.length, pairs);
      for (int i = 0; i < pairs; i++) {
        double[] pair = new double[4];
        for (int side = 0; side < 2; side++) {
          // alternate which one goes first
          boolean own = (side == 0) == (i % 2 == 1);
          System.gc();
          long cpu0 = cpu(mx, measured);
          long wall0 = System.nanoTime();
          ImageDecoder.Traced t = ImageDecoder.decodeTraced(bytes, ImageDecoder.DEFAULT_GUARD, bands, own);
          long wall = System.nanoTime() - wall0;
          long cpu = cpu(mx, measured) - cpu0;
          if (t.ownJpegDecoder() && !own) {
            throw new IllegalStateException("own decoder used");
          }
          if (own && !t.ownJpegDecoder()) {
            System.out.println("  (not a file our decoder handles: ImageIO both times)");
          }
          int at = own ? 2 : 0;
          pair[at] = cpu / 1e6;
          pair[at + 1] = wall / 1e6;
        }
        for (int k = 0; k < 4; k++) {
          sum[k] += pair[k];
        }
        System.out.printf("  pair %2d: %7.1f %7.1f   %7.1f %7.1f   %.3f%n", i + 1, pair[0], pair[1], pair[2], pair[3],
            pair[2] / pair[0]);
      }
      System.out.printf("  mean:    %7.1f %7.1f   %7.1f %7.1f   cpu %.3f, wall %.3f%n", sum[0] / pairs,
          sum[1] / pairs, sum[2] / pairs, sum[3] / pairs, sum[2] / sum[0], sum[3] / sum[1]);
      acceptCheck(bytes, pairs, mx, measured);
    }
    helpers.shutdown();
  }

  /** The upload's check ({@link ImageGuard#verify}): ImageIO's decode of every byte, then ours. */
  private static void acceptCheck(byte[] bytes, int pairs, java.lang.management.ThreadMXBean mx,
      java.util.List<Thread> measured) throws Exception {
    ImageGuard guard = ImageDecoder.DEFAULT_GUARD;
    ImageGuard.Inspection image = guard.inspect(bytes);
    for (int i = 0; i < 4; i++) {
      guard.verifyByDecoding(image);
      guard.verify(image);
    }
    double[] sum = new double[2];
    System.out.printf("  accept check, ms CPU: ImageIO, ours%n");
    for (int i = 0; i < pairs; i++) {
      double[] pair = new double[2];
      for (int side = 0; side < 2; side++) {
        boolean own = (side == 0) == (i % 2 == 1);
        long cpu0 = cpu(mx, measured);
        if (own) {
          guard.verify(image);
        } else {
          guard.verifyByDecoding(image);
        }
        pair[own ? 1 : 0] = (cpu(mx, measured) - cpu0) / 1e6;
      }
      sum[0] += pair[0];
      sum[1] += pair[1];
      System.out.printf("  pair %2d: %7.1f %7.1f   %.3f%n", i + 1, pair[0], pair[1], pair[1] / pair[0]);
    }
    System.out.printf("  mean:    %7.1f %7.1f   %.3f%n", sum[0] / pairs, sum[1] / pairs, sum[1] / sum[0]);
  }

  /** CPU time of the decoding threads: the caller and the row bands' helpers. */
  private static long cpu(java.lang.management.ThreadMXBean mx, java.util.List<Thread> threads) {
    long sum = 0;
    for (Thread t : threads) {
      sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
    }
    return sum;
  }
}
