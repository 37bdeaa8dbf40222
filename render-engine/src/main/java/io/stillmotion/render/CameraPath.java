package io.stillmotion.render;

/**
 * Where the camera looks in every frame, in floating point. The zoom is interpolated geometrically
 * (constant perceived speed); start and end positions are shares of the free room around the
 * viewport, so the viewport never leaves the image and the frame is always covered. The camera ends
 * with the focus point at the same relative place in the frame as in the image.
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
  private final RenderSpec options;
  private final double coverWidth;
  private final Motion motion;

  private record Motion(double zoomFrom, double zoomTo, double uxFrom, double uxTo, double uyFrom, double uyTo) {
  }

  CameraPath(RenderSpec options, double imageWidth, double imageHeight) {
    this.options = options;
    this.imageWidth = imageWidth;
    this.imageHeight = imageHeight;
    this.aspect = (double) options.width() / options.height();
    this.frames = options.frameCount();
    this.coverWidth = Math.min(imageWidth, imageHeight * aspect);
    this.motion = motion(options, imageWidth, imageHeight, aspect);
  }

  /** The largest zoom the path uses for an image of this shape: how much detail the source needs. */
  static double maxZoom(RenderSpec options, double imageWidth, double imageHeight) {
    Motion m = motion(options, imageWidth, imageHeight, (double) options.width() / options.height());
    return Math.max(m.zoomFrom, m.zoomTo);
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
    double e = options.easing().apply(t);
    double zoom = motion.zoomFrom * Math.pow(motion.zoomTo / motion.zoomFrom, e);
    double w = coverWidth / zoom;
    double h = w / aspect;
    Viewport from = place(motion.zoomFrom, motion.uxFrom, motion.uyFrom);
    Viewport to = place(motion.zoomTo, motion.uxTo, motion.uyTo);
    double cx = from.centerX() + (to.centerX() - from.centerX()) * e;
    double cy = from.centerY() + (to.centerY() - from.centerY()) * e;
    cx = Math.max(w / 2, Math.min(imageWidth - w / 2, cx));
    cy = Math.max(h / 2, Math.min(imageHeight - h / 2, cy));
    return new Viewport(cx, cy, w, h);
  }

  /** The viewport at a zoom, placed at a share (0..1) of the room left around it on each axis. */
  private Viewport place(double zoom, double ux, double uy) {
    double w = coverWidth / zoom;
    double h = w / aspect;
    return new Viewport(w / 2 + ux * (imageWidth - w), h / 2 + uy * (imageHeight - h), w, h);
  }

  private static Motion motion(RenderSpec o, double imageWidth, double imageHeight, double aspect) {
    double fx = o.focusX();
    double fy = o.focusY();
    double coverWidth = Math.min(imageWidth, imageHeight * aspect);
    double coverHeight = coverWidth / aspect;
    double roomX = (imageWidth - coverWidth) / coverWidth;
    double roomY = (imageHeight - coverHeight) / coverHeight;
    return switch (o.effect()) {
      case ZOOM_IN -> new Motion(1, ZOOM, 0.5, fx, 0.5, fy);
      case ZOOM_OUT -> new Motion(ZOOM, 1, fx, 0.5, fy, 0.5);
      case PAN_LEFT, PAN_RIGHT -> {
        double zoom = panZoom(imageWidth, coverWidth);
        yield o.effect() == Effect.PAN_LEFT
            ? new Motion(zoom, zoom, 1, 0, fy, fy)
            : new Motion(zoom, zoom, 0, 1, fy, fy);
      }
      case PAN_UP, PAN_DOWN -> {
        double zoom = panZoom(imageHeight, coverHeight);
        yield o.effect() == Effect.PAN_UP
            ? new Motion(zoom, zoom, fx, fx, 1, 0)
            : new Motion(zoom, zoom, fx, fx, 0, 1);
      }
      case KEN_BURNS -> kenBurns(fx, fy, roomX, roomY);
    };
  }

  /** Zoom that leaves at least {@link #MIN_PAN_ROOM} of the image's extent to travel along the pan. */
  private static double panZoom(double extent, double coverExtent) {
    double maxViewport = extent * (1 - MIN_PAN_ROOM);
    return coverExtent <= maxViewport ? 1 : coverExtent / maxViewport;
  }

  /**
   * Zooms in towards the focus, starting from the opposite side. An image much taller (or wider)
   * than the frame starts at the top (or left) end of its long axis, where faces usually are, and
   * travels along it; a centred focus on a similar shape still gets a gentle diagonal drift.
   */
  private static Motion kenBurns(double fx, double fy, double roomX, double roomY) {
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
    return new Motion(1, KEN_BURNS_ZOOM, clamp01(sx), fx, clamp01(sy), fy);
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
