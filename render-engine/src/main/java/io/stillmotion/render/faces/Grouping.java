package io.stillmotion.render.faces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns hits into faces. A real face passes the cascade at many neighbouring positions and
 * sizes; a false hit mostly at one or two. Hits whose edges all lie within {@value #SIMILAR} of
 * their mean size of each other are joined (transitively) into a cluster; a cluster of at least
 * {@code minHits} hits is a face, placed at the mean of its hits. A face inside a face of more
 * hits (a mouth-and-eyes pattern within the real face, say) is dropped.
 */
final class Grouping {

  static final double SIMILAR = 0.2;

  private Grouping() {
  }

  static List<FaceDetector.Face> group(List<FaceDetector.Face> hits, int minHits) {
    int n = hits.size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (similar(hits.get(i), hits.get(j))) {
          parent[root(parent, i)] = root(parent, j);
        }
      }
    }
    double[][] acc = new double[n][5];
    for (int i = 0; i < n; i++) {
      FaceDetector.Face h = hits.get(i);
      double[] a = acc[root(parent, i)];
      a[0] += h.x();
      a[1] += h.y();
      a[2] += h.width();
      a[3] += h.height();
      a[4]++;
    }
    List<FaceDetector.Face> clusters = new ArrayList<>();
    for (double[] a : acc) {
      if (a[4] >= minHits) {
        clusters.add(new FaceDetector.Face(a[0] / a[4], a[1] / a[4], a[2] / a[4], a[3] / a[4], (int) a[4]));
      }
    }
    List<FaceDetector.Face> faces = new ArrayList<>();
    for (FaceDetector.Face c : clusters) {
      if (clusters.stream().noneMatch(o -> o != c && o.hits() > c.hits() && inside(c, o))) {
        faces.add(c);
      }
    }
    faces.sort(Comparator.comparingInt(FaceDetector.Face::hits).reversed());
    return faces;
  }

  private static boolean similar(FaceDetector.Face a, FaceDetector.Face b) {
    double delta = SIMILAR * (Math.min(a.width(), b.width()) + Math.min(a.height(), b.height())) / 2;
    return Math.abs(a.x() - b.x()) <= delta
        && Math.abs(a.y() - b.y()) <= delta
        && Math.abs(a.x() + a.width() - b.x() - b.width()) <= delta
        && Math.abs(a.y() + a.height() - b.y() - b.height()) <= delta;
  }

  /** Whether {@code a} lies inside {@code b}, give or take {@value #SIMILAR} of b's size. */
  private static boolean inside(FaceDetector.Face a, FaceDetector.Face b) {
    double dx = SIMILAR * b.width();
    double dy = SIMILAR * b.height();
    return a.x() >= b.x() - dx && a.y() >= b.y() - dy && a.x() + a.width() <= b.x() + b.width() + dx
        && a.y() + a.height() <= b.y() + b.height() + dy;
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
