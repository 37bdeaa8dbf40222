package io.stillmotion.render;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Timing curve of the camera motion. */
public enum Easing {
  LINEAR("linear"),
  EASE_IN_OUT("ease-in-out");

  private final String apiName;

  Easing(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** Maps linear time t in [0,1] to progress in [0,1]; monotonic, fixed end points. */
  public double apply(double t) {
    double c = Math.max(0, Math.min(1, t));
    return switch (this) {
      case LINEAR -> c;
      // Smootherstep: zero velocity and zero acceleration at both ends, no visible jolt.
      case EASE_IN_OUT -> c * c * c * (c * (c * 6 - 15) + 10);
    };
  }

  public static Optional<Easing> fromApiName(String name) {
    return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Easing::apiName).collect(Collectors.joining(", "));
  }
}
