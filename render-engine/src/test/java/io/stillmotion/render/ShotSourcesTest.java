package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShotSourcesTest {

  @ParameterizedTest
  @EnumSource(Effect.class)
  @DisplayName("cropping a shot's source to what its path shows changes no sample of any frame")
  void croppingIsExact(Effect effect) throws Exception {
    byte[] image = TestMedia.jpeg(TestMedia.photoLike(960, 600, 4), 0.9f);
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
}
