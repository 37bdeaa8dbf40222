package io.stillmotion.render;

import io.stillmotion.render.text.TextOverlays;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The shots' sources, prepared when a GOP first needs them and dropped when the last GOP that
 * shows them is done, so memory does not grow with the number of shots. Preparing a shot reads
 * its bytes, decodes them, finds its focus if asked, finds the size that gives the detail its path
 * needs, the path at that size and the part of the image the path shows, scales only that part (of
 * a portrait photo in a landscape Ken Burns video, about two thirds) and builds its YUV pyramid;
 * one shot is prepared at a time (a decoded full-size photo is the largest thing a render holds),
 * its rows shared with idle render threads ({@link RowBands}), since the GOPs waiting for it
 * cannot start before. A prepared shot is a few tens of MB at most ({@link #maxWorkingPixels}
 * before cropping), and only the shots of the GOPs in flight (at most threads + 1) are prepared at
 * once.
 */
final class ShotSources {

  /** A shot ready to draw: its camera path, the renderer of its cropped source and its text. */
  record Prepared(CameraPath path, FrameRenderer renderer, List<Overlay> overlays) {
  }

  private final Story story;
  private final Timeline timeline;
  private final long maxWorkingPixels;
  private final Object prepareLock = new Object();
  private final Slot[] slots;
  private final BooleanSupplier cancelled;
  private final ImageGuard guard;
  private final RowBands bands;
  private int prepared;
  private int peakPrepared;

  private static final class Slot {
    int users;
    Prepared prepared;
  }

  /** {@code users}: every set of shots that will be acquired together, once each (GOPs, the poster). */
  ShotSources(Story story, Timeline timeline, List<List<Integer>> users, long maxWorkingPixels,
      BooleanSupplier cancelled) {
    this(story, timeline, users, maxWorkingPixels, cancelled, ImageDecoder.DEFAULT_GUARD, RowBands.SERIAL);
  }

  /**
   * {@code guard}: the limits each shot's image is decoded within; {@code bands}: the threads that
   * share the work of preparing a shot (the GOPs waiting for it have nothing else to do).
   */
  ShotSources(Story story, Timeline timeline, List<List<Integer>> users, long maxWorkingPixels,
      BooleanSupplier cancelled, ImageGuard guard, RowBands bands) {
    this.guard = guard;
    this.bands = bands;
    this.story = story;
    this.timeline = timeline;
    this.maxWorkingPixels = maxWorkingPixels;
    this.cancelled = cancelled;
    this.slots = new Slot[story.shots().size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot();
    }
    for (List<Integer> use : users) {
      for (int shot : use) {
        slots[shot].users++;
      }
    }
  }

  /** Prepares (if needed) and holds the shots until {@link #release}. */
  void acquire(List<Integer> shots) throws RenderException, RenderCancelledException {
    for (int shot : shots) {
      Slot slot = slots[shot];
      synchronized (slot) {
        if (slot.prepared == null) {
          slot.prepared = prepare(shot);
          counted(1);
        }
      }
    }
  }

  /** One user of these shots is done; a shot nobody will use again is dropped. */
  void release(List<Integer> shots) {
    for (int shot : shots) {
      Slot slot = slots[shot];
      synchronized (slot) {
        slot.users--;
        if (slot.users <= 0 && slot.prepared != null) {
          slot.prepared = null;
          counted(-1);
        }
      }
    }
  }

  /** A shot between {@link #acquire} and {@link #release}. */
  Prepared get(int shot) {
    synchronized (slots[shot]) {
      Prepared p = slots[shot].prepared;
      if (p == null) {
        throw new IllegalStateException("shot " + shot + " is not acquired");
      }
      return p;
    }
  }

  /** The most shots that were prepared at the same time. */
  synchronized int peakPrepared() {
    return peakPrepared;
  }

  private synchronized void counted(int delta) {
    prepared += delta;
    peakPrepared = Math.max(peakPrepared, prepared);
  }

  private Prepared prepare(int shot) throws RenderException, RenderCancelledException {
    synchronized (prepareLock) {
      return prepareAlone(shot);
    }
  }

  private Prepared prepareAlone(int shot) throws RenderException, RenderCancelledException {
    try {
      stopIfCancelled();
      Shot s = story.shots().get(shot);
      RgbImage decoded = ImageDecoder.decode(read(s, shot), guard, bands);
      stopIfCancelled();
      int w = story.width();
      int h = story.height();
      Motion motion = s.motion().focus().auto()
          ? s.motion().withFocus(FocusFinder.find(decoded, s.motion(), (double) w / h))
          : s.motion();
      int[] size = VideoRenderer.workingSize(decoded.width(), decoded.height(), motion, w, h, maxWorkingPixels);
      CameraPath path = new CameraPath(motion, timeline.visibleFrames(shot), (double) w / h, size[0], size[1]);
      int[] crop = crop(path, size[0], size[1], w);
      stopIfCancelled();
      RgbImage shown = Resampler.resize(decoded, size[0], size[1], crop[0], crop[1], crop[2], crop[3], bands);
      decoded = null;
      stopIfCancelled();
      YuvPyramid pyramid = YuvPyramid.of(shown, 0, 0, shown.width(), shown.height(), bands);
      FrameRenderer renderer = new FrameRenderer(pyramid, w, h, crop[0], crop[1]);
      return new Prepared(path, renderer, overlays(shot));
    } catch (RenderException e) {
      throw story.shots().size() > 1 && !(e instanceof InvalidStoryException)
          ? new RenderException("Image " + (shot + 1) + ": " + e.getMessage(), e.isPermanent(), e)
          : e;
    }
  }

  private void stopIfCancelled() throws RenderCancelledException {
    if (cancelled.getAsBoolean()) {
      throw new RenderCancelledException();
    }
  }

  private static byte[] read(Shot shot, int index) throws RenderException {
    try {
      return shot.image().read();
    } catch (IOException | RuntimeException e) {
      throw new RenderException("Could not read image " + (index + 1), false, e);
    }
  }

  /**
   * The part of the working image (the decoded one scaled to {@code width} x {@code height}) the
   * path shows, grown by a margin for the filters and aligned to 64 pixels so the pyramid's levels
   * line up with those of the whole image: x, y, w, h. Only this part is ever resized.
   */
  private static int[] crop(CameraPath path, int width, int height, int frameWidth) {
    Viewport b = path.bounds();
    double margin = 4 * Math.max(1, b.width() / frameWidth) + 2;
    int x0 = Math.max(0, (int) Math.floor(b.left() - margin)) & ~63;
    int y0 = Math.max(0, (int) Math.floor(b.top() - margin)) & ~63;
    int x1 = Math.min(width, (int) Math.ceil(b.left() + b.width() + margin));
    int y1 = Math.min(height, (int) Math.ceil(b.top() + b.height() + margin));
    return new int[] {x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)};
  }

  private List<Overlay> overlays(int shot) {
    List<Overlay> overlays = new ArrayList<>();
    if (shot == 0 && story.title() != null) {
      add(overlays, TextOverlays.draw(story.title(), TextOverlays.Role.TITLE, story.width(), story.height()));
    }
    String caption = story.shots().get(shot).caption();
    if (caption != null) {
      add(overlays, TextOverlays.draw(caption, TextOverlays.Role.CAPTION, story.width(), story.height()));
    }
    return overlays;
  }

  private void add(List<Overlay> overlays, TextOverlays.Drawn d) {
    if (d != null) {
      overlays.add(Overlay.of(d.argb(), d.width(), d.height(), d.left(), d.top(), story.width(), story.height()));
    }
  }
}
