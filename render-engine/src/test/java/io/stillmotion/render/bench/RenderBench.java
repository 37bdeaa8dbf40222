package io.stillmotion.render.bench;

import io.stillmotion.render.RenderSpec;
import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;

import io.stillmotion.render.ReferenceFrames;
import io.stillmotion.render.VideoEncoder;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.TestMedia;
import io.stillmotion.render.VideoRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speed, size and fidelity of the render engine on a procedural photo-like image and a real photo
 * at 720p30 and 1080p30 (5 s Ken Burns), against x264 veryfast fed the very same frames and
 * against ffmpeg's own zoompan pipeline when ffmpeg is installed. Run with {@code make bench}.
 * System property {@code shared.dir} points at the shared folder (default ../shared from the repo),
 * {@code bench.photo} names another of its photos than the path photo.
 */
public final class RenderBench {

  private static final double SECONDS = 5;
  private static final int FPS = 30;
  private static final String REAL_PHOTO = System.getProperty("bench.photo", "path-2560x1600.jpg");
  private static final int[][] SIZES = {{1280, 720}, {1920, 1080}};

  private record Row(String image, String size, double seconds, double fps, double cpuFps, long bytes, double mbits,
      double psnr, double ssim, long peakHeapMb, String x264, String zoompan) {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    int threads = Runtime.getRuntime().availableProcessors();
    Path work = Files.createTempDirectory("stillmotion-bench");
    byte[] procedural = TestMedia.encode(TestMedia.photoLike(2560, 1440, 11), "png");
    byte[] photo = Files.readAllBytes(TestMedia.requiredSharedPhoto(REAL_PHOTO));
    List<Row> rows = new ArrayList<>();
    try {
      String colour = "";
      for (VideoEncoder encoder : encoders()) {
        try (VideoRenderer renderer = new VideoRenderer(threads, encoder)) {
          for (int[] size : SIZES) {
            warmUp(renderer, procedural, size[0], size[1], work);
            warmUp(renderer, photo, size[0], size[1], work);
          }
          for (int[] size : SIZES) {
            String tag = encoder.configName() + ": ";
            rows.add(measure(renderer, tag + "procedural", procedural, size[0], size[1], work));
            rows.add(measure(renderer, tag + REAL_PHOTO, photo, size[0], size[1], work));
          }
          colour += encoder.configName() + " encoder: " + flatPatchError(renderer, work) + System.lineSeparator();
        }
      }
      print(rows, threads, colour);
    } finally {
      deleteTree(work);
    }
  }

  /** Both encoders, or those named in {@code -Dbench.encoders=motion,jcodec} (to profile one alone). */
  private static List<VideoEncoder> encoders() {
    String named = System.getProperty("bench.encoders", "");
    if (named.isBlank()) {
      return List.of(VideoEncoder.values());
    }
    return java.util.Arrays.stream(named.split(",")).map(n -> VideoEncoder.fromConfigName(n.trim())
        .orElseThrow(() -> new IllegalArgumentException("unknown encoder " + n))).toList();
  }


  private static RenderSpec options(int w, int h) {
    return new RenderSpec(Effect.KEN_BURNS, SECONDS, FPS, w, h, Easing.EASE_IN_OUT, 0.5, 0.5, Quality.MEDIUM);
  }

  /**
   * Renders a row's job unmeasured. Every job is rendered once before any is measured: on two cores the
   * JIT needs several renders to compile the render path for both images and both sizes (the second
   * render of a fresh JVM takes about 1.2x the sixth), and x264, which it is set against, has no warm-up
   * to pay. A service that has rendered a few videos runs at this steady state.
   */
  private static void warmUp(VideoRenderer renderer, byte[] image, int w, int h, Path work) throws Exception {
    Files.delete(renderer.render(image, options(w, h), work, RenderListener.NONE).video());
  }

  private static Row measure(VideoRenderer renderer, String name, byte[] image, int w, int h, Path work)
      throws Exception {
    RenderSpec o = options(w, h);
    System.gc();
    resetPeakHeap();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    RenderResult result = renderer.render(image, o, work, RenderListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    int threads = Runtime.getRuntime().availableProcessors();
    long peak = peakHeapMb();
    ReferenceFrames reference = new ReferenceFrames(image, o);
    double[] quality = fidelity(result.video(), reference, w, h);
    String x264 = "-";
    String zoompan = "-";
    if (TestMedia.ffmpegAvailable()) {
      x264 = x264(reference, o, work, seconds, result.videoBytes(), quality[0]);
      zoompan = zoompan(image, o, work);
    }
    Files.delete(result.video());
    return new Row(name, w + "x" + h, seconds, o.frameCount() / seconds, o.frameCount() * threads / cpuSeconds,
        result.videoBytes(),
        result.videoBytes() * 8 / SECONDS / 1e6, quality[0], quality[1], peak, x264, zoompan);
  }

  /** Mean PSNR-Y and SSIM-Y of the decoded video against the exact frames the encoder was given. */
  private static double[] fidelity(Path video, ReferenceFrames reference, int w, int h) throws IOException {
    AtomicInteger index = new AtomicInteger();
    double[] sums = new double[2];
    TestMedia.decodeFrames(video, w, h, frame -> {
      byte[] want = reference.frame(index.getAndIncrement());
      sums[0] += TestMedia.psnrY(want, frame, w, h);
      sums[1] += TestMedia.ssimY(want, frame, w, h);
    });
    int n = Math.max(1, index.get());
    return new double[] {sums[0] / n, sums[1] / n};
  }

  /** One x264 veryfast encode of the frames: its wall time, size and mean PSNR-Y against them. */
  record X264(int crf, double seconds, long bytes, double psnr) {
  }

  /**
   * x264 veryfast on the same frames piped raw, at its default CRF 23: its speed, size and PSNR-Y, and
   * ours as ratios. Then the size at equal PSNR-Y: x264 again at CRFs two apart until its PSNR-Y
   * brackets ours, and its size at our PSNR-Y interpolated between the two (log of the size linear
   * in PSNR-Y, as rate-distortion curves are over a few dB).
   */
  private static String x264(ReferenceFrames reference, RenderSpec o, Path work, double ourSeconds, long ourBytes,
      double ourPsnr) throws Exception {
    X264 base = x264Run(reference, o, work, 23);
    if (base == null) {
      return "x264 failed";
    }
    X264 near = base;
    X264 far = null;
    int step = ourPsnr > base.psnr() ? -2 : 2;
    for (int crf = 23 + step; crf >= 10 && crf <= 40 && Math.abs(crf - 23) <= 10; crf += step) {
      X264 run = x264Run(reference, o, work, crf);
      if (run == null) {
        break;
      }
      if ((run.psnr() - ourPsnr) * (near.psnr() - ourPsnr) <= 0) {
        far = run;
        break;
      }
      near = run;
    }
    String equal = "-";
    if (far != null && far.psnr() != near.psnr()) {
      double t = (ourPsnr - near.psnr()) / (far.psnr() - near.psnr());
      double bytesAtOurs = Math.exp(Math.log(near.bytes()) + t * (Math.log(far.bytes()) - Math.log(near.bytes())));
      equal = String.format("x%.2f (x264 CRF %d..%d)", ourBytes / bytesAtOurs, Math.min(near.crf(), far.crf()),
          Math.max(near.crf(), far.crf()));
    }
    return String.format("%.0f fps %.2f Mbit/s %.1f dB | ours: speed x%.2f size x%.2f, size at equal PSNR-Y %s",
        o.frameCount() / base.seconds(), base.bytes() * 8 / SECONDS / 1e6, base.psnr(), base.seconds() / ourSeconds,
        (double) ourBytes / base.bytes(), equal);
  }

  /** One x264 veryfast encode of the frames at this CRF (null when x264 failed); also {@link BytesBench}'s. */
  static X264 x264Run(ReferenceFrames reference, RenderSpec o, Path work, int crf) throws Exception {
    Path out = work.resolve("x264.mp4");
    Process p = new ProcessBuilder(TestMedia.FFMPEG.toString(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt",
        "yuv420p", "-s", o.width() + "x" + o.height(), "-r", String.valueOf(o.fps()), "-i", "-", "-c:v", "libx264",
        "-preset", "veryfast", "-crf", String.valueOf(crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        out.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long start = System.nanoTime();
    try (OutputStream in = p.getOutputStream()) {
      reference.forEach(f -> {
        try {
          in.write(f);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    if (p.waitFor() != 0) {
      return null;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = Files.size(out);
    AtomicInteger i = new AtomicInteger();
    double[] psnr = new double[1];
    TestMedia.decodeFrames(out, o.width(), o.height(),
        f -> psnr[0] += TestMedia.psnrY(reference.frame(i.getAndIncrement()), f, o.width(), o.height()));
    Files.delete(out);
    return new X264(crf, seconds, bytes, psnr[0] / Math.max(1, i.get()));
  }

  /** ffmpeg doing the whole job itself: decode, zoompan, x264 veryfast. */
  private static String zoompan(byte[] image, RenderSpec o, Path work) throws Exception {
    Path in = work.resolve("input.img");
    Files.write(in, image);
    Path out = work.resolve("zoompan.mp4");
    int frames = o.frameCount();
    String filter = String.format("scale=%d:-2,zoompan=z='min(zoom+%.5f,1.2)':x='iw/2-(iw/zoom/2)':"
        + "y='ih/2-(ih/zoom/2)':d=%d:s=%dx%d:fps=%d", o.width() * 2, 0.2 / frames, frames, o.width(), o.height(),
        o.fps());
    long start = System.nanoTime();
    int rc = new ProcessBuilder(TestMedia.FFMPEG.toString(), "-v", "error", "-y", "-i", in.toString(), "-vf",
        filter, "-frames:v", String.valueOf(frames), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt",
        "yuv420p", out.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start().waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (rc != 0) {
      return "zoompan failed";
    }
    String result = String.format("%.0f fps %.2f Mbit/s", frames / seconds, Files.size(out) * 8 / SECONDS / 1e6);
    Files.delete(out);
    Files.delete(in);
    return result;
  }

  /** Worst and mean error on flat colour patches after encode and decode (720p, 2 s zoom-in). */
  private static String flatPatchError(VideoRenderer renderer, Path work) throws Exception {
    byte[] image = TestMedia.encode(TestMedia.patches(1920, 1080, 0xD03030, 0x30B040, 0x3050D0, 0xF0E0C0,
        0x404040, 0xE0A020), "png");
    RenderSpec o = new RenderSpec(Effect.ZOOM_IN, 2, FPS, 1280, 720, Easing.LINEAR, 0.5, 0.5, Quality.MEDIUM);
    RenderResult result = renderer.render(image, o, work, RenderListener.NONE);
    ReferenceFrames reference = new ReferenceFrames(image, o);
    AtomicInteger index = new AtomicInteger();
    long[] stats = new long[3];
    int w = 1280;
    int h = 720;
    TestMedia.decodeFrames(result.video(), w, h, got -> {
      byte[] want = reference.frame(index.getAndIncrement());
      int[][] planes = {{0, w, h, 20}, {w * h, w / 2, h / 2, 10}, {w * h * 5 / 4, w / 2, h / 2, 10}};
      for (int[] p : planes) {
        int r = p[3];
        for (int y = r; y < p[2] - r; y += 7) {
          for (int x = r; x < p[1] - r; x += 7) {
            if (flat(want, p[0], p[1], x, y, r)) {
              int e = Math.abs((want[p[0] + y * p[1] + x] & 0xFF) - (got[p[0] + y * p[1] + x] & 0xFF));
              stats[0] = Math.max(stats[0], e);
              stats[1] += e;
              stats[2]++;
            }
          }
        }
      }
    });
    Files.delete(result.video());
    return String.format("flat patches after encode+decode (Y'CbCr levels): worst %d, mean %.2f over %d samples",
        stats[0], (double) stats[1] / Math.max(1, stats[2]), stats[2]);
  }

  private static boolean flat(byte[] f, int offset, int stride, int x, int y, int r) {
    int v = f[offset + y * stride + x];
    for (int dy = -r; dy <= r; dy += 2) {
      for (int dx = -r; dx <= r; dx += 2) {
        if (f[offset + (y + dy) * stride + x + dx] != v) {
          return false;
        }
      }
    }
    return true;
  }

  /** CPU time of the whole JVM (all threads, GC included): a fair speed measure on a busy machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static void print(List<Row> rows, int threads, String colour) {
    System.out.printf("%nStillmotion render bench: %d threads, %s, %s, load %s, 5 s Ken Burns at 30 fps, quality MEDIUM%n",
        threads, Runtime.version(), BenchMachine.cpu(), BenchMachine.loadAverage());
    System.out.printf("%-28s %-10s %8s %7s %8s %10s %7s %8s %7s %9s%n", "image", "size", "wall s", "fps",
        "cpu-fps", "bytes", "Mbit/s", "PSNR-Y", "SSIM-Y", "peak MB");
    for (Row r : rows) {
      System.out.printf("%-28s %-10s %8.2f %7.1f %8.1f %10d %7.2f %8.2f %7.4f %9d%n", r.image, r.size, r.seconds,
          r.fps, r.cpuFps, r.bytes, r.mbits, r.psnr, r.ssim, r.peakHeapMb);
    }
    System.out.println("cpu-fps: frames per second if the JVM's CPU time (GC included) had all cores to itself;"
        + " differs from fps when other work shares the machine.");
    System.out.println();
    System.out.println("x264 veryfast on the same frames (and ours relative to it: speed >1 = we are faster,"
        + " size >1 = we are bigger; the size at equal PSNR-Y interpolates x264 runs at CRFs around ours);"
        + " ffmpeg zoompan end to end:");
    for (Row r : rows) {
      System.out.printf("%-28s %-10s x264: %s%n%-39s zoompan: %s%n", r.image, r.size, r.x264, "", r.zoompan);
    }
    System.out.println();
    System.out.println(colour);
    System.out.println("levels: 720p30 -> 3.1 (14 Mbit/s), 1080p30 -> 4.0 (20 Mbit/s)");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
