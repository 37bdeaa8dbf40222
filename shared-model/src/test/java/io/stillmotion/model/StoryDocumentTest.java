package io.stillmotion.model;

import io.stillmotion.render.Effect;
import io.stillmotion.render.Focus;
import io.stillmotion.render.Framing;
import io.stillmotion.render.Speed;
import io.stillmotion.render.Transition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StoryDocumentTest {

  private static final String FULL = """
      {"title": "A weekend away",
       "transition": {"type": "slide", "duration": 0.5},
       "shots": [
         {"duration": 3, "effect": "zoom-in", "zoom": 1.8, "speed": "fast", "focus": {"x": 0.2, "y": 0.3},
          "caption": "Friday"},
         {"duration": 5, "start": {"x": 0, "y": 0, "width": 1, "height": 1},
          "end": {"x": 0.4, "y": 0.4, "width": 0.3, "height": 0.3}, "focus": "auto",
          "transition": {"type": "crossfade", "duration": 1}},
         {"duration": 2, "transition": {"type": "cut"}}
       ]}""";

  @Test
  @DisplayName("every property of the document is read; transitions go into the shot that carries them")
  void readsEverything() {
    Story story = StoryDocument.parse(FULL, 3);
    assertThat(story.title()).isEqualTo("A weekend away");
    assertThat(story.shots()).extracting(Shot::durationSeconds).containsExactly(3.0, 5.0, 2.0);
    Motion first = story.shots().get(0).motion();
    assertThat(first.effect()).isEqualTo(Effect.ZOOM_IN);
    assertThat(first.zoom()).isEqualTo(1.8);
    assertThat(first.speed()).isEqualTo(Speed.FAST);
    assertThat(first.focus()).isEqualTo(Focus.at(0.2, 0.3));
    assertThat(story.shots().get(0).caption()).isEqualTo("Friday");
    assertThat(story.shots().get(1).motion().end()).isEqualTo(new Framing(0.4, 0.4, 0.3, 0.3));
    assertThat(story.shots().get(1).motion().focus().auto()).isTrue();
    assertThat(story.transitions()).containsExactly(new Transition(Transition.Kind.CROSSFADE, 1), Transition.CUT);
  }

  @Test
  @DisplayName("shots without a duration share what the total leaves, or take 4 s each")
  void sharedTime() {
    Story shared = StoryDocument.parse("{\"duration\": 20, \"shots\": [{\"duration\": 8}, {}, {}]}", 3);
    assertThat(shared.shots()).extracting(Shot::durationSeconds).containsExactly(8.0, 6.0, 6.0);
    Story defaults = StoryDocument.parse("{\"shots\": [{}, {}]}", 2);
    assertThat(defaults.durationSeconds()).isEqualTo(8);
    assertThat(defaults.transitions()).containsExactly(new Transition(Transition.Kind.CROSSFADE, 0.8));
    Story shortShots = StoryDocument.parse("{\"shots\": [{\"duration\": 1}, {\"duration\": 1}]}", 2);
    assertThat(shortShots.transitions().get(0).seconds()).isCloseTo(0.5, within(1e-9));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "not json|$",
      "[1,2]|$",
      "{}|$.shots",
      "{\"shots\": {}}|$.shots",
      "{\"shots\": [{}]}|$.shots",
      "{\"shots\": [{}, 3]}|$.shots[1]",
      "{\"shots\": [{}, {}], \"colour\": 1}|$.colour",
      "{\"shots\": [{}, {\"efect\": \"zoom-in\"}]}|$.shots[1].efect",
      "{\"shots\": [{}, {\"effect\": \"spin\"}]}|$.shots[1].effect",
      "{\"shots\": [{}, {\"effect\": 3}]}|$.shots[1].effect",
      "{\"shots\": [{}, {\"zoom\": 9}]}|$.shots[1].zoom",
      "{\"shots\": [{}, {\"zoom\": \"2\"}]}|$.shots[1].zoom",
      "{\"shots\": [{}, {\"speed\": \"warp\"}]}|$.shots[1].speed",
      "{\"shots\": [{}, {\"focus\": \"middle\"}]}|$.shots[1].focus",
      "{\"shots\": [{}, {\"focus\": {\"x\": 2, \"y\": 0}}]}|$.shots[1].focus",
      "{\"shots\": [{}, {\"focus\": {\"x\": 0.5}}]}|$.shots[1].focus.y",
      "{\"shots\": [{}, {\"start\": {\"x\": 0.9, \"y\": 0, \"width\": 0.5, \"height\": 0.5}}]}|$.shots[1].start",
      "{\"shots\": [{}, {\"end\": [0, 0, 1, 1]}]}|$.shots[1].end",
      "{\"shots\": [{\"duration\": 0.5}, {}]}|$.shots[0].duration",
      "{\"shots\": [{\"duration\": 31}, {}]}|$.shots[0].duration",
      "{\"shots\": [{}, {\"caption\": 5}]}|$.shots[1].caption",
      "{\"shots\": [{\"transition\": {\"type\": \"cut\"}}, {}]}|$.shots[0].transition",
      "{\"shots\": [{}, {\"transition\": {\"type\": \"wipe\"}}]}|$.shots[1].transition.type",
      "{\"shots\": [{}, {\"transition\": {\"duration\": 1}}]}|$.shots[1].transition.type",
      "{\"shots\": [{}, {\"transition\": {\"type\": \"slide\", \"duration\": 3}}]}|$.shots[1].transition.duration",
      "{\"transition\": {\"type\": \"slide\", \"duration\": 2.5}, \"shots\": [{}, {}]}|$.transition.duration",
      "{\"transition\": \"slide\", \"shots\": [{}, {}]}|$.transition",
      "{\"duration\": 10, \"shots\": [{\"duration\": 4}, {\"duration\": 4}]}|$.duration",
      "{\"duration\": 3, \"shots\": [{\"duration\": 2.5}, {}]}|$.duration",
      "{\"title\": [\"x\"], \"shots\": [{}, {}]}|$.title",
  })
  @DisplayName("a document that does not match is refused, naming the JSON path")
  void refusals(String doc, String path) {
    assertThatThrownBy(() -> StoryDocument.parse(doc, 2))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> {
          assertThat(e.field()).isEqualTo("story");
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.getMessage()).startsWith("story " + path + " ");
        });
  }

  @Test
  @DisplayName("a story longer than 120 s is refused at the total")
  void tooLong() {
    String shots = "{\"duration\": 30}, ".repeat(4) + "{\"duration\": 30}";
    assertThatThrownBy(() -> StoryDocument.parse("{\"shots\": [" + shots + "]}", 5))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> {
          assertThat(e.path()).isEqualTo("$.shots");
          assertThat(e.getMessage()).contains("at most 120 seconds");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[{}, {}]|must be one JSON object, {\"shots\": [...]}; this is an array",
      "\"shots\"|must be one JSON object, {\"shots\": [...]}; this is a string",
      "{\"shots\": [{}, {\"zoom\": NaN}]}|is not valid JSON: Non-standard token 'NaN' (line 1, column ",
      "{\"shots\": [{}, {}]|is not valid JSON: Unexpected end-of-input: expected close marker for Object (line 1, column ",
  })
  @DisplayName("a document that is not one JSON object is refused in words its writer can act on")
  void notAnObject(String doc, String message) {
    assertThatThrownBy(() -> StoryDocument.parse(doc, 2))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> {
          assertThat(e.path()).isEqualTo("$");
          assertThat(e.getMessage()).startsWith("story $ " + message)
              .doesNotContain("java.", "`", "Failed to decode");
        });
  }

  @Test
  @DisplayName("a document nested past the parser's limit is refused without its internals")
  void nestedTooDeeply() {
    String doc = "{\"shots\": " + "[".repeat(1100) + "]".repeat(1100) + "}";
    assertThatThrownBy(() -> StoryDocument.parse(doc, 2))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.getMessage())
            .isEqualTo("story $ is not valid JSON: it is nested more deeply, or has longer values, than a story document can"));
  }

  @Test
  @DisplayName("errors inside a shot carry the image's index")
  void indexOfShot() {
    assertThatThrownBy(() -> StoryDocument.parse("{\"shots\": [{}, {}, {\"effect\": \"x\"}]}", 3))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> assertThat(e.index()).isEqualTo(2));
  }
}
