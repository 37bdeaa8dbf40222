package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Twenty large photos in one story, rendered in a JVM whose heap could not hold two of them
 * decoded at once together with the rest: it finishes, so the sources are not accumulated.
 */
class StoryMemoryTest {

  /** A 12-megapixel photo decodes to about 84 MB (the reader's raster and our pixels); twenty would be 1.7 GB. */
  private static final String HEAP = "-Xmx200m";

  @Test
  @DisplayName("twenty 12-megapixel photos render in a 200 MB heap: one decoded source at a time")
  void twentyLargePhotosInASmallHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp",
        System.getProperty("java.class.path"), "io.stillmotion.render.bench.StoryBench", "large", "4000", "3000",
        "180", "320")).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("20 photos of 12 MP");
    System.out.println(out.lines().filter(l -> l.startsWith("20 photos")).findFirst().orElse(""));
  }
}
