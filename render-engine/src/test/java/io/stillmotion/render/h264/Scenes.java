package io.stillmotion.render.h264;

import java.util.ArrayList;
import java.util.List;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * Camera moves over a procedural "photo" (smooth shading, sharp edges and fine texture at several
 * scales, defined everywhere) rendered straight to padded 4:2:0 pictures with the render engine's
 * sampling positions, so motion between frames is exactly a {@link CameraMotion}.
 */
final class Scenes {

  /** One frame's view of the image: top-left corner and image units per frame pixel. */
  record View(double left, double top, double step) {
  }

  enum Move {
    STILL, ZOOM_IN, ZOOM_OUT, PAN_LEFT, PAN_RIGHT, PAN_UP, PAN_DOWN, KEN_BURNS
  }

  private Scenes() {
  }

  /** {@code frames} views of a move that travels fast enough to be a hard test in few frames. */
  static List<View> views(Move move, int width, int height, int frames) {
    List<View> views = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      double t = frames == 1 ? 0 : (double) f / (frames - 1);
      double zoom = switch (move) {
        case ZOOM_IN -> Math.pow(1.3, t);
        case ZOOM_OUT -> Math.pow(1.3, 1 - t);
        case KEN_BURNS -> Math.pow(1.2, t);
        default -> 1;
      };
      double step = 1 / zoom;
      double w = width * step;
      double h = height * step;
      double cx = width / 2.0;
      double cy = height / 2.0;
      double travel = 0.05 * frames;
      switch (move) {
        case PAN_LEFT -> cx -= width * travel * t;
        case PAN_RIGHT -> cx += width * travel * t;
        case PAN_UP -> cy -= height * travel * t;
        case PAN_DOWN -> cy += height * travel * t;
        case KEN_BURNS -> {
          cx += width * 0.3 * t;
          cy += height * 0.2 * t;
        }
        default -> {
        }
      }
      views.add(new View(cx - w / 2, cy - h / 2, step));
    }
    return views;
  }

  static CameraMotion motion(View previous, View current) {
    return CameraMotion.between(previous.left(), previous.top(), previous.step(), current.left(), current.top(),
        current.step());
  }

  static Picture render(View v, int width, int height) {
    int pw = (width + 15) & ~15;
    int ph = (height + 15) & ~15;
    Picture pic = Picture.createCropped(pw, ph, ColorSpace.YUV420J,
        pw == width && ph == height ? null : new Rect(0, 0, width, height));
    byte[][] planes = pic.getData();
    for (int y = 0; y < ph; y++) {
      for (int x = 0; x < pw; x++) {
        double u = v.left() + (Math.min(x, width - 1) + 0.5) * v.step();
        double w = v.top() + (Math.min(y, height - 1) + 0.5) * v.step();
        planes[0][y * pw + x] = (byte) (luma(u, w) - 128);
      }
    }
    for (int y = 0; y < ph / 2; y++) {
      for (int x = 0; x < pw / 2; x++) {
        double u = v.left() + (2 * Math.min(x, width / 2 - 1) + 0.5) * v.step();
        double w = v.top() + (2 * Math.min(y, height / 2 - 1) + 1) * v.step();
        planes[1][y * pw / 2 + x] = (byte) (chroma(u, w, 0) - 128);
        planes[2][y * pw / 2 + x] = (byte) (chroma(u, w, 1) - 128);
      }
    }
    return pic;
  }

  private static int luma(double u, double v) {
    double shade = 110 + 50 * Math.sin(u * 0.013) * Math.cos(v * 0.017);
    double edges = ((int) Math.floor(u / 37) + (int) Math.floor(v / 29)) % 3 == 0 ? 30 : 0;
    double texture = 18 * noise(u / 3.1, v / 3.1) + 10 * noise(u / 0.9, v / 0.9);
    double ring = Math.hypot(u - 120, v - 90) < 40 ? -45 : 0;
    return clamp(16 + shade + edges + texture + ring, 16, 235);
  }

  private static int chroma(double u, double v, int component) {
    double base = component == 0 ? 128 + 30 * Math.sin(u * 0.021 + 1) : 128 + 25 * Math.cos(v * 0.019);
    double patch = ((int) Math.floor(u / 53) + (int) Math.floor(v / 41)) % 4 == 1 ? (component == 0 ? 20 : -24) : 0;
    return clamp(base + patch + 6 * noise(u / 4.3 + component * 17, v / 4.3), 16, 240);
  }

  /** Smooth value noise in -1..1: bilinear between pseudo-random values on an integer lattice. */
  private static double noise(double x, double y) {
    int ix = (int) Math.floor(x);
    int iy = (int) Math.floor(y);
    double fx = x - ix;
    double fy = y - iy;
    double a = lattice(ix, iy);
    double b = lattice(ix + 1, iy);
    double c = lattice(ix, iy + 1);
    double d = lattice(ix + 1, iy + 1);
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  }

  private static double lattice(int x, int y) {
    int h = x * 374761393 + y * 668265263;
    h = (h ^ (h >>> 13)) * 1274126177;
    h ^= h >>> 16;
    return (h & 0xffff) / 32767.5 - 1;
  }

  private static int clamp(double v, int lo, int hi) {
    return (int) Math.max(lo, Math.min(hi, Math.round(v)));
  }
}
