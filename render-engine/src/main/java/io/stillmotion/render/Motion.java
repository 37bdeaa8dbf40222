package io.stillmotion.render;

/**
 * How the camera moves over one image.
 *
 * <ul>
 *   <li>{@code effect}: the preset ({@link Effect}), with its {@code easing};
 *   <li>{@code focus}: where it heads (a point, or {@link Focus#AUTO});
 *   <li>{@code zoom}: how far in or out, as a ratio (1.5: the closest view shows two thirds of the
 *       width the widest does), 1 to {@value #MAX_ZOOM}; {@code NaN} keeps the preset's own (1.3
 *       for zooms, 1.2 for Ken Burns, just enough room for pans) scaled by {@code speed}. For pans
 *       it is the constant zoom at which the camera travels;
 *   <li>{@code speed}: {@link Speed}, how much the preset moves in its time;
 *   <li>{@code start}, {@code end}: directed framing. When both are set they replace the preset:
 *       the camera eases from one rectangle to the other (geometric zoom, straight centre line).
 *       Each rectangle is first grown around its centre to the frame's aspect ratio (so all of it
 *       stays in view), then grown to at most {@value #MAX_ZOOM}x closer than the full view, shrunk
 *       to the largest view that fits in the image if it is bigger (the frame is never uncovered:
 *       no bars), and finally shifted inside the image.
 * </ul>
 */
public record Motion(Effect effect, Easing easing, Focus focus, double zoom, Speed speed, Framing start, Framing end) {

  /** The closest view is at most this much closer than the view of the whole (covering) image. */
  public static final double MAX_ZOOM = 4;

  public Motion {
    if (effect == null || easing == null || focus == null || speed == null) {
      throw new IllegalArgumentException("effect, easing, focus and speed are required");
    }
    if (!Double.isNaN(zoom) && !(zoom >= 1 && zoom <= MAX_ZOOM)) {
      throw new IllegalArgumentException("zoom must be between 1 and " + MAX_ZOOM + ": " + zoom);
    }
    if ((start == null) != (end == null)) {
      throw new IllegalArgumentException("a directed framing needs both a start and an end rectangle");
    }
  }

  /** A preset with its defaults: ease in and out, centred, the preset's own zoom, normal speed. */
  public static Motion of(Effect effect) {
    return new Motion(effect, Easing.EASE_IN_OUT, Focus.CENTER, Double.NaN, Speed.NORMAL, null, null);
  }

  /** The camera eases from one framing to the other (the same one twice holds still). */
  public static Motion framed(Framing start, Framing end) {
    return new Motion(Effect.KEN_BURNS, Easing.EASE_IN_OUT, Focus.CENTER, Double.NaN, Speed.NORMAL, start, end);
  }

  public Motion withEasing(Easing e) {
    return new Motion(effect, e, focus, zoom, speed, start, end);
  }

  public Motion withFocus(Focus f) {
    return new Motion(effect, easing, f, zoom, speed, start, end);
  }

  public Motion withZoom(double z) {
    return new Motion(effect, easing, focus, z, speed, start, end);
  }

  public Motion withSpeed(Speed s) {
    return new Motion(effect, easing, focus, zoom, s, start, end);
  }

  public boolean directed() {
    return start != null;
  }
}
