package io.stillmotion.render;

/**
 * Where the camera looks in every frame, in floating point. The zoom is interpolated geometrically
 * (constant perceived speed); start and end positions are shares of the free room around the
 * viewport, so the viewport never leaves the image and the frame is always covered. A preset ends
 * with the focus point at the same relative place in the frame as in the image; a directed motion
 * eases from its start framing to its end framing (see {@link Motion} for how a framing is fitted).
 */
final class CameraPath {

  static final double ZOOM = 1.3;
  static final double KEN_BURNS_ZOOM = 1.2;
  /** A pan needs at least this share of the image as room to travel; zooms in a little to get it. */
  static final double MIN_PAN_ROOM = 0.15;
  /** Room along an axis above this share of the viewport means the image's shape differs a lot from the frame's. */
  static final double LONG_AXIS_ROOM = 0.15;

  private final double imageWidth;
  private final double imageHeight;
  private final double aspect;
  private final int frames;
  private final Easing easing;
  private final double coverWidth;
  private final Plan plan;

  /** Zoom (1: the whole covering view) and position (shares of the room around the view) at both ends. */
  private record Plan(double zoomFrom, double zoomTo, double uxFrom, double uxTo, double uyFrom, double uyTo) {
  }

  CameraPath(RenderSpec options, double imageWidth, double imageHeight) {
    this(options.motion(), options.frameCount(), (double) options.width() / options.height(), imageWidth,
        imageHeight);
  }

  /** {@code motion}'s focus must be a point (resolve {@link Focus#AUTO} first). */
  CameraPath(Motion motion, int frames, double frameAspect, double imageWidth, double imageHeight) {
    this.imageWidth = imageWidth;
    this.imageHeight = imageHeight;
    this.aspect = frameAspect;
    this.frames = frames;
    this.easing = motion.easing();
    this.coverWidth = Math.min(imageWidth, imageHeight * aspect);
    this.plan = plan(motion, imageWidth, imageHeight, aspect);
  }

  /** The largest zoom the path uses for an image of this shape: how much detail the source needs. */
  static double maxZoom(Motion motion, double frameAspect, double imageWidth, double imageHeight) {
    Plan p = plan(motion, imageWidth, imageHeight, frameAspect);
    return Math.max(p.zoomFrom, p.zoomTo);
  }

  int frames() {
    return frames;
  }

  /**
   * The centre moves on a straight line between the start and end viewports' centres. That stays
   * inside the image: with the zoom geometric in the eased time, the viewport's half-size is
   * convex in it and lies below the chord the centre follows (and symmetrically at the far edge).
   */
  Viewport at(int frame) {
    double t = frames <= 1 ? 0 : (double) frame / (frames - 1);
    double e = easing.apply(t);
    double zoom = plan.zoomFrom * Math.pow(plan.zoomTo / plan.zoomFrom, e);
    double w = coverWidth / zoom;
    double h = w / aspect;
    Viewport from = place(plan.zoomFrom, plan.uxFrom, plan.uyFrom);
    Viewport to = place(plan.zoomTo, plan.uxTo, plan.uyTo);
    double cx = from.centerX() + (to.centerX() - from.centerX()) * e;
    double cy = from.centerY() + (to.centerY() - from.centerY()) * e;
    cx = Math.max(w / 2, Math.min(imageWidth - w / 2, cx));
    cy = Math.max(h / 2, Math.min(imageHeight - h / 2, cy));
    return new Viewport(cx, cy, w, h);
  }

  /** The smallest rectangle holding every frame's view: the only part of the image the path shows. */
  Viewport bounds() {
    double left = imageWidth;
    double top = imageHeight;
    double right = 0;
    double bottom = 0;
    for (int f = 0; f < Math.max(1, frames); f++) {
      Viewport v = at(f);
      left = Math.min(left, v.left());
      top = Math.min(top, v.top());
      right = Math.max(right, v.left() + v.width());
      bottom = Math.max(bottom, v.top() + v.height());
    }
    return new Viewport((left + right) / 2, (top + bottom) / 2, right - left, bottom - top);
  }

  /** The viewport at a zoom, placed at a share (0..1) of the room left around it on each axis. */
  private Viewport place(double zoom, double ux, double uy) {
    double w = coverWidth / zoom;
    double h = w / aspect;
    return new Viewport(w / 2 + ux * (imageWidth - w), h / 2 + uy * (imageHeight - h), w, h);
  }

  private static Plan plan(Motion m, double imageWidth, double imageHeight, double aspect) {
    double coverWidth = Math.min(imageWidth, imageHeight * aspect);
    double coverHeight = coverWidth / aspect;
    if (m.directed()) {
      double[] from = framing(m.start(), imageWidth, imageHeight, aspect, coverWidth);
      double[] to = framing(m.end(), imageWidth, imageHeight, aspect, coverWidth);
      return new Plan(from[0], to[0], from[1], to[1], from[2], to[2]);
    }
    double fx = m.focus().x();
    double fy = m.focus().y();
    double speed = m.speed().factor();
    double travel = Math.min(1, speed);
    boolean zoomGiven = !Double.isNaN(m.zoom());
    double roomX = (imageWidth - coverWidth) / coverWidth;
    double roomY = (imageHeight - coverHeight) / coverHeight;
    return switch (m.effect()) {
      case ZOOM_IN -> new Plan(1, zoomGiven ? m.zoom() : Math.pow(ZOOM, speed), 0.5, fx, 0.5, fy);
      case ZOOM_OUT -> new Plan(zoomGiven ? m.zoom() : Math.pow(ZOOM, speed), 1, fx, 0.5, fy, 0.5);
      case PAN_LEFT, PAN_RIGHT -> {
        double zoom = Math.max(zoomGiven ? m.zoom() : 1, panZoom(imageWidth, coverWidth, speed));
        double a = 0.5 + travel / 2;
        double b = 0.5 - travel / 2;
        yield m.effect() == Effect.PAN_LEFT ? new Plan(zoom, zoom, a, b, fy, fy) : new Plan(zoom, zoom, b, a, fy, fy);
      }
      case PAN_UP, PAN_DOWN -> {
        double zoom = Math.max(zoomGiven ? m.zoom() : 1, panZoom(imageHeight, coverHeight, speed));
        double a = 0.5 + travel / 2;
        double b = 0.5 - travel / 2;
        yield m.effect() == Effect.PAN_UP ? new Plan(zoom, zoom, fx, fx, a, b) : new Plan(zoom, zoom, fx, fx, b, a);
      }
      case KEN_BURNS -> kenBurns(fx, fy, roomX, roomY, zoomGiven ? m.zoom() : Math.pow(KEN_BURNS_ZOOM, speed),
          travel);
    };
  }

  /**
   * A framing as zoom and room shares: grown to the frame's aspect around its centre, kept between
   * {@link Motion#MAX_ZOOM}x closer than the covering view and that view itself, shifted inside.
   */
  private static double[] framing(Framing f, double imageWidth, double imageHeight, double aspect,
      double coverWidth) {
    double w = f.width() * imageWidth;
    double h = f.height() * imageHeight;
    if (w / h < aspect) {
      w = h * aspect;
    }
    w = Math.max(coverWidth / Motion.MAX_ZOOM, Math.min(coverWidth, w));
    h = w / aspect;
    double left = Math.max(0, Math.min(imageWidth - w, f.centerX() * imageWidth - w / 2));
    double top = Math.max(0, Math.min(imageHeight - h, f.centerY() * imageHeight - h / 2));
    double ux = imageWidth - w > 1e-9 ? left / (imageWidth - w) : 0.5;
    double uy = imageHeight - h > 1e-9 ? top / (imageHeight - h) : 0.5;
    return new double[] {coverWidth / w, ux, uy};
  }

  /** Zoom that leaves at least {@link #MIN_PAN_ROOM} (times the speed) of the image's extent to travel along the pan. */
  private static double panZoom(double extent, double coverExtent, double speed) {
    double maxViewport = extent * (1 - MIN_PAN_ROOM * Math.max(1, speed));
    return coverExtent <= maxViewport ? 1 : coverExtent / maxViewport;
  }

  /**
   * Zooms in towards the focus, starting from the opposite side. An image much taller (or wider)
   * than the frame starts at the top (or left) end of its long axis, where faces usually are, and
   * travels along it; a centred focus on a similar shape still gets a gentle diagonal drift. A
   * slow move travels part of the way.
   */
  private static Plan kenBurns(double fx, double fy, double roomX, double roomY, double zoom, double travel) {
    double sx = 1 - fx;
    double sy = 1 - fy;
    if (Math.abs(sx - fx) < 0.2 && Math.abs(sy - fy) < 0.2) {
      sx = fx - 0.2;
      sy = fy - 0.15;
    }
    if (roomY > LONG_AXIS_ROOM) {
      sy = fy >= 0.5 ? 0 : 1;
      sx = fx;
    } else if (roomX > LONG_AXIS_ROOM) {
      sx = fx >= 0.5 ? 0 : 1;
      sy = fy;
    }
    sx = fx + (clamp01(sx) - fx) * travel;
    sy = fy + (clamp01(sy) - fy) * travel;
    return new Plan(1, zoom, sx, fx, sy, fy);
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
