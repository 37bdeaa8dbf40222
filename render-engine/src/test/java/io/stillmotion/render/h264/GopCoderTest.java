package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GopCoderTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 192;

  @ParameterizedTest(name = "{0} frames")
  @ValueSource(ints = {1, 2, 8, 9, 16, 17, 30, 41})
  @DisplayName("a GOP coded with helper threads is byte for byte the GOP coded frame by frame")
  void helpersWriteTheSameStream(int frames) throws Exception {
    List<byte[]> units = bothWays(Scenes.Move.ZOOM_IN, frames, f -> false, 3);
    for (int f = 1; f < frames; f++) {
      assertThat(refIdc(units.get(f)) != 0).as("frame %d a reference", f).isEqualTo(f % 8 == 0);
    }
  }

  @Test
  @DisplayName("frames whose view is kept are references, the interval counts on from the last one, and helpers agree")
  void keptFramesAreReferences() throws Exception {
    IntPredicate kept = f -> f >= 11 && f <= 20 || f == 3 || f == 4;
    List<byte[]> units = bothWays(Scenes.Move.ZOOM_IN, 41, kept, 3);
    assertThat(references(units)).containsExactly(3, 4, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 28, 36);
  }

  @ParameterizedTest(name = "{0} helper threads")
  @ValueSource(ints = {1, 2, 4})
  @DisplayName("groups of one, a reference right after the IDR frame and a kept last frame code the same with any number of helpers")
  void groupBoundariesCodeTheSameWithAnyHelpers(int helperThreads) throws Exception {
    IntPredicate kept = f -> f == 1 || f == 2 || f == 9 || f == 10 || f == 25;
    List<byte[]> units = bothWays(Scenes.Move.ZOOM_IN, 26, kept, helperThreads);
    assertThat(references(units)).containsExactly(1, 2, 9, 10, 18, 25);
  }

  @Test
  @DisplayName("a frame whose view has moved more than 4% out of the reference's is the next reference, and helpers agree")
  void panningViewsBringReferencesCloser() throws Exception {
    // Ken Burns over 41 frames pans about 1% of the view a frame (and zooms in).
    List<Integer> references = references(bothWays(Scenes.Move.KEN_BURNS, 41, f -> false, 3));
    assertThat(references.get(0)).isLessThan(8);
    for (int i = 1; i < references.size(); i++) {
      assertThat(references.get(i) - references.get(i - 1)).as("frames after reference %d", references.get(i - 1))
          .isLessThan(8);
    }
  }

  @Test
  @DisplayName("the IDR frame is coarser when the views ahead show that the camera pans away from its content")
  void idrQpFollowsHowLongItsContentStaysInView() throws Exception {
    List<Scenes.View> views = Scenes.views(Scenes.Move.PAN_RIGHT, WIDTH, HEIGHT, 24);
    ExecutorService helpers = Executors.newFixedThreadPool(2);
    try {
      byte[] blind = idr(views, false, helpers);
      byte[] ahead = idr(views, true, helpers);
      assertThat(ahead.length).isLessThan(blind.length * 3 / 4);
    } finally {
      helpers.shutdownNow();
    }
  }

  /** The IDR access unit of a GOP over the views, with or without telling the coder the views ahead. */
  private static byte[] idr(List<Scenes.View> views, boolean ahead, ExecutorService helpers) {
    StreamFormat format = Streams.format(WIDTH, HEIGHT);
    return new GopCoder(format, 26, 14_000_000, 30).codeGop(0, views.size(), new GopCoder.Frames() {
      @Override
      public GopCoder.View draw(int index, Picture into) {
        Picture frame = Scenes.render(views.get(index), WIDTH, HEIGHT);
        for (int p = 0; p < 3; p++) {
          System.arraycopy(frame.getPlaneData(p), 0, into.getPlaneData(p), 0, frame.getPlaneData(p).length);
        }
        Scenes.View v = views.get(index);
        return new GopCoder.View(v.left(), v.top(), v.step());
      }

      @Override
      public GopCoder.View view(int index) {
        Scenes.View v = views.get(index);
        return ahead ? new GopCoder.View(v.left(), v.top(), v.step()) : null;
      }
    }, () -> Picture.create(WIDTH, HEIGHT, ColorSpace.YUV420J), helpers, 2, f -> { }).get(0);
  }

  @Test
  @DisplayName("a stop asked for while a group is being coded ends the GOP before its next frame, not after the group")
  void stopIsHeardBetweenFrames() throws Exception {
    int frames = 41;
    // A zoom in: its groups are the interval's (no view moves out of its reference's).
    List<Scenes.View> views = Scenes.views(Scenes.Move.ZOOM_IN, WIDTH, HEIGHT, frames);
    StreamFormat format = Streams.format(WIDTH, HEIGHT);
    List<Integer> coded = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Integer> drawn = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    // No helpers for the groups (the pool only codes the IDR frame), so the second group waits
    // uncoded while the third is drawn. The stop comes as the third group's last frame is drawn:
    // the GOP's own thread then codes the second group without drawing again, so only the coding
    // can hear it.
    GopCoder.Frames source = new GopCoder.Frames() {
      @Override
      public GopCoder.View draw(int index, Picture into) {
        drawn.add(index);
        if (index == 24) {
          stop.set(true);
        }
        Scenes.View v = views.get(index);
        Picture frame = Scenes.render(v, WIDTH, HEIGHT);
        for (int p = 0; p < 3; p++) {
          System.arraycopy(frame.getPlaneData(p), 0, into.getPlaneData(p), 0, frame.getPlaneData(p).length);
        }
        return new GopCoder.View(v.left(), v.top(), v.step());
      }

      @Override
      public boolean stopped() {
        return stop.get();
      }
    };
    ExecutorService helpers = Executors.newFixedThreadPool(1);
    try {
      GopCoder coder = new GopCoder(format, 23, 300_000, 30);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> coder.codeGop(0, frames, source,
          () -> Picture.create(WIDTH, HEIGHT, ColorSpace.YUV420J), helpers, 0, coded::add))
          .isInstanceOf(GopCoder.Stopped.class);
      assertThat(coded).as("frames reported: the second group is never finished").containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(drawn).as("frames drawn").allMatch(f -> f <= 24);
    } finally {
      helpers.shutdownNow();
    }
  }

  private static List<Integer> references(List<byte[]> units) {
    List<Integer> references = new ArrayList<>();
    for (int f = 1; f < units.size(); f++) {
      if (refIdc(units.get(f)) != 0) {
        references.add(f);
      }
    }
    return references;
  }

  /** nal_ref_idc of an access unit's slice (the last NAL unit). */
  private static int refIdc(byte[] unit) {
    int header = 0;
    for (int i = 0; i + 3 < unit.length; i++) {
      if (unit[i] == 0 && unit[i + 1] == 0 && unit[i + 2] == 1) {
        header = unit[i + 3] & 0xFF;
      }
    }
    return header >> 5;
  }

  /** Codes a GOP frame by frame and with helpers, checks both wrote the same bytes and returns them. */
  private static List<byte[]> bothWays(Scenes.Move move, int frames, IntPredicate kept, int helperThreads)
      throws Exception {
    List<Scenes.View> views = Scenes.views(move, WIDTH, HEIGHT, frames);
    StreamFormat format = Streams.format(WIDTH, HEIGHT);
    // A low rate ceiling, so the rate control's decisions show in the stream too.
    GopCoder sequential = new GopCoder(format, 23, 300_000, 30);
    List<byte[]> expected = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      Scenes.View v = views.get(f);
      Picture frame = Scenes.render(v, WIDTH, HEIGHT);
      expected.add(f == 0 ? sequential.startGop(7, frame, v.left(), v.top(), v.step())
          : sequential.next(frame, new GopCoder.View(v.left(), v.top(), v.step(), kept.test(f))));
    }
    ExecutorService helpers = Executors.newFixedThreadPool(helperThreads);
    try {
      List<Integer> coded = new ArrayList<>();
      List<Integer> drawn = new ArrayList<>();
      // Which frame each picture last held: a picture is drawn over only once that frame is coded.
      Map<Picture, Integer> holds = new IdentityHashMap<>();
      List<byte[]> got = new GopCoder(format, 23, 300_000, 30).codeGop(7, frames, (index, into) -> {
        Integer before = holds.put(into, index);
        assertThat(before == null || coded.contains(before))
            .as("frame %d drawn over frame %s, which is not coded yet", index, before).isTrue();
        drawn.add(index);
        Scenes.View v = views.get(index);
        Picture frame = Scenes.render(v, WIDTH, HEIGHT);
        for (int p = 0; p < 3; p++) {
          System.arraycopy(frame.getPlaneData(p), 0, into.getPlaneData(p), 0, frame.getPlaneData(p).length);
        }
        return new GopCoder.View(v.left(), v.top(), v.step(), kept.test(index));
      }, () -> Picture.create(WIDTH, HEIGHT, ColorSpace.YUV420J), helpers, helperThreads, coded::add);
      assertThat(got).hasSize(frames);
      for (int f = 0; f < frames; f++) {
        assertThat(got.get(f)).as("frame %d", f).isEqualTo(expected.get(f));
      }
      List<Integer> inOrder = java.util.stream.IntStream.range(0, frames).boxed().toList();
      assertThat(coded).as("every frame reported once, in order").isEqualTo(inOrder);
      assertThat(drawn).as("every frame drawn once, in order").isEqualTo(inOrder);
      return got;
    } finally {
      helpers.shutdownNow();
    }
  }
}
