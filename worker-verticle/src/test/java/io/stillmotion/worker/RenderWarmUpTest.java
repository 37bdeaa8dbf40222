package io.stillmotion.worker;

import io.stillmotion.render.VideoRenderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class RenderWarmUpTest {

  @Test
  @DisplayName("the warm-up renders to the end while the worker is idle, and leaves nothing in the work directory")
  void rendersAndCleansUp(@TempDir Path work) throws Exception {
    try (VideoRenderer renderer = new VideoRenderer(2)) {
      assertThat(RenderWarmUp.run(renderer, work, () -> false)).isTrue();
    }
    try (var files = Files.list(work)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  @DisplayName("the warm-up stops at once when the worker is rendering a task, and leaves nothing behind")
  void yieldsToTasks(@TempDir Path work) throws Exception {
    try (VideoRenderer renderer = new VideoRenderer(2)) {
      assertThat(RenderWarmUp.run(renderer, work, () -> true)).isFalse();
    }
    try (var files = Files.list(work)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  @DisplayName("the early warm-up's thread gets the lowest priority, threads it starts inherit it, and no other thread changes")
  void lowersOnlyItsOwnPriority() throws Exception {
    assumeThat(Files.isDirectory(Path.of("/proc/thread-self/"))).as("Linux /proc").isTrue();
    assumeThat(Files.isExecutable(Path.of("/usr/bin/renice")) || Files.isExecutable(Path.of("/bin/renice")))
        .as("renice installed").isTrue();
    int before = RenderWarmUp.ownNice();
    assumeThat(before).as("this test's thread not already at the lowest priority").isLessThan(19);
    CompletableFuture<int[]> seen = new CompletableFuture<>();
    Thread lowered = new Thread(() -> {
      try {
        boolean low = RenderWarmUp.lowerOwnPriority();
        int own = RenderWarmUp.ownNice();
        CompletableFuture<Integer> child = new CompletableFuture<>();
        Thread started = new Thread(() -> {
          try {
            child.complete(RenderWarmUp.ownNice());
          } catch (Exception e) {
            child.completeExceptionally(e);
          }
        });
        started.start();
        seen.complete(new int[] {low ? 1 : 0, own, child.get(30, TimeUnit.SECONDS)});
      } catch (Exception e) {
        seen.completeExceptionally(e);
      }
    });
    lowered.start();
    int[] result = seen.get(60, TimeUnit.SECONDS);
    assertThat(result[0]).as("reported lowered").isEqualTo(1);
    assertThat(result[1]).as("its own nice value").isEqualTo(19);
    assertThat(result[2]).as("a thread it started").isEqualTo(19);
    assertThat(RenderWarmUp.ownNice()).as("the calling test thread").isEqualTo(before);
  }
}
