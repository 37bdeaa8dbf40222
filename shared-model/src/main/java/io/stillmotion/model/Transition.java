package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

/**
 * How one shot gives way to the next, centred on the boundary between their time slots (half of
 * its time in each). A cut takes no time.
 */
public record Transition(TransitionKind kind, double durationSeconds) {

  public static final TransitionKind DEFAULT_KIND = TransitionKind.CROSSFADE;
  public static final double DEFAULT_SECONDS = 0.8;
  public static final double MIN_SECONDS = 0.2;
  public static final double MAX_SECONDS = 3;
  public static final Transition CUT = new Transition(TransitionKind.CUT, 0);

  public Transition {
    if (kind == null) {
      throw new IllegalArgumentException("kind is required");
    }
    if (kind == TransitionKind.CUT) {
      durationSeconds = 0;
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", kind.apiName()).put("duration", durationSeconds);
  }

  public static Transition fromJson(JsonObject json) {
    return new Transition(TransitionKind.fromApiName(json.getString("type", "")).orElse(DEFAULT_KIND),
        json.getDouble("duration", DEFAULT_SECONDS));
  }
}
