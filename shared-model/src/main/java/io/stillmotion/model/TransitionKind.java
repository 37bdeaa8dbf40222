package io.stillmotion.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How one shot of a story gives way to the next. */
public enum TransitionKind {
  /** A hard cut: no blending, the transition takes no time. */
  CUT("cut"),
  /** The next shot fades in over the previous one. */
  CROSSFADE("crossfade"),
  /** The next shot slides in from the right, pushing the previous one out. */
  SLIDE("slide");

  private final String apiName;

  TransitionKind(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<TransitionKind> fromApiName(String name) {
    return Arrays.stream(values()).filter(k -> k.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(TransitionKind::apiName).collect(Collectors.joining(", "));
  }
}
