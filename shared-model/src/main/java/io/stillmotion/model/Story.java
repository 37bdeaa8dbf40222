package io.stillmotion.model;

import io.stillmotion.render.ImageSource;
import io.stillmotion.render.InvalidStoryException;
import io.stillmotion.render.Transition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A video made of 2-20 pictures in order, as the task records it. Each shot has a slot on the
 * timeline; slots add up to the video's length. Between shots {@code i} and {@code i+1} is
 * {@code transitions.get(i)}, centred on the boundary of their slots. A title shows over the
 * opening; a soundtrack, when there is one, is cut to the video's length (looped when shorter).
 * {@link #toEngine} turns it into what the engine renders.
 *
 * <p>The limits here are the API's: the gateway refuses a request that breaks them with a 422
 * naming the field (and the image, or the JSON path in the {@code story} document). Whether a
 * title or caption fits the frame is the engine's to say ({@link #toEngine} checks it).
 */
public record Story(List<Shot> shots, List<Transition> transitions, String title, Soundtrack soundtrack) {

  /** The form field holding a story as a JSON document. */
  public static final String FIELD = "story";
  public static final int MIN_IMAGES = 2;
  public static final int MAX_IMAGES = io.stillmotion.render.Story.MAX_SHOTS;
  public static final double MAX_DURATION = io.stillmotion.render.Story.MAX_SECONDS;
  public static final double MIN_SHOT_SECONDS = 1;
  public static final double MAX_SHOT_SECONDS = 30;
  /** Each shot's slot when the request says nothing about time. */
  public static final double DEFAULT_SHOT_SECONDS = 4;
  public static final Transition.Kind DEFAULT_TRANSITION = Transition.Kind.CROSSFADE;
  public static final double DEFAULT_TRANSITION_SECONDS = 0.8;
  public static final int MAX_TITLE_CHARS = io.stillmotion.render.Story.MAX_TITLE_CHARS;
  public static final int MAX_CAPTION_CHARS = io.stillmotion.render.Story.MAX_CAPTION_CHARS;

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
   * What the engine renders: this story in the video's size, rate, easing and quality, each shot's
   * picture read from {@code images} when the engine needs it.
   *
   * @throws InvalidStoryException when the engine cannot render it as asked, e.g. a caption that
   *                               does not fit the frame (its field and shot say which)
   */
  public io.stillmotion.render.Story toEngine(RenderOptions options, IntFunction<ImageSource> images,
      io.stillmotion.render.audio.Soundtrack music) throws InvalidStoryException {
    io.stillmotion.render.Story.Builder story = io.stillmotion.render.Story
        .builder(options.width(), options.height(), options.fps())
        .quality(options.quality())
        .title(title)
        .soundtrack(music);
    for (int i = 0; i < shots.size(); i++) {
      Shot shot = shots.get(i);
      story.shot(i == 0 ? Transition.CUT : transitions.get(i - 1), new io.stillmotion.render.Shot(images.apply(i),
          shot.durationSeconds(), shot.motion().toEngine(options.easing()), shot.caption()));
    }
    return story.build();
  }

  /**
   * Checks the timeline: every slot 1-30 s, the whole at most 120 s, and every transition at most
   * half of the shorter shot it joins (so each shot is seen alone for at least half its slot).
   *
   * @param shotAt       where shot {@code i}'s duration came from
   * @param transitionAt where transition {@code i} (between shots i and i+1) came from
   */
  public static void checkTimeline(List<Shot> shots, List<Transition> transitions, IntFunction<FieldRef> shotAt,
      IntFunction<FieldRef> transitionAt, FieldRef total) {
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
      if (t.kind() != Transition.Kind.CUT && t.seconds() > shorter / 2 + 1e-9) {
        throw transitionAt.apply(i).invalid("must be at most half of the shorter shot it joins: "
            + round(shorter / 2) + " s between images " + (i + 1) + " and " + (i + 2));
      }
    }
  }

  /** A transition of {@code kind}; its default length shrinks to half of the shorter shot it joins. */
  static Transition transition(Transition.Kind kind, Double seconds, double shorterShot) {
    if (kind == Transition.Kind.CUT) {
      return Transition.CUT;
    }
    return new Transition(kind, seconds != null ? seconds : Math.min(DEFAULT_TRANSITION_SECONDS, shorterShot / 2));
  }

  /** A transition's length: {@value Transition#MIN_SECONDS}-{@value Transition#MAX_SECONDS} s. */
  static double transitionSeconds(double value, FieldRef at) {
    if (!Double.isFinite(value) || value < Transition.MIN_SECONDS || value > Transition.MAX_SECONDS) {
      throw at.invalid("must be a number of seconds from " + Transition.MIN_SECONDS + " to "
          + RenderOptions.plain(Transition.MAX_SECONDS));
    }
    return value;
  }

  static Transition.Kind transitionKind(String raw, FieldRef at) {
    return Transition.Kind.fromApiName(raw).orElseThrow(() -> at.invalid("must be one of: "
        + Transition.Kind.allowed()));
  }

  /**
   * A title or caption: any Unicode text without control characters except line breaks, at most
   * {@code maxChars} characters; blank means none (null). Whether it fits the frame is checked by
   * {@link #toEngine}.
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
        .put("transitions", new JsonArray(transitions.stream().map(Story::transitionJson).toList()))
        .put("soundtrack", soundtrack == null ? null : soundtrack.toJson());
  }

  public static Story fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    List<Shot> shots = json.getJsonArray("shots", new JsonArray()).stream()
        .map(o -> Shot.fromJson((JsonObject) o)).toList();
    List<Transition> transitions = json.getJsonArray("transitions", new JsonArray()).stream()
        .map(o -> transitionFromJson((JsonObject) o)).toList();
    return new Story(shots, transitions, json.getString("title"), Soundtrack.fromJson(json.getJsonObject("soundtrack")));
  }

  private static JsonObject transitionJson(Transition t) {
    return new JsonObject().put("type", t.kind().apiName()).put("duration", t.seconds());
  }

  private static Transition transitionFromJson(JsonObject json) {
    Transition.Kind kind = Transition.Kind.fromApiName(json.getString("type", "")).orElse(DEFAULT_TRANSITION);
    return kind == Transition.Kind.CUT ? Transition.CUT
        : new Transition(kind, json.getDouble("duration", DEFAULT_TRANSITION_SECONDS));
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
        .put("transitions", new JsonArray(transitions.stream().map(Story::transitionJson).toList()));
    if (soundtrack != null) {
      json.put("audio", new JsonObject().put("format", soundtrack.format()).put("duration", soundtrack.durationSeconds()));
    }
    return json;
  }
}
