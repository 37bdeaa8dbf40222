package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stillmotion.render.audio.Soundtrack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoryRendererTest {

  private static final int W = 320;
  private static final int H = 180;
  private static VideoRenderer renderer;
  private static byte[] dark;
  private static byte[] bright;
  private static byte[] photo;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    renderer = new VideoRenderer(2);
    dark = TestMedia.encode(TestMedia.patches(640, 360, 0x303030), "png");
    bright = TestMedia.encode(TestMedia.patches(640, 360, 0xD0D0D0), "png");
    photo = TestMedia.jpeg(TestMedia.photoLike(640, 360, 5), 0.9f);
  }

  @AfterAll
  static void stop() {
    renderer.close();
  }

  static byte[] audio(String name) throws IOException {
    try (InputStream in = StoryRendererTest.class.getResourceAsStream("/audio/" + name)) {
      return in.readAllBytes();
    }
  }

  private static Shot shot(byte[] image, double seconds) {
    return new Shot(ImageSource.of(image), seconds, Motion.of(Effect.ZOOM_IN));
  }

  private static double meanLuma(byte[] frame) {
    long sum = 0;
    for (int i = 0; i < W * H; i++) {
      sum += frame[i] & 0xFF;
    }
    return (double) sum / (W * H);
  }

  private static List<Double> lumaSteps(List<byte[]> frames) {
    List<Double> steps = new ArrayList<>();
    for (int i = 1; i < frames.size(); i++) {
      steps.add(Math.abs(meanLuma(frames.get(i)) - meanLuma(frames.get(i - 1))));
    }
    return steps;
  }

  @Test
  @DisplayName("a story lasts the sum of its shots, frame for frame, whatever its transitions")
  void frameCountAndDuration() throws Exception {
    Story story = Story.builder(W, H, 24).defaultTransition(Transition.crossfade(0.5))
        .shot(shot(photo, 1)).shot(Transition.slide(0.5), shot(dark, 1.5)).shot(shot(bright, 1)).build();
    RenderResult result = renderer.render(story, dir, RenderListener.NONE);
    TestMedia.Mp4Info info = TestMedia.probe(result.video());
    assertThat(info.frames()).isEqualTo(84).isEqualTo(result.frames()).isEqualTo(story.frameCount());
    assertThat(info.durationSeconds()).isEqualTo(3.5);
    if (TestMedia.ffmpegAvailable()) {
      assertThat(TestMedia.decodeAll(result.video(), W, H)).hasSize(84);
    }
  }

  @Test
  @DisplayName("a crossfade blends: no step between two frames is anywhere near the jump a cut makes")
  void crossfadeBlends() throws Exception {
    Story faded = Story.builder(W, H, 24).shot(shot(dark, 1))
        .shot(Transition.crossfade(0.5), shot(bright, 1)).build();
    Story cut = Story.builder(W, H, 24).shot(shot(dark, 1)).shot(Transition.CUT, shot(bright, 1)).build();
    List<Double> fadeSteps = lumaSteps(TestMedia.decodeAll(renderer.render(faded, dir, null).video(), W, H));
    List<Double> cutSteps = lumaSteps(TestMedia.decodeAll(renderer.render(cut, dir, null).video(), W, H));
    double jump = cutSteps.stream().mapToDouble(d -> d).max().orElseThrow();
    assertThat(jump).as("the cut's jump").isGreaterThan(120);
    assertThat(cutSteps.indexOf(jump)).isEqualTo(23);
    assertThat(fadeSteps.stream().mapToDouble(d -> d).max().orElseThrow())
        .as("largest step under the crossfade").isLessThan(jump / 8);
    assertThat(fadeSteps.stream().filter(d -> d > 3).count()).as("frames that move towards the next shot")
        .isGreaterThanOrEqualTo(10);
  }

  @Test
  @DisplayName("a slide shows the outgoing shot on the left and the incoming one on the right at its midpoint")
  void slidePushes() throws Exception {
    Story story = Story.builder(W, H, 24).shot(shot(dark, 1)).shot(Transition.slide(0.5), shot(bright, 1)).build();
    List<byte[]> frames = TestMedia.decodeAll(renderer.render(story, dir, null).video(), W, H);
    byte[] middle = frames.get(24);
    int row = H / 2 * W;
    assertThat(middle[row + 20] & 0xFF).isLessThan(80);
    assertThat(middle[row + W - 20] & 0xFF).isGreaterThan(170);
  }

  @Test
  @DisplayName("every frame of a crossfade is a reference picture, so the next one is predicted from it")
  void crossfadeFramesAreReferences() throws Exception {
    Assumptions.assumeTrue(TestMedia.ffmpegAvailable(), "needs ffmpeg to take the H.264 stream out of the MP4");
    byte[] other = TestMedia.jpeg(TestMedia.photoLike(640, 360, 8), 0.9f);
    Story story = Story.builder(W, H, 24).shot(shot(photo, 1.5)).shot(Transition.crossfade(0.8), shot(other, 1.5))
        .build();
    Path video = renderer.render(story, dir, null).video();
    Path annexB = dir.resolve("video.h264");
    Process p = new ProcessBuilder(TestMedia.FFMPEG.toString(), "-v", "error", "-i", video.toString(), "-c:v", "copy",
        "-bsf:v", "h264_mp4toannexb", "-f", "h264", annexB.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    List<Integer> refIdc = sliceRefIdc(Files.readAllBytes(annexB));
    Timeline timeline = Timeline.of(story);
    assertThat(refIdc).hasSize(timeline.frames());
    int mixed = 0;
    for (int f = 0; f < timeline.frames(); f++) {
      if (!timeline.at(f).single()) {
        mixed++;
        assertThat(refIdc.get(f)).as("nal_ref_idc of crossfade frame %d", f).isNotZero();
      }
    }
    assertThat(mixed).isGreaterThan(10);
    assertThat(refIdc).as("frames of one image stay mostly disposable").contains(0);
  }

  /** nal_ref_idc of each slice NAL unit (types 1 and 5) of an Annex B stream, in order (one slice per picture). */
  private static List<Integer> sliceRefIdc(byte[] stream) {
    List<Integer> idc = new ArrayList<>();
    for (int i = 0; i + 3 < stream.length; i++) {
      if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
        int header = stream[i + 3] & 0xFF;
        int type = header & 0x1F;
        if (type == 1 || type == 5) {
          idc.add(header >> 5);
        }
        i += 3;
      }
    }
    return idc;
  }

  @Test
  @DisplayName("every frame of slides and crossfades decodes (ffmpeg) to what was drawn, within coding loss")
  void transitionsDecodeFaithfully() throws Exception {
    Assumptions.assumeTrue(TestMedia.ffmpegAvailable(), "needs ffmpeg as an independent decoder");
    byte[] other = TestMedia.jpeg(TestMedia.photoLike(640, 360, 8), 0.9f);
    Story story = Story.builder(W, H, 24).shot(shot(photo, 1)).shot(Transition.slide(0.6), shot(other, 1))
        .shot(Transition.crossfade(0.6), shot(photo, 1)).build();
    List<byte[]> decoded = TestMedia.decodeAll(renderer.render(story, dir, null).video(), W, H);
    Timeline timeline = Timeline.of(story);
    ShotSources sources = new ShotSources(story, timeline, List.of(List.of(0, 1, 2)),
        VideoRenderer.MAX_STORY_WORKING_PIXELS, () -> false);
    sources.acquire(List.of(0, 1, 2));
    StoryFrames frames = new StoryFrames(timeline, sources, W, H);
    org.jcodec.common.model.Picture pic = frames.newPicture();
    assertThat(decoded).hasSize(72);
    for (int f = 0; f < 72; f++) {
      frames.render(f, pic);
      assertThat(TestMedia.psnrY(TestMedia.toPlanar(pic, W, H), decoded.get(f), W, H)).as("PSNR-Y of frame %d", f)
          .isGreaterThan(30);
    }
  }

  @Test
  @DisplayName("a caption is drawn in the bottom of the frames of its own shot only, the title over the opening")
  void captionsInTheRightFrames() throws Exception {
    byte[] grey = TestMedia.encode(TestMedia.patches(640, 360, 0x909090), "png");
    Story story = Story.builder(W, H, 24).title("Title")
        .shot(new Shot(ImageSource.of(grey), 1, Motion.of(Effect.ZOOM_IN), "Caption one"))
        .shot(Transition.CUT, new Shot(ImageSource.of(grey), 1, Motion.of(Effect.ZOOM_IN)))
        .build();
    List<byte[]> frames = TestMedia.decodeAll(renderer.render(story, dir, null).video(), W, H);
    assertThat(frames).hasSize(48);
    for (int f : new int[] {0, 12, 23}) {
      assertThat(darkAndLight(frames.get(f), H * 3 / 4, H * 9 / 10)).as("caption area of frame %d", f).isTrue();
      assertThat(darkAndLight(frames.get(f), H * 2 / 5, H * 3 / 5)).as("title area of frame %d", f).isTrue();
    }
    for (int f : new int[] {24, 36, 47}) {
      assertThat(darkAndLight(frames.get(f), H * 3 / 4, H * 9 / 10)).as("caption area of frame %d", f).isFalse();
      assertThat(darkAndLight(frames.get(f), H * 2 / 5, H * 3 / 5)).as("title area of frame %d", f).isFalse();
    }
  }

  /** Whether rows [y0, y1) hold both box-dark and text-white pixels (the plain grey is neither). */
  private static boolean darkAndLight(byte[] frame, int y0, int y1) {
    int darkPixels = 0;
    int lightPixels = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = W / 4; x < 3 * W / 4; x++) {
        int v = frame[y * W + x] & 0xFF;
        darkPixels += v < 80 ? 1 : 0;
        lightPixels += v > 200 ? 1 : 0;
      }
    }
    return darkPixels > 50 && lightPixels > 20;
  }

  @Test
  @DisplayName("the soundtrack is muxed as long as the video (a short MP3 looped), and ffmpeg decodes it cleanly")
  void soundtrackAsLongAsTheVideo() throws Exception {
    for (String name : new String[] {"tone-1500ms.mp3", "tone-1500ms.m4a", "tone-1500ms.aac"}) {
      Story story = Story.builder(W, H, 24).soundtrack(Soundtrack.probe(audio(name)))
          .shot(shot(photo, 2)).shot(Transition.crossfade(0.5), shot(dark, 2)).build();
      Path video = renderer.render(story, dir, null).video();
      double frame = name.endsWith(".mp3") ? 1152 / 44100.0 : 1024 / 44100.0;
      byte[] mp4 = Files.readAllBytes(video);
      assertThat(audioTrackSeconds(mp4)).as("audio track header of " + name).isCloseTo(4.0, within(frame));
      if (!name.endsWith(".mp3")) {
        assertThat(Soundtrack.probe(mp4).durationSeconds()).as("own demux of " + name).isCloseTo(4.0, within(frame));
      }
      if (TestMedia.ffmpegAvailable()) {
        assertThat(Ffprobe.audioSeconds(video)).as("ffprobe, " + name).isCloseTo(4.0, within(frame));
        assertThat(Ffprobe.decodeErrors(video)).as("ffmpeg errors, " + name).isEmpty();
        assertThat(TestMedia.decodeAll(video, W, H)).hasSize(96);
      }
    }
  }

  /** Duration of the second track (ours: the sound) from its mdhd box: time scale and duration. */
  private static double audioTrackSeconds(byte[] mp4) {
    int seen = 0;
    for (int i = 4; i + 24 <= mp4.length; i++) {
      if (mp4[i] == 'm' && mp4[i + 1] == 'd' && mp4[i + 2] == 'h' && mp4[i + 3] == 'd' && ++seen == 2) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(mp4);
        return (b.getInt(i + 20) & 0xFFFFFFFFL) / (double) b.getInt(i + 16);
      }
    }
    throw new AssertionError("no audio track");
  }

  @Test
  @DisplayName("the MP3 fades out: the last tenth of a second is far quieter than the middle")
  void mp3FadesOut() throws Exception {
    Assumptions.assumeTrue(TestMedia.ffmpegAvailable(), "needs ffmpeg to decode the sound");
    Story story = Story.builder(W, H, 24).soundtrack(Soundtrack.probe(audio("tone-1500ms.mp3")))
        .shot(shot(photo, 3)).build();
    short[] pcm = Ffprobe.decodeMono(renderer.render(story, dir, null).video(), 44100);
    double middle = Ffprobe.rms(pcm, pcm.length / 2 - 2205, pcm.length / 2 + 2205);
    double end = Ffprobe.rms(pcm, pcm.length - 4410, pcm.length);
    assertThat(middle).isGreaterThan(1000);
    assertThat(end).isLessThan(middle / 4);
  }

  @Test
  @DisplayName("twenty shots never hold more than a few prepared sources at once")
  void boundedShotsInMemory() throws Exception {
    Story.Builder b = Story.builder(W, H, 12).defaultTransition(Transition.crossfade(0.2));
    for (int i = 0; i < 20; i++) {
      b.shot(shot(i % 2 == 0 ? photo : dark, 0.5));
    }
    RenderResult result = renderer.render(b.build(), dir, null);
    assertThat(result.frames()).isEqualTo(120);
    assertThat(renderer.lastPeakShots()).isBetween(1, 2 + 2);
  }

  @Test
  @DisplayName("an image that cannot be decoded fails the render permanently, naming its position")
  void badImageNamed() throws Exception {
    Story story = Story.builder(W, H, 24).shot(shot(photo, 1)).shot(shot("nope".getBytes(), 1)).build();
    assertThatThrownBy(() -> renderer.render(story, dir, null)).isInstanceOfSatisfying(RenderException.class, e -> {
      assertThat(e.isPermanent()).isTrue();
      assertThat(e.getMessage()).startsWith("Image 2: ");
    });
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  @DisplayName("a story is checked before rendering: shot count, durations, transitions that fit, text that fits")
  void checkedBeforeRendering() {
    Story.Builder many = Story.builder(W, H, 24);
    for (int i = 0; i < 21; i++) {
      many.shot(shot(photo, 1));
    }
    assertThatThrownBy(many::build).isInstanceOfSatisfying(InvalidStoryException.class,
        e -> assertThat(e.code()).isEqualTo("invalid_shots"));
    assertThatThrownBy(() -> Story.builder(W, H, 24).shot(shot(photo, 1))
        .shot(Transition.crossfade(3), shot(photo, 1)).build())
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_transition");
          assertThat(e.shot()).isZero();
        });
    assertThatThrownBy(() -> Story.builder(W, H, 24).shot(shot(photo, 100)).shot(shot(photo, 30)).build())
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> assertThat(e.code()).isEqualTo("invalid_duration"));
    String tenKb = "word ".repeat(2048);
    assertThatThrownBy(() -> Story.builder(W, H, 24)
        .shot(new Shot(ImageSource.of(photo), 1, Motion.of(Effect.ZOOM_IN), tenKb)).build())
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> {
          assertThat(e.code()).isEqualTo("text_too_long");
          assertThat(e.field()).isEqualTo("caption");
          assertThat(e.shot()).isZero();
        });
    String tooMuchForTheFrame = "A long caption that goes on and on. ".repeat(5);
    assertThatThrownBy(() -> Story.builder(W, H, 24).shot(shot(photo, 1))
        .shot(new Shot(ImageSource.of(photo), 1, Motion.of(Effect.ZOOM_IN), tooMuchForTheFrame)).build())
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> {
          assertThat(e.code()).isEqualTo("text_does_not_fit");
          assertThat(e.shot()).isEqualTo(1);
        });
  }
}
