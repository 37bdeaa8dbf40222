package io.stillmotion.render.faces;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A boosted cascade of weak classifiers as OpenCV's {@code opencv_traincascade} writes it (the XML
 * with {@code <cascade>}, {@code <stages>} and {@code <features>}), with Haar-like or LBP features.
 *
 * <p>A window passes a stage when the sum of its weak classifiers' leaf values reaches the stage's
 * threshold; a face passes every stage. A weak classifier is a small binary tree whose nodes test
 * one feature: a Haar feature is a weighted sum of two or three rectangles, divided by the
 * window's area and standard deviation (so lighting and contrast do not matter) and compared with
 * the node's threshold; an LBP feature is the 8-bit code saying which of the eight cells around the
 * centre cell of a 3x3 grid of rectangles are at least as bright as it, looked up in the node's
 * 256-bit set. Features are placed in the window's own coordinates: the image is scaled, never the
 * features, which is how the cascades were trained.
 */
final class Cascade {

  enum Kind { HAAR, LBP }

  /** OpenCV loosens every stage threshold by this much when it reads a cascade; so do we. */
  private static final float THRESHOLD_EPSILON = 1e-5f;
  private static final int SUBSET_INTS = 8;

  final Kind kind;
  final int windowWidth;
  final int windowHeight;
  private final float[] stageThreshold;
  /** Weak classifiers of stage s: {@code stageEnd[s - 1]} (or 0) to {@code stageEnd[s]}. */
  private final int[] stageEnd;
  /** Nodes of weak classifier w: {@code nodeStart[w]} to {@code nodeStart[w + 1]}; leaves likewise. */
  private final int[] nodeStart;
  private final int[] leafStart;
  /** Children: above 0 a node of the same tree, else the leaf {@code -child}. */
  private final int[] left;
  private final int[] right;
  private final int[] feature;
  private final float[] threshold;
  private final int[] subsets;
  private final float[] leaves;
  /** Per feature: x, y, width, height of up to three rectangles (LBP: one, the grid's cell). */
  private final int[][] rects;
  private final float[][] weights;

  private Cascade(Kind kind, int windowWidth, int windowHeight, float[] stageThreshold, int[] stageEnd,
      int[] nodeStart, int[] leafStart, int[] left, int[] right, int[] feature, float[] threshold, int[] subsets,
      float[] leaves, int[][] rects, float[][] weights) {
    this.kind = kind;
    this.windowWidth = windowWidth;
    this.windowHeight = windowHeight;
    this.stageThreshold = stageThreshold;
    this.stageEnd = stageEnd;
    this.nodeStart = nodeStart;
    this.leafStart = leafStart;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.threshold = threshold;
    this.subsets = subsets;
    this.leaves = leaves;
    this.rects = rects;
    this.weights = weights;
  }

  int stages() {
    return stageThreshold.length;
  }

  /**
   * The cascade laid over an integral image with this row stride: every rectangle corner as an
   * offset from the window's top-left corner, so a window costs only lookups.
   */
  Placed place(int stride) {
    int[][] offsets = new int[rects.length][];
    for (int f = 0; f < rects.length; f++) {
      int[] r = rects[f];
      if (kind == Kind.LBP) {
        int[] o = new int[16];
        for (int j = 0; j < 4; j++) {
          for (int i = 0; i < 4; i++) {
            o[j * 4 + i] = (r[1] + j * r[3]) * stride + r[0] + i * r[2];
          }
        }
        offsets[f] = o;
      } else {
        int[] o = new int[r.length];
        for (int k = 0; k < r.length; k += 4) {
          int top = r[k + 1] * stride + r[k];
          o[k] = top;
          o[k + 1] = top + r[k + 2];
          o[k + 2] = top + r[k + 3] * stride;
          o[k + 3] = top + r[k + 3] * stride + r[k + 2];
        }
        offsets[f] = o;
      }
    }
    int inner = stride + 1;
    int[] norm = {inner, inner + windowWidth - 2, inner + (windowHeight - 2) * stride,
        inner + (windowHeight - 2) * stride + windowWidth - 2};
    return new Placed(offsets, norm, (windowWidth - 2) * (windowHeight - 2));
  }

  /** The cascade over one integral image; {@link #stagesPassed} tests one window. */
  final class Placed {
    private final int[][] offsets;
    private final int[] norm;
    private final int normArea;

    private Placed(int[][] offsets, int[] norm, int normArea) {
      this.offsets = offsets;
      this.norm = norm;
      this.normArea = normArea;
    }

    /**
     * How many stages the window whose top-left corner is at {@code origin} in {@code sums} passes
     * ({@link #stages()} for a hit). Haar windows are normalised by the standard deviation of their
     * inner part (one pixel in from each edge, as in training), from {@code squares}; a flat
     * window is never a face.
     */
    int stagesPassed(int[] sums, long[] squares, int origin) {
      double scale = 1;
      if (kind == Kind.HAAR) {
        int a = origin + norm[0];
        int b = origin + norm[1];
        int c = origin + norm[2];
        int d = origin + norm[3];
        double sum = sums[d] - sums[b] - sums[c] + sums[a];
        double sq = squares[d] - squares[b] - squares[c] + squares[a];
        double variance = normArea * sq - sum * sum;
        if (variance < normArea * (double) normArea) {
          return 0;
        }
        scale = Math.sqrt(variance);
      }
      int weak = 0;
      for (int s = 0; s < stageThreshold.length; s++) {
        float total = 0;
        for (int end = stageEnd[s]; weak < end; weak++) {
          total += leaves[leafStart[weak] + leaf(weak, sums, origin, scale)];
        }
        if (total < stageThreshold[s]) {
          return s;
        }
      }
      return stageThreshold.length;
    }

    private int leaf(int weak, int[] sums, int origin, double scale) {
      int base = nodeStart[weak];
      int node = 0;
      while (true) {
        int n = base + node;
        boolean goLeft = kind == Kind.LBP
            ? inSubset(n, lbp(offsets[feature[n]], sums, origin))
            : haar(feature[n], sums, origin) < threshold[n] * scale;
        int child = goLeft ? left[n] : right[n];
        if (child <= 0) {
          return -child;
        }
        node = child;
      }
    }

    private double haar(int f, int[] sums, int origin) {
      int[] o = offsets[f];
      float[] w = weights[f];
      double value = 0;
      for (int k = 0, r = 0; k < o.length; k += 4, r++) {
        value += w[r] * (sums[origin + o[k + 3]] - sums[origin + o[k + 1]] - sums[origin + o[k + 2]]
            + sums[origin + o[k]]);
      }
      return value;
    }
  }

  /**
   * The LBP code of a 3x3 grid of cells whose 16 corners are {@code o} (row by row): one bit per
   * outer cell, from the top-left one clockwise (most significant first), set when that cell is at
   * least as bright as the centre cell. Neighbouring cells share corners: 16 lookups, not 36.
   */
  private static int lbp(int[] o, int[] s, int p) {
    int a0 = s[p + o[0]];
    int a1 = s[p + o[1]];
    int a2 = s[p + o[2]];
    int a3 = s[p + o[3]];
    int b0 = s[p + o[4]];
    int b1 = s[p + o[5]];
    int b2 = s[p + o[6]];
    int b3 = s[p + o[7]];
    int c0 = s[p + o[8]];
    int c1 = s[p + o[9]];
    int c2 = s[p + o[10]];
    int c3 = s[p + o[11]];
    int d0 = s[p + o[12]];
    int d1 = s[p + o[13]];
    int d2 = s[p + o[14]];
    int d3 = s[p + o[15]];
    int centre = c2 - c1 - b2 + b1;
    return (b1 - b0 - a1 + a0 >= centre ? 128 : 0)
        | (b2 - b1 - a2 + a1 >= centre ? 64 : 0)
        | (b3 - b2 - a3 + a2 >= centre ? 32 : 0)
        | (c3 - c2 - b3 + b2 >= centre ? 16 : 0)
        | (d3 - d2 - c3 + c2 >= centre ? 8 : 0)
        | (d2 - d1 - c2 + c1 >= centre ? 4 : 0)
        | (d1 - d0 - c1 + c0 >= centre ? 2 : 0)
        | (c1 - c0 - b1 + b0 >= centre ? 1 : 0);
  }

  private boolean inSubset(int node, int code) {
    return (subsets[node * SUBSET_INTS + (code >> 5)] & (1 << (code & 31))) != 0;
  }

  /** Reads a cascade in the format of OpenCV 2.4 and later; refuses anything else with a reason. */
  static Cascade read(InputStream xml) throws IOException {
    try {
      return parseCascade(child(parse(xml).getDocumentElement(), "cascade"));
    } catch (IllegalArgumentException e) {
      throw new IOException("not a cascade OpenCV's traincascade writes: " + e.getMessage(), e);
    }
  }

  private static Cascade parseCascade(Element cascade) throws IOException {
    String stageType = text(cascade, "stageType");
    if (!"BOOST".equals(stageType)) {
      throw new IOException("not a boosted cascade: stageType " + stageType);
    }
    Kind kind = Kind.valueOf(text(cascade, "featureType"));
    int width = Integer.parseInt(text(cascade, "width"));
    int height = Integer.parseInt(text(cascade, "height"));
    List<Element> stages = items(child(cascade, "stages"));
    List<Element> features = items(child(cascade, "features"));
    int perNode = kind == Kind.LBP ? 3 + SUBSET_INTS : 4;
    float[] stageThreshold = new float[stages.size()];
    int[] stageEnd = new int[stages.size()];
    List<String[]> trees = new ArrayList<>();
    List<float[]> treeLeaves = new ArrayList<>();
    int nodes = 0;
    int leafCount = 0;
    for (int s = 0; s < stages.size(); s++) {
      Element stage = stages.get(s);
      stageThreshold[s] = Float.parseFloat(text(stage, "stageThreshold")) - THRESHOLD_EPSILON;
      for (Element weak : items(child(stage, "weakClassifiers"))) {
        String[] tree = tokens(text(weak, "internalNodes"));
        float[] leafValues = floats(text(weak, "leafValues"));
        if (tree.length % perNode != 0) {
          throw new IOException("weak classifier " + trees.size() + ": nodes of " + perNode + " numbers expected");
        }
        trees.add(tree);
        treeLeaves.add(leafValues);
        nodes += tree.length / perNode;
        leafCount += leafValues.length;
      }
      stageEnd[s] = trees.size();
    }
    int[] nodeStart = new int[trees.size() + 1];
    int[] leafStart = new int[trees.size() + 1];
    int[] left = new int[nodes];
    int[] right = new int[nodes];
    int[] feature = new int[nodes];
    float[] threshold = new float[kind == Kind.HAAR ? nodes : 0];
    int[] subsets = new int[kind == Kind.LBP ? nodes * SUBSET_INTS : 0];
    float[] leaves = new float[leafCount];
    int n = 0;
    int l = 0;
    for (int w = 0; w < trees.size(); w++) {
      nodeStart[w] = n;
      leafStart[w] = l;
      String[] tree = trees.get(w);
      float[] values = treeLeaves.get(w);
      for (int k = 0; k < tree.length; k += perNode, n++) {
        left[n] = Integer.parseInt(tree[k]);
        right[n] = Integer.parseInt(tree[k + 1]);
        feature[n] = Integer.parseInt(tree[k + 2]);
        if (feature[n] < 0 || feature[n] >= features.size()) {
          throw new IOException("weak classifier " + w + " names feature " + feature[n]);
        }
        if (!child(left[n], k / perNode, tree.length / perNode, values.length)
            || !child(right[n], k / perNode, tree.length / perNode, values.length)) {
          throw new IOException("weak classifier " + w + " is not a tree of its nodes and leaves");
        }
        if (kind == Kind.LBP) {
          for (int i = 0; i < SUBSET_INTS; i++) {
            subsets[n * SUBSET_INTS + i] = Integer.parseInt(tree[k + 3 + i]);
          }
        } else {
          threshold[n] = Float.parseFloat(tree[k + 3]);
        }
      }
      System.arraycopy(values, 0, leaves, l, values.length);
      l += values.length;
    }
    nodeStart[trees.size()] = n;
    leafStart[trees.size()] = l;
    int[][] rects = new int[features.size()][];
    float[][] weights = new float[features.size()][];
    for (int f = 0; f < features.size(); f++) {
      readFeature(kind, features.get(f), f, width, height, rects, weights);
    }
    return new Cascade(kind, width, height, stageThreshold, stageEnd, nodeStart, leafStart, left, right, feature,
        threshold, subsets, leaves, rects, weights);
  }

  /** A child is a later node of the same tree (so evaluation ends) or one of its leaves. */
  private static boolean child(int child, int node, int nodes, int leaves) {
    return child > 0 ? child > node && child < nodes : -child < leaves;
  }

  private static void readFeature(Kind kind, Element f, int index, int width, int height, int[][] rects,
      float[][] weights) throws IOException {
    if (kind == Kind.LBP) {
      int[] r = ints(text(f, "rect"));
      if (r.length != 4 || r[0] < 0 || r[1] < 0 || r[0] + 3 * r[2] > width || r[1] + 3 * r[3] > height) {
        throw new IOException("feature " + index + ": bad LBP rectangle");
      }
      rects[index] = r;
      weights[index] = new float[0];
      return;
    }
    Element tilted = optionalChild(f, "tilted");
    if (tilted != null && Integer.parseInt(tilted.getTextContent().trim()) != 0) {
      throw new IOException("feature " + index + ": tilted Haar features are not supported");
    }
    List<Element> parts = items(child(f, "rects"));
    int[] r = new int[parts.size() * 4];
    float[] w = new float[parts.size()];
    for (int k = 0; k < parts.size(); k++) {
      String[] t = tokens(parts.get(k).getTextContent());
      for (int i = 0; i < 4; i++) {
        r[k * 4 + i] = Integer.parseInt(t[i]);
      }
      w[k] = Float.parseFloat(t[4]);
      if (r[k * 4] < 0 || r[k * 4 + 1] < 0 || r[k * 4] + r[k * 4 + 2] > width
          || r[k * 4 + 1] + r[k * 4 + 3] > height) {
        throw new IOException("feature " + index + ": rectangle outside the window");
      }
    }
    rects[index] = r;
    weights[index] = w;
  }

  private static Document parse(InputStream xml) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setIgnoringComments(true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(new DefaultHandler() {
        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }
      });
      return builder.parse(xml);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("not a cascade: " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String name) {
    Element e = optionalChild(parent, name);
    if (e == null) {
      throw new IllegalArgumentException("cascade XML: no <" + name + "> in <" + parent.getTagName() + ">");
    }
    return e;
  }

  private static Element optionalChild(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** The {@code <_>} items of a sequence. */
  private static List<Element> items(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }

  private static String[] tokens(String s) {
    return s.trim().split("\\s+");
  }

  private static int[] ints(String s) {
    String[] t = tokens(s);
    int[] out = new int[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = Integer.parseInt(t[i]);
    }
    return out;
  }

  private static float[] floats(String s) {
    String[] t = tokens(s);
    float[] out = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = Float.parseFloat(t[i]);
    }
    return out;
  }
}
