package io.stillmotion.worker;

import io.stillmotion.render.VideoRenderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

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
  @DisplayName("a warm-up started before any worker stops once a worker that joined later renders a task")
  void yieldsToWorkersStartedAfterIt(@TempDir Path work) throws Exception {
    RenderWarmUp.Workers workers = new RenderWarmUp.Workers();
    AtomicBoolean joined = new AtomicBoolean();
    // The first time the running warm-up asks, a worker that is already rendering joins.
    workers.add(() -> {
      if (joined.compareAndSet(false, true)) {
        workers.add(() -> true);
      }
      return false;
    });
    try (VideoRenderer renderer = new VideoRenderer(2)) {
      assertThat(RenderWarmUp.run(renderer, work, workers)).isFalse();
    }
    assertThat(joined).isTrue();
    try (var files = Files.list(work)) {
      assertThat(files).isEmpty();
    }
  }
}
