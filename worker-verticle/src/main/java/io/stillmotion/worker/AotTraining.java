package io.stillmotion.worker;

import io.stillmotion.render.VideoRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run behind the worker image's ahead-of-time cache: the image build runs it once with
 * {@code java -XX:AOTCacheOutput=...} (JDK 25), and the cache then holds the render path's classes,
 * already loaded and linked, with the method profiles this run gathered, so that a new container
 * compiles its hot code sooner and its first task is not the slow one. It renders the warm-up video
 * to the end (the same one {@link RenderWarmUp} starts with each worker) and needs nothing else: no
 * database, no broker. Exits with 1 when the render failed, which fails the image build rather than
 * shipping a cache of a path that does not work.
 */
public final class AotTraining {

  private AotTraining() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("stillmotion-training");
    boolean rendered;
    try (VideoRenderer renderer = new VideoRenderer(Runtime.getRuntime().availableProcessors())) {
      rendered = RenderWarmUp.run(renderer, dir, () -> false);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (!rendered) {
      System.exit(1);
    }
  }
}
