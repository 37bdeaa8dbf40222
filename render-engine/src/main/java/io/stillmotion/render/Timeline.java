package io.stillmotion.render;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A story laid out in frames. Shot i owns the time slot [slotStart(i), slotStart(i + 1)); the
 * transition between shots i and i + 1 is centred on their common boundary, so shot i is on
 * screen (its camera path runs) from the start of the transition before it to the end of the one
 * after it. Each frame shows one shot, or two during a transition ({@link Composition}).
 *
 * <p>GOPs: a cut starts a new GOP, and so does the middle of every other transition, where the
 * incoming shot starts to dominate. Within a GOP every frame is then a view of one image (the
 * dominant one), so the encoder can predict each frame along that image's camera motion. Long
 * spans are split into GOPs of at most the encoder's longest GOP; a one-shot video is split into
 * a multiple of the thread count, as single-image renders always were.
 */
final class Timeline {

  /** What frame f shows: shot {@code a} alone ({@code b} = -1), or a transition from a to b at {@code progress} (0..1, exclusive). */
  record Composition(int a, int frameA, int b, int frameB, Transition.Kind kind, double progress) {

    boolean single() {
      return b < 0;
    }

    /** The shot the frame mostly shows: the encoder follows its camera. */
    int dominant() {
      return single() || progress < 0.5 ? a : b;
    }
  }

  /** Frames [first, end) coded as one GOP, and the shots they show. */
  record Gop(int first, int end, List<Integer> shots) {
  }

  private final int fps;
  private final int frames;
  private final int shots;
  private final int[] slotStart;
  private final int[] transitionStart;
  private final int[] transitionEnd;
  private final Transition.Kind[] kinds;

  private Timeline(Story story) {
    this.fps = story.fps();
    this.shots = story.shots().size();
    this.slotStart = new int[shots + 1];
    double t = 0;
    for (int i = 0; i < shots; i++) {
      slotStart[i] = (int) Math.round(t * fps);
      t += story.shots().get(i).durationSeconds();
    }
    slotStart[shots] = (int) Math.round(t * fps);
    this.frames = slotStart[shots];
    this.transitionStart = new int[Math.max(0, shots - 1)];
    this.transitionEnd = new int[Math.max(0, shots - 1)];
    this.kinds = new Transition.Kind[Math.max(0, shots - 1)];
    for (int i = 0; i + 1 < shots; i++) {
      Transition tr = story.transitions().get(i);
      int length = tr.kind() == Transition.Kind.CUT ? 0 : Math.max(1, (int) Math.round(tr.seconds() * fps));
      int before = length / 2;
      transitionStart[i] = slotStart[i + 1] - before;
      transitionEnd[i] = transitionStart[i] + length;
      kinds[i] = length == 0 ? Transition.Kind.CUT : tr.kind();
    }
  }

  static Timeline of(Story story) {
    return new Timeline(story);
  }

  /** Checks that every shot gets frames and every transition fits within its two shots' slots. */
  static void check(Story story) throws InvalidStoryException {
    Timeline t = new Timeline(story);
    for (int i = 0; i < t.shots; i++) {
      int from = i == 0 ? 0 : t.transitionEnd[i - 1];
      int to = i + 1 == t.shots ? t.frames : t.transitionStart[i];
      if (t.slotStart[i + 1] - t.slotStart[i] < 1) {
        throw new InvalidStoryException("invalid_duration", "duration", i,
            "Image " + (i + 1) + " is shown for less than one frame");
      }
      if (from > to) {
        throw new InvalidStoryException("invalid_transition", "transitionDuration", i,
            "The transitions around image " + (i + 1) + " are longer than it is shown: each transition takes half"
                + " its time from each of its two images");
      }
    }
  }

  int frames() {
    return frames;
  }

  int fps() {
    return fps;
  }

  int shotCount() {
    return shots;
  }

  /** First frame on which the shot is on screen. */
  int visibleStart(int shot) {
    return shot == 0 ? 0 : transitionStart[shot - 1];
  }

  /** Number of frames the shot is on screen: the length of its camera path. */
  int visibleFrames(int shot) {
    int end = shot + 1 == shots ? frames : transitionEnd[shot];
    return end - visibleStart(shot);
  }

  Composition at(int frame) {
    int i = 0;
    while (i + 1 < shots && frame >= slotStart[i + 1]) {
      i++;
    }
    if (i > 0 && frame < transitionEnd[i - 1]) {
      return transition(i - 1, frame);
    }
    if (i + 1 < shots && frame >= transitionStart[i]) {
      return transition(i, frame);
    }
    return new Composition(i, frame - visibleStart(i), -1, -1, Transition.Kind.CUT, 0);
  }

  private Composition transition(int k, int frame) {
    int length = transitionEnd[k] - transitionStart[k];
    double progress = (frame - transitionStart[k] + 1.0) / (length + 1);
    return new Composition(k, frame - visibleStart(k), k + 1, frame - visibleStart(k + 1), kinds[k], progress);
  }

  /** The frame where a transition's incoming shot starts to dominate (for a cut: its first frame). */
  private int switchFrame(int k) {
    int length = transitionEnd[k] - transitionStart[k];
    return transitionStart[k] + (length + 2) / 2 - 1;
  }

  List<Gop> gops(int threads, double maxGopSeconds) {
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(0);
    cuts.add(frames);
    for (int k = 0; k < kinds.length; k++) {
      cuts.add(kinds[k] == Transition.Kind.CUT ? slotStart[k + 1] : switchFrame(k));
    }
    List<Gop> gops = new ArrayList<>();
    Integer from = 0;
    for (Integer to = cuts.higher(from); to != null; from = to, to = cuts.higher(to)) {
      int length = to - from;
      int pieces = cuts.size() == 2
          ? VideoRenderer.gopCount(length, fps, threads, maxGopSeconds)
          : (int) Math.ceil(length / (maxGopSeconds * fps));
      for (int p = 0; p < pieces; p++) {
        int first = from + (int) ((long) p * length / pieces);
        int end = from + (int) ((long) (p + 1) * length / pieces);
        gops.add(new Gop(first, end, shotsIn(first, end)));
      }
    }
    return gops;
  }

  /** The shots on screen in frames [first, end), in order. */
  List<Integer> shotsIn(int first, int end) {
    List<Integer> in = new ArrayList<>();
    for (int s = 0; s < shots; s++) {
      int start = visibleStart(s);
      if (start < end && start + visibleFrames(s) > first) {
        in.add(s);
      }
    }
    return in;
  }
}
