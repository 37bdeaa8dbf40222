package io.stillmotion.render;

import io.stillmotion.render.JpegFrame.Component;

/**
 * The pixel side of a progressive JPEG: the decoded coefficients turned into an {@link RgbImage} in one
 * pass, a few MCU rows at a time (the rows shared between threads by {@link RowBands}): dequantisation
 * and IDCT ({@link JpegIdct}), libjpeg's "fancy" triangle upsampling for chroma halved horizontally (and
 * vertically), and YCbCr to RGB in fixed point with 16 fractional bits.
 */
final class JpegPixels {

  /** The deadline passed inside the row bands: {@link ProgressiveJpeg#decode} turns it into DeadlinePassed. */
  static final class BandDeadline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BandDeadline() {
      super("decode time limit reached", null, false, false);
    }
  }

  /** MCU rows turned into pixels at once (at 4:2:0 and 2560 wide: 330 KB of luma samples). */
  private static final int CHUNK_MCU_ROWS = 8;

  /** Clamp to 0..255 of value + CLAMP_OFFSET, for the colour conversion's sums. */
  private static final int CLAMP_OFFSET = 512;
  private static final int[] CLAMP = new int[1536];
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < CLAMP.length; i++) {
      CLAMP[i] = Math.max(0, Math.min(255, i - CLAMP_OFFSET));
    }
    int half = 1 << 15;
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix16(1.40200) * x + half) >> 16;
      CB_B[i] = (fix16(1.77200) * x + half) >> 16;
      CR_G[i] = -fix16(0.71414) * x;
      CB_G[i] = -fix16(0.34414) * x + half;
    }
  }

  private static int fix16(double x) {
    return (int) (x * 65536 + 0.5);
  }

  private final int width;
  private final int height;
  private final Component[] components;
  private final int maxH;
  private final int maxV;
  private final int mcusY;
  private final long deadlineNanos;

  JpegPixels(JpegFrame frame, long deadlineNanos) {
    this.width = frame.width;
    this.height = frame.height;
    this.components = frame.components;
    this.maxH = frame.maxH;
    this.maxV = frame.maxV;
    this.mcusY = frame.mcusY;
    this.deadlineNanos = deadlineNanos;
  }

  /** The whole picture, its MCU rows shared by {@code bands}. */
  RgbImage image(RowBands bands) {
    int[] out = new int[width * height];
    bands.run(mcusY, (from, to) -> {
      // a few MCU rows at a time: the samples between IDCT and conversion stay in the cache, and a
      // serial decode does not hold a second copy of the picture
      for (int m = from; m < to; m += CHUNK_MCU_ROWS) {
        if (components.length == 1) {
          grey(out, m, Math.min(to, m + CHUNK_MCU_ROWS));
        } else {
          colour(out, m, Math.min(to, m + CHUNK_MCU_ROWS));
        }
      }
    });
    return new RgbImage(width, height, out);
  }

  private void bandDeadline() {
    if (ProgressiveJpeg.expired(deadlineNanos)) {
      throw new BandDeadline();
    }
  }

  /** IDCT of block rows [from, to) of c into plane (8 sample rows per block row, c.blocksW * 8 wide). */
  private void idctRows(Component c, int from, int to, byte[] plane, int[] work) {
    int stride = c.blocksW * 8;
    for (int by = from; by < to; by++) {
      bandDeadline();
      int rowAt = (by - from) * 8 * stride;
      for (int bx = 0; bx < c.blocksW; bx++) {
        JpegIdct.idct(c.coef, (by * c.blocksW + bx) * 64, c.quant, plane, rowAt + bx * 8, stride, work);
      }
    }
  }

  private void grey(int[] out, int fromMcu, int toMcu) {
    Component c = components[0];
    int stride = c.blocksW * 8;
    int blockFrom = fromMcu * c.v;
    int blockTo = toMcu * c.v;
    byte[] plane = new byte[(blockTo - blockFrom) * 8 * stride];
    idctRows(c, blockFrom, blockTo, plane, new int[64]);
    int y0 = blockFrom * 8;
    int y1 = Math.min(height, blockTo * 8);
    for (int y = y0; y < y1; y++) {
      int in = (y - y0) * stride;
      int o = y * width;
      for (int x = 0; x < width; x++) {
        int g = plane[in + x] & 0xFF;
        out[o + x] = (g << 16) | (g << 8) | g;
      }
    }
  }

  private void colour(int[] out, int fromMcu, int toMcu) {
    Component luma = components[0];
    Component cb = components[1];
    Component cr = components[2];
    int[] work = new int[64];
    int yStride = luma.blocksW * 8;
    byte[] yPlane = new byte[(toMcu - fromMcu) * luma.v * 8 * yStride];
    idctRows(luma, fromMcu * luma.v, toMcu * luma.v, yPlane, work);
    boolean h2 = maxH == 2;
    boolean v2 = maxV == 2;
    // chroma rows one above and below the band, for the triangle filter across rows
    boolean vFancy = h2 && v2;
    int cFrom = vFancy ? Math.max(0, fromMcu - 1) : fromMcu;
    int cTo = vFancy ? Math.min(cb.blocksH, toMcu + 1) : toMcu;
    int cStride = cb.blocksW * 8;
    byte[] cbPlane = new byte[(cTo - cFrom) * 8 * cStride];
    byte[] crPlane = new byte[(cTo - cFrom) * 8 * cStride];
    idctRows(cb, cFrom, cTo, cbPlane, work);
    idctRows(cr, cFrom, cTo, crPlane, work);
    int[] cbRow = new int[2 * cStride + 2];
    int[] crRow = new int[2 * cStride + 2];
    int y0 = fromMcu * maxV * 8;
    int y1 = Math.min(height, toMcu * maxV * 8);
    int cw = cb.width;
    int lastRow = cb.height - 1;
    for (int y = y0; y < y1; y++) {
      int yAt = (y - y0) * yStride;
      int r = v2 ? y >> 1 : y;
      if (h2) {
        int at = (r - cFrom * 8) * cStride;
        if (vFancy) {
          int other = (y & 1) == 0 ? Math.max(0, r - 1) : Math.min(lastRow, r + 1);
          int otherAt = (other - cFrom * 8) * cStride;
          fancyH2V2(cbPlane, at, otherAt, cw, cbRow);
          fancyH2V2(crPlane, at, otherAt, cw, crRow);
        } else {
          fancyH2(cbPlane, at, cw, cbRow);
          fancyH2(crPlane, at, cw, crRow);
        }
        convert(yPlane, yAt, cbRow, crRow, out, y * width);
      } else {
        int at = (r - cFrom * 8) * cStride;
        for (int x = 0; x < width; x++) {
          cbRow[x] = cbPlane[at + x] & 0xFF;
          crRow[x] = crPlane[at + x] & 0xFF;
        }
        convert(yPlane, yAt, cbRow, crRow, out, y * width);
      }
    }
  }

  private void convert(byte[] yPlane, int yAt, int[] cbRow, int[] crRow, int[] out, int o) {
    for (int x = 0; x < width; x++) {
      int yv = (yPlane[yAt + x] & 0xFF) + CLAMP_OFFSET;
      int cbv = cbRow[x];
      int crv = crRow[x];
      int r = CLAMP[yv + CR_R[crv]];
      int g = CLAMP[yv + ((CB_G[cbv] + CR_G[crv]) >> 16)];
      int b = CLAMP[yv + CB_B[cbv]];
      out[o + x] = (r << 16) | (g << 8) | b;
    }
  }

  /** Triangle filter doubling a row of n (> 2) samples: each output 3/4 its nearer, 1/4 its farther input. */
  private static void fancyH2(byte[] in, int at, int n, int[] out) {
    int cur = in[at] & 0xFF;
    int next = in[at + 1] & 0xFF;
    out[0] = cur;
    out[1] = (cur * 3 + next + 2) >> 2;
    int o = 2;
    for (int i = 1; i < n - 1; i++) {
      int prev = cur;
      cur = next;
      next = in[at + i + 1] & 0xFF;
      out[o++] = (cur * 3 + prev + 1) >> 2;
      out[o++] = (cur * 3 + next + 2) >> 2;
    }
    out[o++] = (next * 3 + cur + 1) >> 2;
    out[o] = next;
  }

  /**
   * The same across rows and columns: column sums of 3/4 the nearer row and 1/4 the other, then the
   * horizontal triangle on the sums, with libjpeg's alternating rounding (8, 7).
   */
  private static void fancyH2V2(byte[] in, int near, int far, int n, int[] out) {
    int thisSum = (in[near] & 0xFF) * 3 + (in[far] & 0xFF);
    int nextSum = (in[near + 1] & 0xFF) * 3 + (in[far + 1] & 0xFF);
    out[0] = (thisSum * 4 + 8) >> 4;
    out[1] = (thisSum * 3 + nextSum + 7) >> 4;
    int o = 2;
    for (int i = 1; i < n - 1; i++) {
      int lastSum = thisSum;
      thisSum = nextSum;
      nextSum = (in[near + i + 1] & 0xFF) * 3 + (in[far + i + 1] & 0xFF);
      out[o++] = (thisSum * 3 + lastSum + 8) >> 4;
      out[o++] = (thisSum * 3 + nextSum + 7) >> 4;
    }
    out[o++] = (nextSum * 3 + thisSum + 8) >> 4;
    out[o] = (nextSum * 4 + 7) >> 4;
  }

}
