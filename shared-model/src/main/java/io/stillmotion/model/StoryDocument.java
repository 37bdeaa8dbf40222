package io.stillmotion.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.stillmotion.render.Transition;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code story} form field: a JSON document with a shot per image (its slot on the
 * timeline, motion, caption, and the transition into it) and the story's title and default
 * transition. Its JSON schema is {@code StoryDocument} in the OpenAPI document. Every error names
 * the JSON path of the bad value, e.g. {@code $.shots[2].effect}.
 *
 * <p>Time: shots without a {@code duration} share what the top-level {@code duration} leaves, or
 * take {@value Story#DEFAULT_SHOT_SECONDS} s each when there is none.
 */
public final class StoryDocument {

  private static final Set<String> TOP = Set.of("title", "duration", "transition", "shots");
  private static final Set<String> SHOT = Set.of("duration", "effect", "zoom", "speed", "focus", "start", "end",
      "caption", "transition");
  private static final Set<String> TRANSITION = Set.of("type", "duration");
  private static final Set<String> FRAMING = Set.of("x", "y", "width", "height");

  private StoryDocument() {
  }

  /**
   * @param text   the document
   * @param images how many images came with it: there must be exactly one shot per image
   */
  public static Story parse(String text, int images) {
    Object decoded;
    try {
      decoded = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw at("$").invalid("is not valid JSON: " + syntaxError(e));
    }
    if (!(decoded instanceof JsonObject doc)) {
      throw at("$").invalid("must be one JSON object, {\"shots\": [...]}; this is " + kindOf(decoded));
    }
    known(doc, TOP, "$");
    JsonArray shotsJson = array(doc, "shots", "$", images);
    Double total = number(doc, "duration", "$");
    Into fallback = transition(doc.getValue("transition"), "$.transition", null);
    List<ShotDraft> drafts = new ArrayList<>();
    for (int i = 0; i < shotsJson.size(); i++) {
      drafts.add(shot(shotsJson.getValue(i), i));
    }
    List<Shot> shots = timeline(drafts, total);
    List<Transition> transitions = new ArrayList<>();
    for (int i = 1; i < drafts.size(); i++) {
      Into t = drafts.get(i).transition != null ? drafts.get(i).transition : fallback;
      double shorter = Math.min(shots.get(i - 1).durationSeconds(), shots.get(i).durationSeconds());
      transitions.add(t == null ? Story.transition(Story.DEFAULT_TRANSITION, null, shorter)
          : Story.transition(t.kind, t.seconds, shorter));
    }
    String title = Story.text(string(doc, "title", "$"), at("$.title"), Story.MAX_TITLE_CHARS);
    Story.checkTimeline(shots, transitions,
        i -> drafts.get(i).duration != null ? at("$.shots[" + i + "].duration", i) : at("$.duration"),
        i -> transitionPath(drafts, i), at(total != null ? "$.duration" : "$.shots"));
    return new Story(shots, transitions, title, null);
  }

  /** A shot as written: its own duration and transition, or null where the document leaves them out. */
  private record ShotDraft(Double duration, Motion motion, String caption, Into transition) {
  }

  /** A transition as written: its kind, and its length or null for the default. */
  private record Into(Transition.Kind kind, Double seconds) {
  }

  private static ShotDraft shot(Object value, int i) {
    String p = "$.shots[" + i + "]";
    if (!(value instanceof JsonObject s)) {
      throw at(p, i).invalid("must be an object");
    }
    known(s, SHOT, p, i);
    Double duration = number(s, "duration", p, i);
    Motion d = Motion.DEFAULT;
    String effect = string(s, "effect", p, i);
    String speed = string(s, "speed", p, i);
    Double zoom = number(s, "zoom", p, i);
    Motion motion = new Motion(
        effect == null ? d.effect() : Motion.effect(effect, at(p + ".effect", i)),
        zoom == null ? d.zoom() : Double.valueOf(Motion.checkZoom(zoom, at(p + ".zoom", i))),
        speed == null ? d.speed() : Motion.speed(speed, at(p + ".speed", i)),
        framing(s.getValue("start"), p + ".start", i),
        framing(s.getValue("end"), p + ".end", i),
        focus(s.getValue("focus"), p + ".focus", i));
    String caption = Story.text(string(s, "caption", p, i), at(p + ".caption", i), Story.MAX_CAPTION_CHARS);
    Object transition = s.getValue("transition");
    if (transition != null && i == 0) {
      throw at(p + ".transition", i).invalid("is not allowed: the first shot has no shot before it");
    }
    return new ShotDraft(duration, motion, caption, transition(transition, p + ".transition", i));
  }

  /** Slots: given durations as they are; the rest share what {@code total} leaves, or the default each. */
  private static List<Shot> timeline(List<ShotDraft> drafts, Double total) {
    double given = drafts.stream().filter(s -> s.duration != null).mapToDouble(ShotDraft::duration).sum();
    long open = drafts.stream().filter(s -> s.duration == null).count();
    double share = Story.DEFAULT_SHOT_SECONDS;
    if (total != null) {
      if (open == 0 && Math.abs(total - given) > 1e-3) {
        throw at("$.duration").invalid("is " + RenderOptions.plain(total) + " s but the shots add up to "
            + RenderOptions.plain(given) + " s");
      }
      share = open == 0 ? 0 : (total - given) / open;
    }
    List<Shot> shots = new ArrayList<>();
    for (ShotDraft s : drafts) {
      shots.add(new Shot(null, s.duration != null ? s.duration : share, s.motion, s.caption));
    }
    return shots;
  }

  private static Into transition(Object value, String p, Integer index) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject t)) {
      throw at(p, index).invalid("must be an object like {\"type\": \"crossfade\", \"duration\": 0.8}");
    }
    known(t, TRANSITION, p, index);
    String type = string(t, "type", p, index);
    if (type == null) {
      throw at(p + ".type", index).invalid("is required: one of " + Transition.Kind.allowed());
    }
    Transition.Kind kind = Story.transitionKind(type, at(p + ".type", index));
    Double seconds = number(t, "duration", p, index);
    return new Into(kind, seconds == null || kind == Transition.Kind.CUT ? null
        : Story.transitionSeconds(seconds, at(p + ".duration", index)));
  }

  private static FieldRef transitionPath(List<ShotDraft> drafts, int i) {
    return drafts.get(i + 1).transition != null ? at("$.shots[" + (i + 1) + "].transition.duration", i + 1)
        : at("$.transition.duration");
  }

  private static io.stillmotion.render.Focus focus(Object value, String p, int index) {
    if (value == null) {
      return Motion.DEFAULT.focus();
    }
    if ("auto".equals(value)) {
      return io.stillmotion.render.Focus.AUTO;
    }
    if (!(value instanceof JsonObject f)) {
      throw at(p, index).invalid("must be \"auto\" or an object {\"x\": 0-1, \"y\": 0-1}");
    }
    known(f, Set.of("x", "y"), p, index);
    return Motion.checkFocus(required(f, "x", p, index), required(f, "y", p, index), at(p, index));
  }

  private static io.stillmotion.render.Framing framing(Object value, String p, int index) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject f)) {
      throw at(p, index).invalid("must be an object {\"x\", \"y\", \"width\", \"height\"} in fractions of the picture");
    }
    known(f, FRAMING, p, index);
    return Motion.checkFraming(required(f, "x", p, index), required(f, "y", p, index), required(f, "width", p, index),
        required(f, "height", p, index), at(p, index));
  }

  private static JsonArray array(JsonObject o, String name, String p, int images) {
    Object v = o.getValue(name);
    if (v == null) {
      throw at(p + "." + name).invalid("is required: one shot per image, in the order of the images");
    }
    if (!(v instanceof JsonArray a)) {
      throw at(p + "." + name).invalid("must be an array of shots");
    }
    if (a.size() != images) {
      throw at(p + "." + name).invalid("has " + a.size() + " shots for " + images + " images: give one shot per image");
    }
    return a;
  }

  private static double required(JsonObject o, String name, String p, int index) {
    Double v = number(o, name, p, index);
    if (v == null) {
      throw at(p + "." + name, index).invalid("is required");
    }
    return v;
  }

  private static Double number(JsonObject o, String name, String p) {
    return number(o, name, p, null);
  }

  private static Double number(JsonObject o, String name, String p, Integer index) {
    Object v = o.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw at(p + "." + name, index).invalid("must be a number");
    }
    return n.doubleValue();
  }

  private static String string(JsonObject o, String name, String p) {
    return string(o, name, p, null);
  }

  private static String string(JsonObject o, String name, String p, Integer index) {
    Object v = o.getValue(name);
    if (v != null && !(v instanceof String)) {
      throw at(p + "." + name, index).invalid("must be a string");
    }
    return (String) v;
  }

  private static void known(JsonObject o, Set<String> allowed, String p) {
    known(o, allowed, p, null);
  }

  private static void known(JsonObject o, Set<String> allowed, String p, Integer index) {
    for (String name : o.fieldNames()) {
      if (!allowed.contains(name)) {
        throw at(p + "." + name, index).invalid("is not a known property (allowed: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static FieldRef at(String path) {
    return FieldRef.json(path, null);
  }

  private static FieldRef at(String path, Integer index) {
    return FieldRef.json(path, index);
  }

  /**
   * What the parser found, in words for the person who wrote the document: the parser's own
   * sentence without its advice to Java programmers ("enable `JsonReadFeature...`"), and where.
   */
  private static String syntaxError(DecodeException e) {
    if (e.getCause() instanceof StreamConstraintsException) {
      return "it is nested more deeply, or has longer values, than a story document can";
    }
    if (e.getCause() instanceof JsonProcessingException parse) {
      String what = parse.getOriginalMessage();
      for (String aside : List.of(": enable `", " (start marker at ")) {
        int at = what.indexOf(aside);
        what = at > 0 ? what.substring(0, at) : what;
      }
      JsonLocation where = parse.getLocation();
      return shorten(what) + (where == null || where.getLineNr() < 1 ? ""
          : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
    }
    String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    return message.isBlank() || message.startsWith("Failed to decode") ? "it could not be read" : shorten(message);
  }

  private static String kindOf(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    return value instanceof Boolean ? "a boolean" : "a number";
  }

  private static String shorten(String line) {
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
