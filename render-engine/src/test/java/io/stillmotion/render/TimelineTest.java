package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static Shot shot(double seconds) {
    return new Shot(ImageSource.of(new byte[0]), seconds, Motion.of(Effect.ZOOM_IN));
  }

  @Test
  @DisplayName("a transition is centred on the boundary of the two slots; its frames blend with rising progress")
  void transitionsCentredOnBoundaries() throws Exception {
    Story s = Story.builder(320, 180, 10).shot(shot(2)).shot(Transition.crossfade(0.6), shot(3)).build();
    Timeline t = Timeline.of(s);
    assertThat(t.frames()).isEqualTo(50);
    assertThat(t.visibleStart(1)).isEqualTo(17);
    assertThat(t.visibleFrames(0)).isEqualTo(23);
    assertThat(t.visibleFrames(1)).isEqualTo(33);
    assertThat(t.at(16).single()).isTrue();
    double previous = 0;
    for (int f = 17; f < 23; f++) {
      Timeline.Composition c = t.at(f);
      assertThat(c.single()).isFalse();
      assertThat(c.progress()).isGreaterThan(previous).isLessThan(1);
      previous = c.progress();
    }
    assertThat(t.at(23).single()).isTrue();
    assertThat(t.at(23).a()).isEqualTo(1);
    assertThat(t.at(23).frameA()).isEqualTo(6);
  }

  @Test
  @DisplayName("GOPs start at every cut and in the middle of every other transition, so each follows one image")
  void gopsFollowOneImage() throws Exception {
    Story s = Story.builder(320, 180, 10).shot(shot(2)).shot(Transition.CUT, shot(2))
        .shot(Transition.crossfade(0.6), shot(2)).build();
    Timeline t = Timeline.of(s);
    List<Timeline.Gop> gops = t.gops(2, 4);
    assertThat(gops).extracting(Timeline.Gop::first).containsExactly(0, 20, 40);
    for (Timeline.Gop g : gops) {
      int dominant = t.at(g.first()).dominant();
      for (int f = g.first(); f < g.end(); f++) {
        assertThat(t.at(f).dominant()).as("frame %d", f).isEqualTo(dominant);
      }
    }
  }

  @Test
  @DisplayName("a single image is split into a multiple of the thread count, as before stories")
  void singleShotGops() throws Exception {
    Story s = Story.builder(320, 180, 30).shot(shot(3)).build();
    assertThat(Timeline.of(s).gops(2, 4)).extracting(Timeline.Gop::first).containsExactly(0, 45);
  }
}
