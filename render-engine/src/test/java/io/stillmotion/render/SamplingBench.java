package io.stillmotion.render;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jcodec.common.model.Picture;

/**
 * What drawing a frame costs: {@link FrameRenderer#render} over every frame of a 5 s Ken Burns at
 * 720p30 and 1080p30 on a shared photo, thread CPU time per frame, the best of 8 passes (the first
 * ones warm the JIT up). Decoding, fitting and the pyramid are not counted. It lives in this package
 * because the renderer is the engine's own; run it with the test classpath, {@code -Dshared.dir}
 * pointing at the shared folder.
 */
public final class SamplingBench {

  private static final int PASSES = 8;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Optional<Path> file = TestMedia.sharedPhoto("path-2560x1600.jpg");
    if (file.isEmpty()) {
      System.out.println("no path-2560x1600.jpg: set -Dshared.dir to the shared folder");
      return;
    }
    RgbImage photo = ImageDecoder.decode(Files.readAllBytes(file.get()));
    for (int[] size : new int[][] {{1280, 720}, {1920, 1080}}) {
      RenderSpec o = new RenderSpec(Effect.KEN_BURNS, 5, 30, size[0], size[1], Easing.EASE_IN_OUT, 0.5, 0.5,
          Quality.MEDIUM);
      RgbImage working = VideoRenderer.fitSource(photo, o);
      CameraPath path = new CameraPath(o, working.width(), working.height());
      FrameRenderer renderer = new FrameRenderer(YuvPyramid.of(working), size[0], size[1]);
      Picture picture = renderer.newPicture();
      double best = Double.MAX_VALUE;
      for (int pass = 0; pass < PASSES; pass++) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int f = 0; f < path.frames(); f++) {
          renderer.render(path.at(f), picture);
        }
        best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / path.frames());
      }
      System.out.printf("%dx%d: %.2f ms CPU per frame drawn%n", size[0], size[1], best);
    }
  }
}
