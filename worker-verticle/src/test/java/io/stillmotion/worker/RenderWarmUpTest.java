package io.stillmotion.worker;

import io.stillmotion.render.VideoRenderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
