package io.stillmotion.worker;

import io.stillmotion.render.VideoRenderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RenderWarmUpTest {

  @Test
  @DisplayName("the warm-up renders once per JVM and leaves nothing in the work directory")
  void onceAndClean(@TempDir Path work) throws Exception {
    try (VideoRenderer renderer = new VideoRenderer(2)) {
      RenderWarmUp.startOnce(renderer, work).get(10, TimeUnit.MINUTES);
      assertThat(RenderWarmUp.startOnce(renderer, work)).isDone();
    }
    try (var files = Files.list(work)) {
      assertThat(files).isEmpty();
    }
  }
}
