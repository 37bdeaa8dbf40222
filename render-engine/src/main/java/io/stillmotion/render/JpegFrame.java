package io.stillmotion.render;

import java.util.Arrays;

/**
 * A progressive JPEG's frame as its header (SOF2) describes it: the size, the components with their
 * sampling factors, and the MCU grid; each component holds the coefficients its scans decode into.
 */
final class JpegFrame {

  /** One frame component, its coefficients and the state its scans leave in it. */
  static final class Component {
    final int id;
    final int h;
    final int v;
    /** The quantisation table this component names; {@link #quant} is latched from it at its first scan. */
    final int tq;
    /** Samples of this component: ceil(width * h / maxH) by ceil(height * v / maxV). */
    int width;
    int height;
    /** Blocks stored per row and rows of blocks: whole MCUs. */
    int blocksW;
    int blocksH;
    short[] coef;
    /** Per block: bit k set when the k-th AC coefficient in zig-zag order is nonzero. */
    long[] nonzero;
    /** In natural (row-major) order. */
    int[] quant;
    /** Per zig-zag coefficient: the Al of the last scan that sent it, -1 before any. */
    final int[] coefBits = new int[64];
    int dcPred;
    JpegHuffman dc;
    JpegHuffman ac;

    Component(int id, int h, int v, int tq) {
      this.id = id;
      this.h = h;
      this.v = v;
      this.tq = tq;
      Arrays.fill(coefBits, -1);
    }
  }

  final int width;
  final int height;
  final Component[] components;
  final int maxH;
  final int maxV;
  final int mcusX;
  final int mcusY;

  /** Lays out the components' blocks in whole MCUs and allocates their coefficients. */
  JpegFrame(int width, int height, Component[] components) throws ProgressiveJpeg.Unsupported {
    this.width = width;
    this.height = height;
    this.components = components;
    int h = 0;
    int v = 0;
    for (Component c : components) {
      h = Math.max(h, c.h);
      v = Math.max(v, c.v);
    }
    maxH = h;
    maxV = v;
    mcusX = ceilDiv(width, 8 * maxH);
    mcusY = ceilDiv(height, 8 * maxV);
    for (Component c : components) {
      allocate(c);
    }
  }

  boolean grey() {
    return components.length == 1;
  }

  /** The component whose id is {@code id}, null if none. */
  Component component(int id) {
    Component found = null;
    for (Component c : components) {
      if (c.id == id) {
        found = c;
      }
    }
    return found;
  }

  private void allocate(Component c) throws ProgressiveJpeg.Unsupported {
    c.width = ceilDiv(width * c.h, maxH);
    c.height = ceilDiv(height * c.v, maxV);
    c.blocksW = mcusX * c.h;
    c.blocksH = mcusY * c.v;
    long size = (long) c.blocksW * c.blocksH * 64;
    if (size > Integer.MAX_VALUE - 64) {
      throw new ProgressiveJpeg.Unsupported("too large");
    }
    c.coef = new short[(int) size];
    c.nonzero = new long[c.blocksW * c.blocksH];
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
