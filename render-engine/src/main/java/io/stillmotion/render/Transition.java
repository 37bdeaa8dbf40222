package io.stillmotion.render;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How one shot gives way to the next. A transition is centred on the boundary between the two
 * shots' time slots: half of it is taken from the end of the first shot, half from the start of
 * the second, so the video lasts exactly the sum of the shots' durations.
 */
public record Transition(Kind kind, double seconds) {

  public static final double MAX_SECONDS = 3;
  public static final double MIN_SECONDS = 0.1;
  public static final Transition CUT = new Transition(Kind.CUT, 0);

  /** The kinds of transition, named as in the API. */
  public enum Kind {
    /** The next shot replaces this one from one frame to the next. */
    CUT("cut"),
    /** Both shots show, the next one more opaque frame by frame. */
    CROSSFADE("crossfade"),
    /** The next shot pushes this one out to the left, eased. */
    SLIDE("slide");

    private final String apiName;

    Kind(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }

    public static Optional<Kind> fromApiName(String name) {
      return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
    }

    public static String allowed() {
      return Arrays.stream(values()).map(Kind::apiName).collect(Collectors.joining(", "));
    }
  }

  public Transition {
    if (kind == null) {
      throw new IllegalArgumentException("the kind of transition is required");
    }
    if (kind == Kind.CUT) {
      seconds = 0;
    } else if (!(seconds >= MIN_SECONDS && seconds <= MAX_SECONDS)) {
      throw new IllegalArgumentException(
          "a " + kind.apiName() + " lasts " + MIN_SECONDS + " to " + MAX_SECONDS + " seconds: " + seconds);
    }
  }

  public static Transition crossfade(double seconds) {
    return new Transition(Kind.CROSSFADE, seconds);
  }

  public static Transition slide(double seconds) {
    return new Transition(Kind.SLIDE, seconds);
  }
}
