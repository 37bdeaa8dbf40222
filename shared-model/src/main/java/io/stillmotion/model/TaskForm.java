package io.stillmotion.model;

import io.stillmotion.render.Transition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The form fields of {@code POST /task}, read into what to render. One image makes a single-image
 * task ({@link RenderOptions} only); 2-20 images make a story, described either by form fields (the
 * common case, {@link #storyFromFields}) or by a JSON document in the {@code story} field (full
 * control, {@link StoryDocument}). With {@code story}, the form may carry only the output options
 * ({@code fps}, {@code size}, {@code easing}, {@code quality}), {@code callbackUrl} and the files:
 * everything else belongs in the document, and a field that could say it too is refused.
 */
public final class TaskForm {

  /** Fields of a story as a whole. */
  public static final List<String> STORY_FIELDS = List.of("transition", "transitionDuration", "title");
  /** Per-image fields: once for every image, or once per image in order. */
  public static final List<String> PER_IMAGE_FIELDS = java.util.stream.Stream.concat(
      Motion.FIELDS.stream(), java.util.stream.Stream.of("caption")).toList();
  /** Fields a {@code story} document may be combined with. */
  public static final List<String> WITH_DOCUMENT = List.of("fps", "size", "easing", "quality");
  /** Every option field the API knows (not the files, not callbackUrl). */
  public static final List<String> ALL_FIELDS = java.util.stream.Stream.of(
      RenderOptions.FIELDS, List.of("caption"), STORY_FIELDS, List.of(Story.FIELD))
      .flatMap(List::stream).distinct().toList();

  /** What to render: a story, or null for a single image. */
  public record Parsed(RenderOptions options, Story story) {
  }

  private TaskForm() {
  }

  /**
   * @param fields every value of every form field, in order
   * @param images how many images the request carries (1-20)
   * @throws InvalidOptionException naming the field (and image or JSON path) and what is allowed
   */
  public static Parsed parse(Map<String, List<String>> fields, int images) {
    Function<String, List<String>> all = name -> fields.getOrDefault(name, List.of());
    if (images < Story.MIN_IMAGES) {
      return new Parsed(RenderOptions.fromFields(single(all, images)), null);
    }
    List<String> document = all.apply(Story.FIELD);
    if (document.isEmpty()) {
      return storyFromFields(all, images);
    }
    for (String name : ALL_FIELDS) {
      if (!WITH_DOCUMENT.contains(name) && !name.equals(Story.FIELD) && present(all.apply(name))) {
        throw FieldRef.of(name).invalid("cannot be combined with the story document: say it in the document");
      }
    }
    Function<String, String> get = once(all);
    Story story = StoryDocument.parse(get.apply(Story.FIELD), images);
    RenderOptions options = RenderOptions.output(get, Motion.DEFAULT, story.durationSeconds(), 0, Story.MAX_DURATION);
    return new Parsed(new RenderOptions(Motion.DEFAULT, story.durationSeconds(), options.fps(), options.width(),
        options.height(), options.easing(), options.quality()), story);
  }

  private static Map<String, String> single(Function<String, List<String>> all, int images) {
    for (String name : TaskForm.ALL_FIELDS) {
      if (!RenderOptions.FIELDS.contains(name) && present(all.apply(name))) {
        throw FieldRef.of(name).invalid("needs a story: send " + Story.MIN_IMAGES + " to " + Story.MAX_IMAGES
            + " images, each in a field named \"file\"");
      }
    }
    Function<String, String> get = once(all);
    Map<String, String> values = new java.util.HashMap<>();
    for (String name : RenderOptions.FIELDS) {
      String v = get.apply(name);
      if (v != null) {
        values.put(name, v);
      }
    }
    return values;
  }

  /** The story of the form fields: per-image values, shared time, one transition for all. */
  static Parsed storyFromFields(Function<String, List<String>> all, int n) {
    Function<String, String> get = once(all);
    double min = n * Story.MIN_SHOT_SECONDS;
    double max = Math.min(Story.MAX_DURATION, n * Story.MAX_SHOT_SECONDS);
    RenderOptions options = RenderOptions.output(get, Motion.DEFAULT, n * Story.DEFAULT_SHOT_SECONDS, min, max);
    double slot = options.durationSeconds() / n;
    List<Shot> shots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      Function<String, String> value = name -> perImage(all.apply(name), name, n, index);
      Motion motion = Motion.fromFields(value, name -> FieldRef.of(name).image(index), Motion.DEFAULT);
      String caption = Story.text(value.apply("caption"), FieldRef.of("caption").image(i), Story.MAX_CAPTION_CHARS);
      shots.add(new Shot(null, slot, motion, caption));
    }
    Transition transition = transition(get, slot);
    String title = Story.text(get.apply("title"), FieldRef.of("title"), Story.MAX_TITLE_CHARS);
    List<Transition> transitions = java.util.Collections.nCopies(n - 1, transition);
    Story.checkTimeline(shots, transitions, i -> FieldRef.of("duration"), i -> FieldRef.of("transitionDuration"),
        FieldRef.of("duration"));
    return new Parsed(options, new Story(shots, transitions, title, null));
  }

  /** One transition for all shots; its default length shrinks to fit short shots. */
  private static Transition transition(Function<String, String> get, double slot) {
    String kind = get.apply("transition");
    String seconds = get.apply("transitionDuration");
    Transition.Kind k = kind == null ? Story.DEFAULT_TRANSITION : Story.transitionKind(kind, FieldRef.of("transition"));
    if (seconds == null) {
      return Story.transition(k, null, slot);
    }
    FieldRef at = FieldRef.of("transitionDuration");
    double value;
    try {
      value = Double.parseDouble(seconds);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    return Story.transition(k, Story.transitionSeconds(value, at), slot);
  }

  /** The value of a per-image field for image {@code index}: given once (for all) or once per image. */
  private static String perImage(List<String> values, String name, int images, int index) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() != 1 && values.size() != images) {
      throw FieldRef.of(name).invalid("was given " + values.size() + " times for " + images
          + " images: give it once (for every image) or once per image, in order");
    }
    String v = values.size() == 1 ? values.get(0) : values.get(index);
    return v == null || v.isBlank() ? null : name.equals("caption") ? v : v.trim();
  }

  /** A field that may be given at most once: its trimmed value, or null when absent or blank. */
  private static Function<String, String> once(Function<String, List<String>> all) {
    return name -> {
      List<String> values = all.apply(name);
      if (values.size() > 1) {
        throw FieldRef.of(name).invalid("was given more than once.");
      }
      return values.isEmpty() || values.get(0).isBlank() ? null
          : name.equals("title") || name.equals(Story.FIELD) ? values.get(0) : values.get(0).trim();
    };
  }

  private static boolean present(List<String> values) {
    return values.stream().anyMatch(v -> v != null && !v.isBlank());
  }
}
