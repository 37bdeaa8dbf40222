package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameQpControlTest {

  private static final int REFERENCE = FrameQpControl.REFERENCE_INTERVAL;
  private static final int BONUS = FrameQpControl.REFERENCE_QP_BONUS;

  @Test
  @DisplayName("IDR below reference P frames below disposable ones")
  void framesOfAGopAreOffset() {
    FrameQpControl rc = new FrameQpControl(27, 14_000_000, 30);
    assertThat(rc.nextQp(0)).isLessThan(rc.nextQp(REFERENCE));
    assertThat(rc.nextQp(REFERENCE)).isLessThan(rc.nextQp(REFERENCE + 1));
    assertThat(FrameQpControl.isReference(REFERENCE)).isTrue();
    assertThat(FrameQpControl.isReference(REFERENCE + 1)).isFalse();
  }

  @Test
  @DisplayName("the IDR frame's bonus shrinks with the square of the share of the GOP that still shows its content")
  void idrBonusFollowsItsContentsStayInView() {
    assertThat(new FrameQpControl(32, 14_000_000, 30, 1).nextQp(0)).isEqualTo(32 - FrameQpControl.IDR_QP_BONUS);
    assertThat(new FrameQpControl(32, 14_000_000, 30, 0.5).nextQp(0))
        .isEqualTo(32 - (int) Math.round(FrameQpControl.IDR_QP_BONUS * 0.25));
    assertThat(new FrameQpControl(32, 14_000_000, 30, 0).nextQp(0)).isEqualTo(32);
  }

  @Test
  @DisplayName("frames over the level's rate push the QP up until the rate fits, then it relaxes back")
  void levelCapsTheRate() {
    FrameQpControl rc = new FrameQpControl(26, 3_000_000, 30);
    int budgetBytes = 3_000_000 / 30 / 8;
    for (int f = 0; f < 30; f++) {
      rc.coded(budgetBytes * 3);
    }
    assertThat(rc.nextQp(REFERENCE)).isGreaterThan(26 - BONUS);
    for (int f = 0; f < 120; f++) {
      rc.coded(budgetBytes / 4);
    }
    assertThat(rc.nextQp(REFERENCE)).isEqualTo(26 - BONUS);
  }

  @Test
  @DisplayName("a stream within its rate keeps the quality's QP")
  void steadyWithinTheRate() {
    FrameQpControl rc = new FrameQpControl(30, 3_000_000, 30);
    for (int f = 0; f < 100; f++) {
      rc.coded(3_000_000 / 30 / 8);
      assertThat(rc.nextQp(REFERENCE)).isEqualTo(30 - BONUS);
    }
  }
}
