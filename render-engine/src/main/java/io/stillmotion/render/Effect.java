package io.stillmotion.render;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Camera motion presets, named as they appear in the API. */
public enum Effect {
  ZOOM_IN("zoom-in"),
  ZOOM_OUT("zoom-out"),
  PAN_LEFT("pan-left"),
  PAN_RIGHT("pan-right"),
  PAN_UP("pan-up"),
  PAN_DOWN("pan-down"),
  KEN_BURNS("ken-burns");

  private final String apiName;

  Effect(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<Effect> fromApiName(String name) {
    return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Effect::apiName).collect(Collectors.joining(", "));
  }
}
