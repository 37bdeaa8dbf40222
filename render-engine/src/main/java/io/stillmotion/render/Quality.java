package io.stillmotion.render;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Size/quality trade-off of the encoded video; the encoder maps it onto its rate control. */
public enum Quality {
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high");

  private final String apiName;

  Quality(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<Quality> fromApiName(String name) {
    return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Quality::apiName).collect(Collectors.joining(", "));
  }
}
