package io.stillmotion.render;

import java.util.ArrayList;
import java.util.List;
import org.jcodec.common.model.Picture;

/**
 * The frames of one GOP, drawn in order on one thread. It holds only the shots the current frame
 * shows: a shot is acquired at its first frame in the GOP and released as soon as the GOP has
 * moved past it, so a GOP that starts mid-transition and ends in the next one never holds its
 * three shots at once. {@link #close()} releases whatever is still held.
 */
final class GopFrames implements FrameSource, AutoCloseable {

  /** A shot could not be prepared; carries the checked failure through the encoder's loop. */
  static final class ShotFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ShotFailure(Exception cause) {
      super(cause);
    }
  }

  private final Timeline timeline;
  private final StoryFrames frames;
  private final ShotSources sources;
  private final List<Integer> held = new ArrayList<>();

  GopFrames(Timeline timeline, StoryFrames frames, ShotSources sources) {
    this.timeline = timeline;
    this.frames = frames;
    this.sources = sources;
  }

  @Override
  public Picture newPicture() {
    return frames.newPicture();
  }

  @Override
  public boolean mixes(int frame) {
    return frames.mixes(frame);
  }

  /** Known for frames of one shot this GOP already holds. */
  @Override
  public Viewport view(int frame) {
    Timeline.Composition c = timeline.at(frame);
    return c.single() && held.contains(c.a()) ? frames.view(frame) : null;
  }

  @Override
  public Viewport render(int frame, Picture into) {
    Timeline.Composition c = timeline.at(frame);
    List<Integer> needed = c.single() ? List.of(c.a()) : List.of(c.a(), c.b());
    for (Integer shot : List.copyOf(held)) {
      if (!needed.contains(shot)) {
        sources.release(List.of(shot));
        held.remove(shot);
      }
    }
    for (Integer shot : needed) {
      if (!held.contains(shot)) {
        try {
          sources.acquire(List.of(shot));
        } catch (RenderException | RenderCancelledException e) {
          throw new ShotFailure(e);
        }
        held.add(shot);
      }
    }
    return frames.render(frame, into);
  }

  @Override
  public void close() {
    sources.release(held);
    held.clear();
  }
}
