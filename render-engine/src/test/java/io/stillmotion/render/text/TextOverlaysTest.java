package io.stillmotion.render.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stillmotion.render.InvalidStoryException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextOverlaysTest {

  @Test
  @DisplayName("any script the font covers is drawn; characters no font has are left out, never an error")
  void unicodeFallsBackGracefully() throws Exception {
    String text = "Ünïcødé — Ελληνικά, Русский, עברית, العربية \uD83D\uDE00 \u0007日本語";
    TextOverlays.check(text, TextOverlays.Role.CAPTION, 1080, 1920, "caption", 0);
    TextOverlays.Drawn d = TextOverlays.draw(text, TextOverlays.Role.CAPTION, 1080, 1920);
    assertThat(d).isNotNull();
    assertThat(d.width()).isLessThanOrEqualTo(1080);
  }

  @Test
  @DisplayName("a long caption wraps onto several lines inside the 9:16 safe area")
  void wrapsWithinSafeArea() {
    String text = "The kitchen opens onto a sunny terrace with a view over the old town";
    TextOverlays.Drawn d = TextOverlays.draw(text, TextOverlays.Role.CAPTION, 1080, 1920);
    assertThat(d.height()).as("more than one line").isGreaterThan((int) (2 * 0.05 * 1080));
    assertThat(d.left()).isGreaterThanOrEqualTo((int) (0.06 * 1080));
    assertThat(d.left() + d.width()).isLessThanOrEqualTo((int) Math.ceil(0.94 * 1080));
    assertThat(d.top() + d.height()).isLessThanOrEqualTo((int) Math.ceil(0.8 * 1920));
  }

  @Test
  @DisplayName("text that needs more than three lines even when smaller does not fit, and says so")
  void tooMuchText() {
    String text = "word ".repeat(60);
    assertThatThrownBy(() -> TextOverlays.check(text, TextOverlays.Role.TITLE, 1280, 720, "title", -1))
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> {
          assertThat(e.code()).isEqualTo("text_does_not_fit");
          assertThat(e.field()).isEqualTo("title");
          assertThat(e.getMessage()).contains("1280x720");
        });
  }

  @Test
  @DisplayName("control characters go, line breaks stay")
  void cleansControls() {
    assertThat(TextOverlays.clean(" a\u0000b\r\nc\u0007 ")).isEqualTo("ab\nc");
  }
}
