package io.stillmotion.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How brisk a move feels in the time it has: {@code slow} travels less far, {@code fast} further
 * (like the Slow/Fast variants of hosted render APIs). The engine scales the move's extent by
 * {@link #factor()}.
 */
public enum Speed {
  SLOW("slow", 0.6),
  NORMAL("normal", 1.0),
  FAST("fast", 1.6);

  private final String apiName;
  private final double factor;

  Speed(String apiName, double factor) {
    this.apiName = apiName;
    this.factor = factor;
  }

  public String apiName() {
    return apiName;
  }

  /** Multiplier of the move's travel (zoom amount in log scale, pan distance). */
  public double factor() {
    return factor;
  }

  public static Optional<Speed> fromApiName(String name) {
    return Arrays.stream(values()).filter(s -> s.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Speed::apiName).collect(Collectors.joining(", "));
  }
}
