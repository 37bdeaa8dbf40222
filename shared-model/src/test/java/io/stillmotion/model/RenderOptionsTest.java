package io.stillmotion.model;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderOptionsTest {

  @Test
  @DisplayName("no fields give the documented defaults: ken-burns, 5 s, 30 fps, 1280x720, ease-in-out, centre")
  void defaults() {
    RenderOptions o = RenderOptions.fromFields(Map.of());
    assertThat(o.effect()).isEqualTo(Effect.KEN_BURNS);
    assertThat(o.durationSeconds()).isEqualTo(5);
    assertThat(o.fps()).isEqualTo(30);
    assertThat(o.width()).isEqualTo(1280);
    assertThat(o.height()).isEqualTo(720);
    assertThat(o.easing()).isEqualTo(Easing.EASE_IN_OUT);
    assertThat(o.focusX()).isEqualTo(0.5);
    assertThat(o.focusY()).isEqualTo(0.5);
    assertThat(o.frameCount()).isEqualTo(150);
  }

  @Test
  @DisplayName("every field is parsed, blanks take defaults")
  void parsesAll() {
    RenderOptions o = RenderOptions.fromFields(Map.of("effect", "pan-left", "duration", "2.5", "fps", "24",
        "size", "1080x1920", "easing", "linear", "focus", " 0.25 , 1 ", "quality", "high", "note", ""));
    assertThat(o.effect()).isEqualTo(Effect.PAN_LEFT);
    assertThat(o.frameCount()).isEqualTo(60);
    assertThat(o.size()).isEqualTo("1080x1920");
    assertThat(o.easing()).isEqualTo(Easing.LINEAR);
    assertThat(o.focusX()).isEqualTo(0.25);
    assertThat(o.focusY()).isEqualTo(1.0);
    assertThat(o.quality()).isEqualTo(Quality.HIGH);
    assertThat(RenderOptions.fromFields(Map.of("effect", " ", "fps", ""))).isEqualTo(RenderOptions.defaults());
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource(delimiter = '|', value = {
      "effect|spin", "effect|ZOOM-IN", "duration|0.5", "duration|31", "duration|NaN", "duration|1e400",
      "duration|five", "fps|29", "fps|30.0", "fps|-30", "size|640x480", "size|1280x720x3", "easing|bounce",
      "focus|0.5", "focus|0.5,1.5", "focus|-0.1,0.5", "focus|a,b", "focus|0.1,0.2,0.3", "quality|ultra"})
  @DisplayName("out-of-range and unknown values name the field and what is allowed")
  void refusesBadValues(String field, String value) {
    assertThatThrownBy(() -> RenderOptions.fromFields(Map.of(field, value)))
        .isInstanceOfSatisfying(InvalidOptionException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).startsWith(field + " must");
        });
  }

  @Test
  @DisplayName("options survive the trip through the task document")
  void jsonRoundTrip() {
    RenderOptions o = RenderOptions.fromFields(Map.of("effect", "zoom-out", "duration", "12", "fps", "60",
        "size", "720x720", "focus", "0.1,0.9", "quality", "low"));
    assertThat(RenderOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(RenderOptions.fromJson(null)).isEqualTo(RenderOptions.defaults());
  }

  @Test
  @DisplayName("easing curves start at 0, end at 1 and never go backwards")
  void easingIsMonotonic() {
    for (Easing easing : Easing.values()) {
      assertThat(easing.apply(0)).isEqualTo(0);
      assertThat(easing.apply(1)).isEqualTo(1);
      double previous = 0;
      for (int i = 1; i <= 1000; i++) {
        double v = easing.apply(i / 1000.0);
        assertThat(v).isGreaterThanOrEqualTo(previous);
        previous = v;
      }
    }
  }
}
