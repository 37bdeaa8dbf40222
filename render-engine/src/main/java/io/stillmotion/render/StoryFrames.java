package io.stillmotion.render;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * Draws the frames of a story: each shot's view of its image with its text, and during a
 * transition both shots mixed in YUV ({@link Blend}). The view returned is the dominant shot's,
 * moved by the slide where there is one, so the encoder keeps predicting along that shot's motion.
 */
final class StoryFrames implements FrameSource {

  private final Timeline timeline;
  private final ShotSources sources;
  private final int width;
  private final int height;
  /** Second pictures for transitions, reused by whichever thread needs one. */
  private final ConcurrentLinkedQueue<Picture> scratch = new ConcurrentLinkedQueue<>();

  StoryFrames(Timeline timeline, ShotSources sources, int width, int height) {
    this.timeline = timeline;
    this.sources = sources;
    this.width = width;
    this.height = height;
  }

  @Override
  public Picture newPicture() {
    int paddedW = (width + 15) & ~15;
    int paddedH = (height + 15) & ~15;
    Rect crop = paddedW == width && paddedH == height ? null : new Rect(0, 0, width, height);
    return Picture.createCropped(paddedW, paddedH, ColorSpace.YUV420J, crop);
  }

  /** Known for frames of one shot (its camera path), once the shot is prepared. */
  @Override
  public Viewport view(int frame) {
    Timeline.Composition c = timeline.at(frame);
    return c.single() ? sources.get(c.a()).path().at(c.frameA()) : null;
  }

  @Override
  public Viewport render(int frame, Picture into) {
    Timeline.Composition c = timeline.at(frame);
    if (c.single()) {
      return layer(c.a(), c.frameA(), into);
    }
    Picture other = borrow();
    try {
      return switch (c.kind()) {
        case CROSSFADE, CUT -> crossfade(c, into, other);
        case SLIDE -> slide(c, into, other);
      };
    } finally {
      scratch.add(other);
    }
  }

  /** Crossfades: both images show through every pixel. A slide's frames are each image's own pixels. */
  @Override
  public boolean mixes(int frame) {
    Timeline.Composition c = timeline.at(frame);
    return !c.single() && c.kind() != Transition.Kind.SLIDE;
  }

  private Viewport crossfade(Timeline.Composition c, Picture into, Picture other) {
    Viewport a = layer(c.a(), c.frameA(), into);
    Viewport b = layer(c.b(), c.frameB(), other);
    Blend.crossfade(into, other, (int) Math.round(c.progress() * 256));
    return c.dominant() == c.a() ? a : b;
  }

  /** The outgoing shot moves left by an eased share of the width; the incoming one follows it in. */
  private Viewport slide(Timeline.Composition c, Picture into, Picture other) {
    Picture outgoing = borrow();
    try {
      Viewport a = layer(c.a(), c.frameA(), outgoing);
      Viewport b = layer(c.b(), c.frameB(), other);
      int shift = Math.min(width, 2 * (int) Math.round(Easing.EASE_IN_OUT.apply(c.progress()) * width / 2));
      Blend.slide(outgoing, other, into, shift, width, height);
      if (c.dominant() == c.a()) {
        double step = a.width() / width;
        return new Viewport(a.centerX() + shift * step, a.centerY(), a.width(), a.height());
      }
      double step = b.width() / width;
      return new Viewport(b.centerX() - (width - shift) * step, b.centerY(), b.width(), b.height());
    } finally {
      scratch.add(outgoing);
    }
  }

  private Viewport layer(int shot, int frameInShot, Picture into) {
    ShotSources.Prepared p = sources.get(shot);
    Viewport v = p.path().at(frameInShot);
    p.renderer().render(v, into);
    if (!p.overlays().isEmpty()) {
      p.overlays().forEach(o -> o.blendInto(into));
      FrameRenderer.padPicture(into, width, height);
    }
    return v;
  }

  private Picture borrow() {
    Picture p = scratch.poll();
    return p != null ? p : newPicture();
  }
}
