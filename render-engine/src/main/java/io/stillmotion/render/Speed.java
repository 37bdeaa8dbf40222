package io.stillmotion.render;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How much a preset moves in its time, like the Slow/Fast variants of hosted render APIs: the
 * preset's zoom ratio is raised to {@link #factor()} (1.3 becomes 1.14 slow, 1.69 fast) and a pan
 * travels that share of its normal distance (a fast pan zooms in further to make the room).
 */
public enum Speed {
  SLOW("slow", 0.5),
  NORMAL("normal", 1),
  FAST("fast", 2);

  private final String apiName;
  private final double factor;

  Speed(String apiName, double factor) {
    this.apiName = apiName;
    this.factor = factor;
  }

  public String apiName() {
    return apiName;
  }

  public double factor() {
    return factor;
  }

  public static Optional<Speed> fromApiName(String name) {
    return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Speed::apiName).collect(Collectors.joining(", "));
  }
}
