package io.stillmotion.render.faces;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds upright frontal faces in a grey picture with two boosted cascades (Viola and Jones) of
 * LBP features, both OpenCV's, copied into our jar from a Maven package when the engine is built
 * (see {@code NOTICE-cascade.txt} beside this class): nothing is read at run time but the jar.
 *
 * <ol>
 *   <li><b>Find.</b> The picture is shrunk so that the smallest face looked for,
 *       {@value #MIN_FACE_SHARE} of its shorter side, just fills the finder's 24-pixel window,
 *       then by {@value #SCALE_STEP} again and again; the window slides over every level (2 pixels
 *       a step, 1 once a level is half the first's size) and each position passing every stage is
 *       a hit. Hits of one face cluster in position and size ({@link Grouping}); a cluster of at
 *       least {@value #MIN_HITS} is a candidate.
 *   <li><b>Verify.</b> The second cascade, trained independently on other faces (KU Leuven,
 *       2017), looks at each candidate's neighbourhood at twice that detail, at sizes around the
 *       candidate's; a candidate is a face when at least {@value #VERIFY_HITS} of its windows
 *       centred on the candidate pass. The finder alone fires on textures now and then (on the
 *       shared {@code path} photo, with 5 hits); none of its false candidates in the photos we
 *       measured passed a single verifier window, while real faces pass several.
 * </ol>
 *
 * Instances are immutable and safe to share between threads.
 */
public final class FaceDetector {

  /** A face in the coordinates of the picture given to {@link #detect}; {@code hits}: how many windows found it. */
  public record Face(double x, double y, double width, double height, int hits) {

    public double centerX() {
      return x + width / 2;
    }

    public double centerY() {
      return y + height / 2;
    }
  }

  /** Unpacked beside this class by the build (render-engine/pom.xml). */
  static final String FINDER = "lbpcascade_frontalface.xml";
  static final String VERIFIER = "lbpcascade_frontalface_improved.xml";
  /** The smallest face looked for, as a share of the picture's shorter side. */
  static final double MIN_FACE_SHARE = 1.0 / 14;
  /** Each level is this much smaller than the one before. */
  static final double SCALE_STEP = 1.1;
  /** A candidate is a cluster of at least this many hits. */
  static final int MIN_HITS = 3;
  /** The verifier's levels are closer together: it looks at a small neighbourhood only. */
  static final double VERIFY_SCALE_STEP = 1.05;
  /** A candidate is a face when the verifier passes at least this many windows centred on it. */
  static final int VERIFY_HITS = 2;
  /** The verifier looks at the candidate at most this many times its window's size. */
  private static final double VERIFY_SIZE = 1.6;
  /** A verifier window is centred on the candidate when its centre is within this share of the candidate's size. */
  private static final double CENTRED = 0.3;
  /** The picture {@link #detect} takes has this much more detail than the finder needs: for the verifier. */
  private static final int DETAIL = 2;

  private final Cascade finder;
  private final Cascade verifier;

  FaceDetector(Cascade finder, Cascade verifier) {
    this.finder = finder;
    this.verifier = verifier;
  }

  /** The detector with the cascades shipped in the jar, read once. */
  public static FaceDetector frontal() {
    return Shipped.DETECTOR;
  }

  private static final class Shipped {
    static final FaceDetector DETECTOR = new FaceDetector(load(FINDER), load(VERIFIER));
  }

  static Cascade load(String name) {
    try (InputStream in = FaceDetector.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the face cascade " + name + " is not in the jar: the build unpacks it");
      }
      return Cascade.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the face cascade " + name, e);
    }
  }

  /**
   * The size {@link #detect} works at, {width, height}: shrink a picture to it before (a larger one
   * is shrunk by {@code detect} itself, a smaller one is used as it is).
   */
  public int[] workingSize(int width, int height) {
    double k = Math.min(1, DETAIL * finder.windowWidth / (MIN_FACE_SHARE * Math.min(width, height)));
    return new int[] {Math.max(1, (int) Math.ceil(width * k)), Math.max(1, (int) Math.ceil(height * k))};
  }

  /**
   * Faces in a grey picture (one byte per pixel, row by row, 0 black), most hits first, in the
   * picture's coordinates.
   */
  public List<Face> detect(byte[] grey, int width, int height) {
    if (width <= 0 || height <= 0 || grey.length != width * height) {
      throw new IllegalArgumentException("bad grey picture " + width + "x" + height);
    }
    int[] size = workingSize(width, height);
    byte[] detail = Shrink.area(grey, width, height, size[0], size[1]);
    int w = Math.max(1, size[0] / DETAIL);
    int h = Math.max(1, size[1] / DETAIL);
    double toDetail = (double) size[0] / w;
    List<Face> candidates = Grouping.group(hits(finder, Shrink.area(detail, size[0], size[1], w, h), w, h,
        SCALE_STEP), MIN_HITS);
    double k = (double) width / size[0];
    List<Face> faces = new ArrayList<>();
    for (Face c : candidates) {
      Face d = new Face(c.x() * toDetail, c.y() * toDetail, c.width() * toDetail, c.height() * toDetail, c.hits());
      if (verified(detail, size[0], size[1], d)) {
        faces.add(new Face(d.x() * k, d.y() * k, d.width() * k, d.height() * k, d.hits()));
      }
    }
    return faces;
  }

  /**
   * Whether the verifier passes at least {@value #VERIFY_HITS} windows centred on the candidate,
   * over its neighbourhood (the candidate grown by half its size on each side) shrunk so that the
   * candidate is at most {@value #VERIFY_SIZE} times the verifier's window.
   */
  private boolean verified(byte[] picture, int width, int height, Face c) {
    int x0 = (int) Math.max(0, c.x() - c.width() / 2);
    int y0 = (int) Math.max(0, c.y() - c.height() / 2);
    int x1 = (int) Math.min(width, Math.ceil(c.x() + c.width() * 1.5));
    int y1 = (int) Math.min(height, Math.ceil(c.y() + c.height() * 1.5));
    int cw = x1 - x0;
    int ch = y1 - y0;
    byte[] crop = new byte[cw * ch];
    for (int j = 0; j < ch; j++) {
      System.arraycopy(picture, (y0 + j) * width + x0, crop, j * cw, cw);
    }
    double k = Math.min(1, VERIFY_SIZE * verifier.windowWidth / c.width());
    int sw = Math.max(1, (int) (cw * k));
    int sh = Math.max(1, (int) (ch * k));
    double cx = (c.centerX() - x0) * k;
    double cy = (c.centerY() - y0) * k;
    double near = CENTRED * c.width() * k;
    int centred = 0;
    for (Face hit : hits(verifier, Shrink.area(crop, cw, ch, sw, sh), sw, sh, VERIFY_SCALE_STEP)) {
      if (Math.abs(hit.centerX() - cx) < near && Math.abs(hit.centerY() - cy) < near) {
        centred++;
      }
    }
    return centred >= VERIFY_HITS;
  }

  /**
   * Every window of the cascade passing all its stages, over levels {@code step} apart, in the
   * picture's coordinates. Each level is shrunk from the nearest octave above it (the picture
   * halved 0, 1, 2... times), so no level costs more than a few passes over its own size.
   */
  private static List<Face> hits(Cascade cascade, byte[] picture, int width, int height, double step) {
    List<Face> hits = new ArrayList<>();
    byte[] octave = picture;
    int ow = width;
    int oh = height;
    for (double f = 1; width / f >= cascade.windowWidth && height / f >= cascade.windowHeight; f *= step) {
      while (width / f <= ow / 2.0 && ow / 2 >= cascade.windowWidth && oh / 2 >= cascade.windowHeight) {
        octave = Shrink.area(octave, ow, oh, ow / 2, oh / 2);
        ow /= 2;
        oh /= 2;
      }
      int w = Math.min(ow, (int) (width / f));
      int h = Math.min(oh, (int) (height / f));
      scan(cascade, Shrink.area(octave, ow, oh, w, h), w, h, f, f > 2 ? 1 : 2, hits);
    }
    return hits;
  }

  /**
   * Every window position of a level (the picture shrunk by {@code factor}), {@code step} pixels
   * apart; after a window fails the first stage the next position is skipped (it nearly always
   * fails too).
   */
  private static void scan(Cascade cascade, byte[] level, int w, int h, double factor, int step, List<Face> hits) {
    int[] sums = Integral.of(level, w, h);
    long[] squares = cascade.kind == Cascade.Kind.HAAR ? Integral.ofSquares(level, w, h) : null;
    int stride = w + 1;
    Cascade.Placed placed = cascade.place(stride);
    int stages = cascade.stages();
    for (int y = 0; y + cascade.windowHeight <= h; y += step) {
      for (int x = 0; x + cascade.windowWidth <= w; x += step) {
        int passed = placed.stagesPassed(sums, squares, y * stride + x);
        if (passed == stages) {
          hits.add(new Face(x * factor, y * factor, cascade.windowWidth * factor, cascade.windowHeight * factor, 1));
        } else if (passed == 0) {
          x += step;
        }
      }
    }
  }
}
