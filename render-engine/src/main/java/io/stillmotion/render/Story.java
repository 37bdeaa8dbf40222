package io.stillmotion.render;

import io.stillmotion.render.audio.Soundtrack;
import io.stillmotion.render.text.TextOverlays;
import java.util.ArrayList;
import java.util.List;

/**
 * Several images, one video: 1 to {@value #MAX_SHOTS} shots in order, the transitions between them
 * ({@code transitions.get(i)} joins shot i and shot i + 1), an optional title shown over the
 * first shot, an optional soundtrack, and the frame size, rate and quality. The video lasts the
 * sum of the shots' durations (at most {@value #MAX_SECONDS} s); the soundtrack is cut to it or
 * looped. A single-image render is the one-shot story ({@link #single}).
 *
 * <p>Built with {@link #builder}, whose {@link Builder#build()} checks everything that can be
 * checked before rendering (limits, transitions that fit their shots, captions and title that fit
 * the frame) and throws {@link InvalidStoryException} naming the part and the shot. Rendering can
 * still fail on an image that does not decode.
 *
 * <pre>{@code
 * Story story = Story.builder(1080, 1920, 30)
 *     .title("A weekend in Porto")
 *     .soundtrack(Soundtrack.probe(mp3Bytes))
 *     .defaultTransition(Transition.crossfade(0.8))
 *     .shot(new Shot(() -> load(1), 4, Motion.of(Effect.ZOOM_IN).withFocus(Focus.AUTO), "Day one"))
 *     .shot(new Shot(() -> load(2), 4, Motion.of(Effect.PAN_LEFT).withSpeed(Speed.SLOW)))
 *     .build();
 * RenderResult video = renderer.render(story, workDir, listener);
 * }</pre>
 */
public final class Story {

  public static final int MAX_SHOTS = 20;
  public static final double MAX_SECONDS = 120;
  public static final double MIN_SHOT_SECONDS = 0.5;
  public static final int MAX_TITLE_CHARS = 100;
  public static final int MAX_CAPTION_CHARS = 200;

  private final int width;
  private final int height;
  private final int fps;
  private final Quality quality;
  private final List<Shot> shots;
  private final List<Transition> transitions;
  private final String title;
  private final Soundtrack soundtrack;

  private Story(Builder b) {
    this.width = b.width;
    this.height = b.height;
    this.fps = b.fps;
    this.quality = b.quality;
    this.shots = List.copyOf(b.shots);
    this.transitions = List.copyOf(b.transitions);
    this.title = b.title;
    this.soundtrack = b.soundtrack;
  }

  public static Builder builder(int width, int height, int fps) {
    return new Builder(width, height, fps);
  }

  /** The one-shot story of a single-image render. */
  public static Story single(ImageSource image, RenderSpec spec) throws InvalidStoryException {
    return builder(spec.width(), spec.height(), spec.fps()).quality(spec.quality())
        .shot(new Shot(image, spec.durationSeconds(), spec.motion())).build();
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int fps() {
    return fps;
  }

  public Quality quality() {
    return quality;
  }

  public List<Shot> shots() {
    return shots;
  }

  public List<Transition> transitions() {
    return transitions;
  }

  /** The title, or null. */
  public String title() {
    return title;
  }

  /** The soundtrack, or null. */
  public Soundtrack soundtrack() {
    return soundtrack;
  }

  public double durationSeconds() {
    return shots.stream().mapToDouble(Shot::durationSeconds).sum();
  }

  /** Number of frames in the video. */
  public int frameCount() {
    return (int) Math.round(durationSeconds() * fps);
  }

  /** Collects the parts of a story; {@link #build()} checks them. */
  public static final class Builder {
    private final int width;
    private final int height;
    private final int fps;
    private Quality quality = Quality.MEDIUM;
    private final List<Shot> shots = new ArrayList<>();
    private final List<Transition> transitions = new ArrayList<>();
    private Transition defaultTransition = Transition.CUT;
    private String title;
    private Soundtrack soundtrack;

    private Builder(int width, int height, int fps) {
      this.width = width;
      this.height = height;
      this.fps = fps;
    }

    public Builder quality(Quality q) {
      this.quality = q;
      return this;
    }

    /** The transition {@link #shot} puts before each shot after the first (default: cut). */
    public Builder defaultTransition(Transition t) {
      this.defaultTransition = t;
      return this;
    }

    public Builder shot(Shot shot) {
      return shot(defaultTransition, shot);
    }

    /** Adds a shot joined to the previous one by {@code before} (ignored for the first shot). */
    public Builder shot(Transition before, Shot shot) {
      if (!shots.isEmpty()) {
        transitions.add(before);
      }
      shots.add(shot);
      return this;
    }

    /** Text shown over the opening (null or blank: none). */
    public Builder title(String text) {
      this.title = text == null || text.isBlank() ? null : text;
      return this;
    }

    public Builder soundtrack(Soundtrack s) {
      this.soundtrack = s;
      return this;
    }

    public Story build() throws InvalidStoryException {
      checkFormat();
      checkShots();
      if (title != null) {
        checkLength(title, MAX_TITLE_CHARS, "title", -1);
        TextOverlays.check(title, TextOverlays.Role.TITLE, width, height, "title", -1);
      }
      for (int i = 0; i < shots.size(); i++) {
        String caption = shots.get(i).caption();
        if (caption != null) {
          checkLength(caption, MAX_CAPTION_CHARS, "caption", i);
          TextOverlays.check(caption, TextOverlays.Role.CAPTION, width, height, "caption", i);
        }
      }
      Story story = new Story(this);
      Timeline.check(story);
      return story;
    }

    private void checkFormat() throws InvalidStoryException {
      if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0 || width > 4096 || height > 4096) {
        throw new InvalidStoryException("invalid_size", "size",
            "The frame size must be even, at least 16x16 and at most 4096x4096: " + width + "x" + height);
      }
      if (fps < 1 || fps > 120) {
        throw new InvalidStoryException("invalid_fps", "fps", "The frame rate must be 1 to 120: " + fps);
      }
      if (quality == null) {
        throw new InvalidStoryException("invalid_quality", "quality", "A quality is required");
      }
    }

    private void checkShots() throws InvalidStoryException {
      if (shots.isEmpty() || shots.size() > MAX_SHOTS) {
        throw new InvalidStoryException("invalid_shots", "shots",
            "A story has 1 to " + MAX_SHOTS + " images: " + shots.size());
      }
      double total = 0;
      for (int i = 0; i < shots.size(); i++) {
        double d = shots.get(i).durationSeconds();
        if (!(d >= MIN_SHOT_SECONDS && d <= MAX_SECONDS)) {
          throw new InvalidStoryException("invalid_duration", "duration", i,
              "Image " + (i + 1) + " must be shown " + MIN_SHOT_SECONDS + " to " + MAX_SECONDS + " seconds: " + d);
        }
        total += d;
      }
      if (total > MAX_SECONDS + 1e-9) {
        throw new InvalidStoryException("invalid_duration", "duration",
            "A story lasts at most " + MAX_SECONDS + " seconds: " + total);
      }
      for (Transition t : transitions) {
        if (t == null) {
          throw new InvalidStoryException("invalid_transition", "transition", "A transition is required");
        }
      }
    }

    private static void checkLength(String text, int max, String field, int shot) throws InvalidStoryException {
      int chars = text.codePointCount(0, text.length());
      if (chars > max) {
        throw new InvalidStoryException("text_too_long", field, shot,
            "The " + field + (shot >= 0 ? " of image " + (shot + 1) : "") + " has " + chars
                + " characters; at most " + max + " fit");
      }
    }
  }
}
