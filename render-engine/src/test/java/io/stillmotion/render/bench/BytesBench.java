package io.stillmotion.render.bench;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import io.stillmotion.render.ReferenceFrames;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.RenderSpec;
import io.stillmotion.render.TestMedia;
import io.stillmotion.render.VideoEncoder;
import io.stillmotion.render.VideoRenderer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Only RenderBench's size column: our bytes against x264 veryfast's at equal PSNR-Y, per photo and
 * size, with x264's runs kept in {@code bench.x264Cache} (the frames do not change while the encoder
 * does). Arguments: photo file names (under shared/testdata/photos) and sizes, e.g.
 * {@code colorful-cups-2560x1600.jpg:1280x720} (a third field names another quality than medium:
 * {@code path-2560x1600.jpg:1280x720:high}). Run with {@code -Dshared.dir=...} from render-engine.
 */
public final class BytesBench {

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Path cache = Path.of(System.getProperty("bench.x264Cache", "target/x264-cache"));
    Files.createDirectories(cache);
    Path work = Files.createTempDirectory("bytes-bench");
    int warm = Integer.getInteger("bench.warm", 2);
    try (VideoRenderer renderer = new VideoRenderer(Runtime.getRuntime().availableProcessors(), VideoEncoder.MOTION)) {
      for (String job : args) {
        String[] parts = job.split(":");
        String[] size = parts[1].split("x");
        int w = Integer.parseInt(size[0]);
        int h = Integer.parseInt(size[1]);
        byte[] image = Files.readAllBytes(TestMedia.requiredSharedPhoto(parts[0]));
        Quality quality = parts.length > 2 ? Quality.fromApiName(parts[2]).orElseThrow() : Quality.MEDIUM;
        RenderSpec o = new RenderSpec(Effect.KEN_BURNS, 5, 30, w, h, Easing.EASE_IN_OUT, 0.5, 0.5, quality);
        for (int i = 0; i < warm; i++) {
          Files.delete(renderer.render(image, o, work, RenderListener.NONE).video());
        }
        long cpu0 = cpu();
        RenderResult r = renderer.render(image, o, work, RenderListener.NONE);
        double cpuS = (cpu() - cpu0) / 1e9;
        ReferenceFrames reference = new ReferenceFrames(image, o);
        double psnr = psnr(r.video(), reference, w, h);
        Files.delete(r.video());
        String key = parts[0] + "-" + w + "x" + h;
        double x264Bytes = x264At(psnr, reference, o, work, cache, key);
        System.out.printf("%-32s %-6s %5dx%-5d bytes %9d  PSNR-Y %.3f  x264 at equal PSNR-Y %.0f  ratio %.4f  cpu %.2f s%n",
            parts[0], quality.apiName(), w, h, r.videoBytes(), psnr, x264Bytes, r.videoBytes() / x264Bytes, cpuS);
      }
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double psnr(Path video, ReferenceFrames reference, int w, int h) throws IOException {
    AtomicInteger index = new AtomicInteger();
    double[] sum = new double[1];
    TestMedia.decodeFrames(video, w, h, f -> sum[0] += TestMedia.psnrY(reference.frame(index.getAndIncrement()), f, w, h));
    return sum[0] / Math.max(1, index.get());
  }

  /** x264's bytes at our PSNR-Y: log-linear between the two CRFs (one apart) that bracket it. */
  private static double x264At(double psnr, ReferenceFrames reference, RenderSpec o, Path work, Path cache, String key)
      throws Exception {
    int crf = 23;
    double[] at = x264(crf, reference, o, work, cache, key);
    int step = psnr > at[1] ? -1 : 1;
    while (true) {
      double[] next = x264(crf + step, reference, o, work, cache, key);
      if ((next[1] - psnr) * (at[1] - psnr) <= 0) {
        double t = (psnr - at[1]) / (next[1] - at[1]);
        return Math.exp(Math.log(at[0]) + t * (Math.log(next[0]) - Math.log(at[0])));
      }
      crf += step;
      at = next;
    }
  }

  private static double[] x264(int crf, ReferenceFrames reference, RenderSpec o, Path work, Path cache, String key)
      throws Exception {
    Path file = cache.resolve(key + "-crf" + crf + ".txt");
    if (Files.exists(file)) {
      String[] v = Files.readString(file).trim().split(" ");
      return new double[] {Double.parseDouble(v[0]), Double.parseDouble(v[1])};
    }
    RenderBench.X264 run = RenderBench.x264Run(reference, o, work, crf);
    if (run == null) {
      throw new IOException("x264 failed");
    }
    long bytes = run.bytes();
    double psnr = run.psnr();
    Files.writeString(file, bytes + " " + psnr);
    return new double[] {bytes, psnr};
  }
}
