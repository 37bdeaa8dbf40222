package io.stillmotion.model;

import io.stillmotion.render.Effect;
import io.stillmotion.render.Focus;
import io.stillmotion.render.Framing;
import io.stillmotion.render.Speed;
import io.stillmotion.render.Transition;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TaskFormTest {

  private static Map<String, List<String>> form(Object... kv) {
    Map<String, List<String>> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of((String) v));
    }
    return m;
  }

  private static InvalidOptionException refused(Map<String, List<String>> fields, int images) {
    try {
      TaskForm.parse(fields, images);
    } catch (InvalidOptionException e) {
      return e;
    }
    throw new AssertionError("accepted " + fields);
  }

  @Test
  @DisplayName("one image is a single-image task exactly as before: no story, the same options")
  void singleImage() {
    TaskForm.Parsed parsed = TaskForm.parse(form("effect", "zoom-in", "duration", "3"), 1);
    assertThat(parsed.story()).isNull();
    assertThat(parsed.options()).isEqualTo(RenderOptions.fromFields(Map.of("effect", "zoom-in", "duration", "3")));
  }

  @Test
  @DisplayName("directed motion for a single image: zoom, speed, start and end framings, focus=auto")
  void directedSingle() {
    RenderOptions o = TaskForm.parse(form("zoom", "2.5", "speed", "slow", "start", "0,0,1,1",
        "end", "0.5, 0.25, 0.25, 0.5", "focus", "auto"), 1).options();
    assertThat(o.motion().zoom()).isEqualTo(2.5);
    assertThat(o.motion().speed()).isEqualTo(Speed.SLOW);
    assertThat(o.motion().start()).isEqualTo(Motion.WHOLE);
    assertThat(o.motion().end()).isEqualTo(new Framing(0.5, 0.25, 0.25, 0.5));
    assertThat(o.motion().focus().auto()).isTrue();
    assertThat(RenderOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(o.toJson().getValue("focus")).isEqualTo("auto");
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource(delimiter = '|', value = {"zoom|0.9", "zoom|4.5", "zoom|big", "speed|warp", "start|0,0,1",
      "start|0.5,0.5,0.6,0.2", "end|0,0,0.01,0.5", "end|-0.1,0,0.5,0.5", "focus|automatic"})
  @DisplayName("bad directed-motion values name the field")
  void refusesBadMotion(String field, String value) {
    InvalidOptionException e = refused(form(field, value), 1);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).startsWith(field + " must");
    assertThat(e.index()).isNull();
  }

  @Test
  @DisplayName("story fields with one image are refused: a story needs 2 to 20 images")
  void storyFieldsNeedAStory() {
    for (String field : List.of("transition", "title", "caption", "story")) {
      InvalidOptionException e = refused(form(field, "x"), 1);
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).contains("needs a story");
    }
  }

  @Test
  @DisplayName("a story of 3 images with no fields: 4 s each, crossfades of 0.8 s, ken-burns everywhere")
  void storyDefaults() {
    TaskForm.Parsed parsed = TaskForm.parse(form(), 3);
    Story story = parsed.story();
    assertThat(story.shots()).hasSize(3).allSatisfy(s -> {
      assertThat(s.durationSeconds()).isEqualTo(4);
      assertThat(s.motion()).isEqualTo(Motion.DEFAULT);
      assertThat(s.caption()).isNull();
    });
    assertThat(story.transitions()).containsExactly(new Transition(Transition.Kind.CROSSFADE, 0.8),
        new Transition(Transition.Kind.CROSSFADE, 0.8));
    assertThat(parsed.options().durationSeconds()).isEqualTo(12);
    assertThat(story.durationSeconds()).isEqualTo(12);
    assertThat(story.slotStart(2)).isEqualTo(8);
  }

  @Test
  @DisplayName("a per-image field given once applies to every image; given once per image, in order")
  void perImageValues() {
    Story story = TaskForm.parse(form("effect", "zoom-out", "caption", List.of("Kitchen", "", "Garden"),
        "focus", List.of("0.1,0.1", "auto", "0.9,0.9"), "duration", "9", "transition", "slide",
        "transitionDuration", "1.5", "title", "  Our flat  "), 3).story();
    assertThat(story.shots()).extracting(s -> s.motion().effect()).containsOnly(Effect.ZOOM_OUT);
    assertThat(story.shots()).extracting(Shot::caption).containsExactly("Kitchen", null, "Garden");
    assertThat(story.shots().get(1).motion().focus()).isEqualTo(Focus.AUTO);
    assertThat(story.shots().get(2).motion().focus()).isEqualTo(Focus.at(0.9, 0.9));
    assertThat(story.shots()).extracting(Shot::durationSeconds).containsOnly(3.0);
    assertThat(story.transitions()).containsOnly(new Transition(Transition.Kind.SLIDE, 1.5));
    assertThat(story.title()).isEqualTo("Our flat");
  }

  @Test
  @DisplayName("a per-image value given neither once nor once per image is a 422 naming the field")
  void wrongCount() {
    InvalidOptionException e = refused(form("effect", List.of("zoom-in", "zoom-out")), 3);
    assertThat(e.field()).isEqualTo("effect");
    assertThat(e.getMessage()).contains("given 2 times for 3 images");
  }

  @Test
  @DisplayName("a bad per-image value names the field and the image: message counts from 1, index from 0")
  void badValueOfOneImage() {
    InvalidOptionException e = refused(form("effect", List.of("zoom-in", "zoom-out", "spin", "pan-left")), 4);
    assertThat(e.field()).isEqualTo("effect");
    assertThat(e.index()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith("effect of image 3 must be one of: zoom-in,");
  }

  @Test
  @DisplayName("story time: 1-30 s per shot, 120 s in all; the default shrinks nothing but the transition")
  void storyDuration() {
    assertThat(refused(form("duration", "121"), 20).field()).isEqualTo("duration");
    assertThat(refused(form("duration", "3"), 4).getMessage()).contains("from 4 to 120");
    assertThat(refused(form("duration", "100"), 3).getMessage()).contains("from 3 to 90");
    Story twenty = TaskForm.parse(form("duration", "20"), 20).story();
    assertThat(twenty.durationSeconds()).isCloseTo(20, within(1e-9));
    assertThat(twenty.transitions()).allSatisfy(t -> assertThat(t.seconds()).isEqualTo(0.5));
    assertThat(TaskForm.parse(form(), 20).options().durationSeconds()).isEqualTo(80);
  }

  @Test
  @DisplayName("transitions: unknown kinds, bad lengths and lengths over half a shot are refused")
  void badTransitions() {
    assertThat(refused(form("transition", "wipe"), 2).getMessage())
        .isEqualTo("transition must be one of: cut, crossfade, slide");
    assertThat(refused(form("transitionDuration", "0.05"), 2).field()).isEqualTo("transitionDuration");
    assertThat(refused(form("transitionDuration", "x"), 2).field()).isEqualTo("transitionDuration");
    InvalidOptionException half = refused(form("duration", "4", "transitionDuration", "1.5"), 2);
    assertThat(half.field()).isEqualTo("transitionDuration");
    assertThat(half.getMessage()).contains("half of the shorter shot");
    assertThat(TaskForm.parse(form("transition", "cut", "transitionDuration", "1"), 2).story().transitions())
        .containsExactly(Transition.CUT);
  }

  @Test
  @DisplayName("titles and captions: any Unicode, line breaks allowed, too many characters or control characters refused")
  void texts() {
    Story story = TaskForm.parse(form("title", "Ünïcödé 日本 🎉\nline two", "caption", "é"), 2).story();
    assertThat(story.title()).isEqualTo("Ünïcödé 日本 🎉\nline two");
    InvalidOptionException big = refused(form("caption", List.of("ok", "x".repeat(10_240))), 2);
    assertThat(big.field()).isEqualTo("caption");
    assertThat(big.index()).isEqualTo(1);
    assertThat(big.getMessage()).contains("10240 characters").contains("at most 200");
    assertThat(refused(form("title", "x".repeat(101)), 2).field()).isEqualTo("title");
    assertThat(refused(form("title", "a\u0007b"), 2).getMessage()).contains("control characters");
    assertThat(TaskForm.parse(form("caption", "🎉".repeat(200)), 2).story().shots().get(0).caption()).hasSize(400);
  }

  @Test
  @DisplayName("with a story document only the output options may come as form fields")
  void documentExcludesFields() {
    String doc = "{\"shots\":[{},{}]}";
    TaskForm.Parsed parsed = TaskForm.parse(form("story", doc, "size", "720x1280", "fps", "24"), 2);
    assertThat(parsed.options().size()).isEqualTo("720x1280");
    assertThat(parsed.options().fps()).isEqualTo(24);
    assertThat(parsed.options().durationSeconds()).isEqualTo(8);
    for (String field : List.of("effect", "caption", "title", "transition", "duration", "zoom")) {
      InvalidOptionException e = refused(form("story", doc, field, "1"), 2);
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).contains("cannot be combined with the story document");
    }
  }

  @Test
  @DisplayName("a story survives the trip through the task document")
  void roundTrip() {
    Story story = TaskForm.parse(form("caption", List.of("a", "b"), "start", "0.1,0.1,0.5,0.5", "zoom", "2"), 2)
        .story().withImages(List.of("x.jpg", "x.1.png"))
        .withSoundtrack(new Soundtrack("x.audio.mp3", "mp3", "mp3", "audio/mpeg", 12.5));
    JsonObject stored = new JsonObject(story.toJson().encode());
    assertThat(Story.fromJson(stored)).isEqualTo(story);
    assertThat(story.toApiJson().getJsonArray("shots").getJsonObject(0).containsKey("image")).isFalse();
    assertThat(story.toApiJson().getJsonObject("audio").getDouble("duration")).isEqualTo(12.5);
  }

  @Test
  @DisplayName("the engine gets the same story: shots in order with their motion, transitions, title, the video's format")
  void toEngine() throws Exception {
    TaskForm.Parsed parsed = TaskForm.parse(form("caption", List.of("One", "Two", ""), "effect", "zoom-in",
        "start", "0.1,0.1,0.5,0.5", "transition", "slide", "title", "Hello", "size", "720x1280", "fps", "24",
        "easing", "linear"), 3);
    io.stillmotion.render.Story engine = parsed.story().toEngine(parsed.options(),
        i -> () -> new byte[] {(byte) i}, null);
    assertThat(engine.width()).isEqualTo(720);
    assertThat(engine.fps()).isEqualTo(24);
    assertThat(engine.title()).isEqualTo("Hello");
    assertThat(engine.durationSeconds()).isEqualTo(12);
    assertThat(engine.shots()).extracting(io.stillmotion.render.Shot::caption).containsExactly("One", "Two", null);
    assertThat(engine.shots().get(2).image().read()).containsExactly(2);
    io.stillmotion.render.Motion motion = engine.shots().get(0).motion();
    assertThat(motion.effect()).isEqualTo(Effect.ZOOM_IN);
    assertThat(motion.easing()).isEqualTo(io.stillmotion.render.Easing.LINEAR);
    assertThat(motion.start()).isEqualTo(new Framing(0.1, 0.1, 0.5, 0.5));
    assertThat(motion.end()).isEqualTo(Motion.WHOLE);
    assertThat(engine.transitions()).containsOnly(new Transition(Transition.Kind.SLIDE, 0.8));
  }

  @Test
  @DisplayName("a caption too wide for the frame is the engine's to refuse, naming the image")
  void captionThatDoesNotFit() {
    String wide = "W".repeat(199);
    TaskForm.Parsed parsed = TaskForm.parse(form("caption", List.of("fine", wide), "size", "720x720"), 2);
    assertThatThrownBy(() -> parsed.story().toEngine(parsed.options(), i -> () -> new byte[0], null))
        .isInstanceOfSatisfying(io.stillmotion.render.InvalidStoryException.class, e -> {
          assertThat(e.field()).isEqualTo("caption");
          assertThat(e.shot()).isEqualTo(1);
        });
  }
}
