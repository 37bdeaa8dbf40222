package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShotSourcesTest {

  @ParameterizedTest
  @EnumSource(Effect.class)
  @DisplayName("cropping a shot's source to what its path shows changes no sample of any frame")
  void croppingIsExact(Effect effect) throws Exception {
    croppedFramesEqualWhole(effect, 960, 600);
  }

  @ParameterizedTest
  @EnumSource(Effect.class)
  @DisplayName("a portrait photo enlarged only where a landscape video's path shows it draws the same frames")
  void enlargingOnlyTheShownPartIsExact(Effect effect) throws Exception {
    croppedFramesEqualWhole(effect, 180, 320);
  }

  /** Frames drawn from the prepared shot against those from the whole image resized, then drawn. */
  private static void croppedFramesEqualWhole(Effect effect, int imageWidth, int imageHeight) throws Exception {
    byte[] image = TestMedia.jpeg(TestMedia.photoLike(imageWidth, imageHeight, 4), 0.9f);
    RenderSpec spec = new RenderSpec(effect, 1, 15, 320, 180, Easing.EASE_IN_OUT, 0.3, 0.6, Quality.MEDIUM);
    ReferenceFrames whole = new ReferenceFrames(image, spec);
    Story story = Story.single(ImageSource.of(image), spec);
    Timeline timeline = Timeline.of(story);
    ShotSources sources = new ShotSources(story, timeline, List.of(List.of(0)), VideoRenderer.MAX_WORKING_PIXELS,
        () -> false);
    sources.acquire(List.of(0));
    StoryFrames frames = new StoryFrames(timeline, sources, 320, 180);
    Picture pic = frames.newPicture();
    for (int f = 0; f < spec.frameCount(); f += 7) {
      frames.render(f, pic);
      assertThat(TestMedia.toPlanar(pic, 320, 180)).as("frame %d", f).isEqualTo(whole.frame(f));
    }
  }

  @Test
  @DisplayName("a shot prepared with helper threads sharing its rows draws the very same frames")
  void preparedWithHelpersIsExact() throws Exception {
    byte[] image = TestMedia.jpeg(TestMedia.photoLike(960, 600, 4), 0.9f);
    RenderSpec spec = new RenderSpec(Effect.KEN_BURNS, 1, 15, 320, 180, Easing.EASE_IN_OUT, 0.5, 0.5, Quality.MEDIUM);
    ReferenceFrames whole = new ReferenceFrames(image, spec);
    Story story = Story.single(ImageSource.of(image), spec);
    Timeline timeline = Timeline.of(story);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger handedOver = new AtomicInteger();
    try {
      RowBands bands = new RowBands(task -> {
        handedOver.incrementAndGet();
        pool.execute(task);
      }, 1);
      ShotSources sources = new ShotSources(story, timeline, List.of(List.of(0)), VideoRenderer.MAX_WORKING_PIXELS,
          () -> false, ImageDecoder.DEFAULT_GUARD, bands);
      sources.acquire(List.of(0));
      StoryFrames frames = new StoryFrames(timeline, sources, 320, 180);
      Picture pic = frames.newPicture();
      for (int f = 0; f < spec.frameCount(); f += 7) {
        frames.render(f, pic);
        assertThat(TestMedia.toPlanar(pic, 320, 180)).as("frame %d", f).isEqualTo(whole.frame(f));
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(handedOver.get()).as("loops offered to the helper").isGreaterThan(0);
  }
}
