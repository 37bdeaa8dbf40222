package io.stillmotion.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A video made of 2-20 pictures in order. Each shot has a slot on the timeline; slots add up to the
 * video's length. Between shots {@code i} and {@code i+1} is {@code transitions.get(i)}, centred on
 * the boundary of their slots. A title shows over the opening; a soundtrack, when there is one,
 * is cut to the video's length (looped when shorter).
 *
 * <p>The limits here are the contract's: the gateway refuses a request that breaks them with a
 * 422 naming the field (and the image, or the JSON path in the {@code story} document).
 */
public record Story(List<Shot> shots, List<Transition> transitions, String title, Soundtrack soundtrack) {

  /** The form field holding a story as a JSON document. */
  public static final String FIELD = "story";
  public static final int MIN_IMAGES = 2;
  public static final int MAX_IMAGES = 20;
  public static final double MAX_DURATION = 120;
  public static final double MIN_SHOT_SECONDS = 1;
  public static final double MAX_SHOT_SECONDS = 30;
  /** Each shot's slot when the request says nothing about time. */
  public static final double DEFAULT_SHOT_SECONDS = 4;
  /** Longest texts, in characters (Unicode code points), and lines; longer ones would not fit a 9:16 frame. */
  public static final int MAX_TITLE_CHARS = 80;
  public static final int MAX_CAPTION_CHARS = 160;
  public static final int MAX_TEXT_LINES = 3;

  public Story {
    shots = List.copyOf(shots);
    transitions = List.copyOf(transitions);
    if (transitions.size() != shots.size() - 1) {
      throw new IllegalArgumentException(shots.size() + " shots need " + (shots.size() - 1) + " transitions");
    }
  }

  public double durationSeconds() {
    return shots.stream().mapToDouble(Shot::durationSeconds).sum();
  }

  /** Where shot {@code i}'s slot starts on the timeline, in seconds. */
  public double slotStart(int i) {
    double t = 0;
    for (int k = 0; k < i; k++) {
      t += shots.get(k).durationSeconds();
    }
    return t;
  }

  public List<String> imageNames() {
    return shots.stream().map(Shot::image).toList();
  }

  /** The same story with its pictures' stored names, in shot order. */
  public Story withImages(List<String> names) {
    List<Shot> named = new ArrayList<>();
    for (int i = 0; i < shots.size(); i++) {
      named.add(shots.get(i).withImage(names.get(i)));
    }
    return new Story(named, transitions, title, soundtrack);
  }

  public Story withSoundtrack(Soundtrack music) {
    return new Story(shots, transitions, title, music);
  }

  /**
   * Checks the timeline: every slot 1-30 s, the whole at most 120 s, and every transition at most
   * half of the shorter shot it joins (so each shot is seen alone for at least half its slot).
   *
   * @param shotAt      where shot {@code i}'s duration came from
   * @param transitionAt where transition {@code i} (between shots i and i+1) came from
   */
  public static void checkTimeline(List<Shot> shots, List<Transition> transitions,
      java.util.function.IntFunction<FieldRef> shotAt, java.util.function.IntFunction<FieldRef> transitionAt,
      FieldRef total) {
    double sum = 0;
    for (int i = 0; i < shots.size(); i++) {
      double d = shots.get(i).durationSeconds();
      if (!Double.isFinite(d) || d < MIN_SHOT_SECONDS - 1e-9 || d > MAX_SHOT_SECONDS + 1e-9) {
        throw shotAt.apply(i).invalid("must be from " + RenderOptions.plain(MIN_SHOT_SECONDS) + " to "
            + RenderOptions.plain(MAX_SHOT_SECONDS) + " seconds per shot (it is " + round(d) + ")");
      }
      sum += d;
    }
    if (sum > MAX_DURATION + 1e-6) {
      throw total.invalid("must be at most " + RenderOptions.plain(MAX_DURATION) + " seconds in all (it is "
          + round(sum) + ")");
    }
    for (int i = 0; i < transitions.size(); i++) {
      Transition t = transitions.get(i);
      double shorter = Math.min(shots.get(i).durationSeconds(), shots.get(i + 1).durationSeconds());
      if (t.kind() != TransitionKind.CUT && t.durationSeconds() > shorter / 2 + 1e-9) {
        throw transitionAt.apply(i).invalid("must be at most half of the shorter shot it joins: "
            + round(shorter / 2) + " s between images " + (i + 1) + " and " + (i + 2));
      }
    }
  }

  /** A transition's length: {@value Transition#MIN_SECONDS}-{@value Transition#MAX_SECONDS} s. */
  static double transitionSeconds(double value, FieldRef at) {
    if (!Double.isFinite(value) || value < Transition.MIN_SECONDS || value > Transition.MAX_SECONDS) {
      throw at.invalid("must be a number of seconds from " + Transition.MIN_SECONDS + " to "
          + RenderOptions.plain(Transition.MAX_SECONDS));
    }
    return value;
  }

  static TransitionKind transitionKind(String raw, FieldRef at) {
    return TransitionKind.fromApiName(raw).orElseThrow(() -> at.invalid("must be one of: "
        + TransitionKind.allowed()));
  }

  /**
   * A title or caption: any Unicode text without control characters except line breaks, at most
   * {@code maxChars} characters and {@link #MAX_TEXT_LINES} lines; blank means none (null).
   */
  static String text(String raw, FieldRef at, int maxChars) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String text = raw.strip().replace("\r\n", "\n");
    int chars = text.codePointCount(0, text.length());
    if (chars > maxChars) {
      throw at.invalid("is " + chars + " characters long; at most " + maxChars + " fit on the picture");
    }
    if (text.codePoints().anyMatch(c -> c != '\n' && (Character.isISOControl(c) || c == 0x2028 || c == 0x2029))) {
      throw at.invalid("must not contain control characters (line breaks are fine)");
    }
    if (text.split("\n", -1).length > MAX_TEXT_LINES) {
      throw at.invalid("has more than " + MAX_TEXT_LINES + " lines");
    }
    return text;
  }

  private static String round(double seconds) {
    return RenderOptions.plain(Math.round(seconds * 1000) / 1000.0);
  }

  /** The document stored in MongoDB, with the pictures' stored names. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("title", title)
        .put("shots", new JsonArray(shots.stream().map(Shot::toJson).toList()))
        .put("transitions", new JsonArray(transitions.stream().map(Transition::toJson).toList()))
        .put("soundtrack", soundtrack == null ? null : soundtrack.toJson());
  }

  public static Story fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    List<Shot> shots = json.getJsonArray("shots", new JsonArray()).stream()
        .map(o -> Shot.fromJson((JsonObject) o)).toList();
    List<Transition> transitions = json.getJsonArray("transitions", new JsonArray()).stream()
        .map(o -> Transition.fromJson((JsonObject) o)).toList();
    return new Story(shots, transitions, json.getString("title"), Soundtrack.fromJson(json.getJsonObject("soundtrack")));
  }

  /** What the task JSON says of the story (stored names and internals left out). */
  public JsonObject toApiJson() {
    JsonArray shotsJson = new JsonArray();
    for (Shot shot : shots) {
      JsonObject s = shot.toJson();
      s.remove("image");
      shotsJson.add(s);
    }
    JsonObject json = new JsonObject()
        .put("title", title)
        .put("duration", durationSeconds())
        .put("shots", shotsJson)
        .put("transitions", new JsonArray(transitions.stream().map(Transition::toJson).toList()));
    if (soundtrack != null) {
      json.put("audio", new JsonObject().put("format", soundtrack.format()).put("duration", soundtrack.durationSeconds()));
    }
    return json;
  }
}
