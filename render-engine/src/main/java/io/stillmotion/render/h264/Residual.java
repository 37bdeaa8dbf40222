package io.stillmotion.render.h264;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.jcodec.codecs.h264.decode.CoeffTransformer;

/**
 * The residual of one macroblock: forward transform and quantisation of source minus prediction,
 * the levels for the entropy coder, and the decoder's dequantisation and inverse transform to
 * reconstruct. Luma 4x4 blocks are indexed in
 * raster order inside the macroblock (by * 4 + bx), chroma blocks likewise (by * 2 + bx).
 */
final class Residual {

  /**
   * Inter luma 8x8 blocks (and macroblocks) whose levels score below these are not worth coding.
   * With CABAC a few small levels cost fewer bits than with CAVLC (4 and 6 were chosen then), so
   * more 8x8 blocks are worth keeping, but a macroblock of scattered small levels still is not.
   * Measured (BytesBench, medium quality, bytes at equal PSNR-Y against x264 veryfast, path /
   * cups / autumn / honeywave at 720p, then 1080p): 4 and 6 0.6673 / 0.6801 / 0.6403 / 0.6859,
   * 0.6949 / 0.5971 / 0.6115 / 0.6638; 3 and 6 0.6663 / 0.6722 / 0.6290 / 0.6896, 0.6894 / 0.5898 /
   * 0.5987 / 0.6657 (honeywave worse); 4 and 8 0.6666 / 0.6826 / 0.6441 / 0.6832, 0.6947 / 0.6001 /
   * 0.6147 / 0.6597 (cups and autumn worse); 3 and 7 (these) 0.6662 / 0.6739 / 0.6341 / 0.6846,
   * 0.6906 / 0.5934 / 0.6038 / 0.6627; 3 and 8 0.6658 / 0.6754 / 0.6350 / 0.6844, 0.6908 / 0.5944 /
   * 0.6053 / 0.6624; 3 and 9 and 2 and 8 each lose on a row.
   */
  private static final int DECIMATE_8X8 = 3;
  private static final int DECIMATE_MB = 7;
  /**
   * The same for an inter chroma component. Raising it lowered every row's bytes at equal PSNR-Y
   * (13: 0.4-1.6%), but only because PSNR-Y does not see the chroma it drops; not changed.
   */
  static final int DECIMATE_CHROMA = 7;

  /**
   * Rows of bytes moved eight at a time (the byte order does not matter to a copy; this is the
   * candidate SADs' view, so nothing new is linked). C2 turns an arraycopy of up to 8 elements into
   * plain moves but calls its copy stub for longer ones: the 16-byte rows of a macroblock's
   * prediction cost 0.8 ms per 720p frame that way, 0.2 ms as two long moves each.
   */
  private static final VarHandle LONGS = QuarterPelPlanes.LONGS;

  /** No levels: what an uncoded block reads as. */
  private static final int[] ZERO = new int[16];
  /** Every luma block: all of {@link #luma} holds levels. */
  private static final int ALL_BLOCKS = 0xFFFF;

  private final int[][] luma = new int[16][16];
  /**
   * Bit {@code blk} set where {@code luma[blk]} holds the block's levels; a block whose bit is clear
   * has none, whatever its array holds (an inter macroblock leaves the zero blocks' arrays as they
   * are instead of clearing them, and reconstructs them as the bare prediction).
   */
  private int lumaCoded;
  /** Non-zero levels of each luma block whose {@link #lumaCoded} bit is set. */
  private final int[] lumaCount = new int[16];
  private final int[] lumaDc = new int[16];
  private final int[][][] chroma = new int[2][4][16];
  /** Bit {@code c * 4 + blk} set where {@code chroma[c][blk]} holds the block's AC levels, as {@link #lumaCoded}. */
  private int chromaCoded;
  private final int[][] chromaDc = new int[2][4];
  private final int[] block = new int[16];
  /** Source minus prediction of one chroma component, in raster order. */
  private final int[] chromaDifference = new int[64];
  private final int[] score8x8 = new int[4];
  private int qp;
  private int qpc;
  /** Inter 4x4 blocks (luma, chroma) with a SAD below these quantise to nothing. */
  private int zeroInterSad;
  private int zeroInterChromaSad;

  void startSlice(int sliceQp) {
    qp = sliceQp;
    qpc = Quant.chromaQp(sliceQp);
    zeroInterSad = Quant.zeroBlockSad(sliceQp, false);
    zeroInterChromaSad = Quant.zeroBlockSad(qpc, false);
  }

  int qp() {
    return qp;
  }

  int chromaQp() {
    return qpc;
  }

  /** Raster index (by * 4 + bx) of 4x4 block {@code b} of 8x8 block {@code i8} (decoding order). */
  static int blockIndex(int i8, int b) {
    int bx = (i8 & 1) * 2 + (b & 1);
    int by = (i8 >> 1) * 2 + (b >> 1);
    return by * 4 + bx;
  }

  private static int block8x8(int blk) {
    return (blk >> 3) * 2 + ((blk & 3) >> 1);
  }

  /**
   * Inter luma residual with small isolated levels dropped; returns the luma coded block pattern.
   * The source is the macroblock at {@code at} of a jcodec plane, the prediction 16x16 samples
   * stored the same way, and {@code blockSads} the SADs of its 4x4 blocks against the source:
   * most blocks stop at their SAD, and only the others take the difference.
   */
  int lumaInter(byte[] plane, int at, int stride, byte[] pred, int[] blockSads) {
    Arrays.fill(score8x8, 0);
    int coded = 0;
    for (int blk = 0; blk < 16; blk++) {
      if (blockSads[blk] < zeroInterSad) {
        continue;
      }
      int[] levels = luma[blk];
      difference(plane, at + (blk >> 2) * 4 * stride + (blk & 3) * 4, stride, pred, (blk >> 2) * 64 + (blk & 3) * 4,
          levels);
      CoeffTransformer.fdct4x4(levels);
      int scored = Quant.quantizeScored(levels, qp, false, 0);
      lumaCount[blk] = Quant.count(scored);
      if (lumaCount[blk] != 0) {
        coded |= 1 << blk;
        score8x8[block8x8(blk)] += Quant.score(scored);
      }
    }
    int total = 0;
    int cbp = 0;
    for (int i8 = 0; i8 < 4; i8++) {
      if (score8x8[i8] < DECIMATE_8X8) {
        coded &= ~mask8x8(i8);
      } else {
        cbp |= 1 << i8;
      }
      total += score8x8[i8];
    }
    if (total < DECIMATE_MB) {
      coded = 0;
      cbp = 0;
    }
    lumaCoded = coded;
    return cbp;
  }

  /** Source minus prediction of a 4x4 block, both stored as jcodec stores samples (prediction stride 16). */
  private static void difference(byte[] plane, int at, int stride, byte[] pred, int p, int[] out) {
    for (int y = 0; y < 4; y++) {
      int s = at + y * stride;
      int o = p + y * 16;
      out[y * 4] = plane[s] - pred[o];
      out[y * 4 + 1] = plane[s + 1] - pred[o + 1];
      out[y * 4 + 2] = plane[s + 2] - pred[o + 2];
      out[y * 4 + 3] = plane[s + 3] - pred[o + 3];
    }
  }

  /** Sum of absolute values of the 4x4 block at {@code at} of a larger block. */
  private static int sad4x4(int[] samples, int at, int stride) {
    int sad = 0;
    for (int y = 0; y < 4; y++) {
      int o = at + y * stride;
      sad += Math.abs(samples[o]) + Math.abs(samples[o + 1]) + Math.abs(samples[o + 2]) + Math.abs(samples[o + 3]);
    }
    return sad;
  }

  /** Sum of the 4x4 block at {@code at} of a larger block. */
  private static int sum4x4(int[] samples, int at, int stride) {
    int sum = 0;
    for (int y = 0; y < 4; y++) {
      int o = at + y * stride;
      sum += samples[o] + samples[o + 1] + samples[o + 2] + samples[o + 3];
    }
    return sum;
  }

  /** Copies the 4x4 block at {@code at} of a larger block into {@code out}. */
  private static void take4x4(int[] samples, int at, int stride, int[] out) {
    for (int y = 0; y < 4; y++) {
      System.arraycopy(samples, at + y * stride, out, y * 4, 4);
    }
  }

  /** The bits of the four 4x4 blocks of 8x8 block {@code i8} in a block mask. */
  private static int mask8x8(int i8) {
    int first = blockIndex(i8, 0);
    return 0x33 << first;
  }

  /**
   * The luma blocks with non-zero levels, bit {@code blk} (raster order): what the loop filter
   * asks of an inter macroblock. Usually none; {@link #lumaCoded} may name blocks whose levels
   * all quantised to zero (an intra macroblock's).
   */
  int nonZeroBlocks() {
    int mask = 0;
    for (int bits = lumaCoded; bits != 0; bits &= bits - 1) {
      int blk = Integer.numberOfTrailingZeros(bits);
      if (lumaCount[blk] != 0) {
        mask |= 1 << blk;
      }
    }
    return mask;
  }

  /** Levels of luma block {@code blk} (raster order), zeros for an uncoded block. */
  int[] lumaLevels(int blk) {
    return (lumaCoded & (1 << blk)) != 0 ? luma[blk] : ZERO;
  }

  /** Intra 16x16 residual: Hadamard-coded DCs plus AC levels; returns 15 or 0 (all AC or none). */
  int lumaIntra16x16(int[] src, int[] pred) {
    lumaCoded = ALL_BLOCKS;
    boolean anyAc = false;
    for (int blk = 0; blk < 16; blk++) {
      int[] levels = luma[blk];
      transform(src, 16, (blk & 3) * 4, (blk >> 2) * 4, pred, 16, (blk & 3) * 4, (blk >> 2) * 4, levels);
      lumaDc[blk] = levels[0];
      lumaCount[blk] = Quant.count(Quant.quantizeScored(levels, qp, true, 1));
      anyAc |= lumaCount[blk] != 0;
    }
    CoeffTransformer.fvdDC4x4(lumaDc);
    Quant.quantizeDc(lumaDc, 16, qp, true);
    return anyAc ? 15 : 0;
  }

  /**
   * Codes one Intra 4x4 block (source block {@code blk}, prediction 4x4) and returns its decoded
   * residual, or null when all levels are zero.
   */
  int[] lumaIntra4x4(int[] src, int blk, int[] pred) {
    int[] levels = luma[blk];
    transform(src, 16, (blk & 3) * 4, (blk >> 2) * 4, pred, 4, 0, 0, levels);
    lumaCount[blk] = Quant.count(Quant.quantizeScored(levels, qp, true, 0));
    return lumaCount[blk] != 0 && decode(levels, qp, null, 0) ? block : null;
  }

  /** Luma coded block pattern of the levels in {@link #luma}. */
  int lumaPattern() {
    lumaCoded = ALL_BLOCKS;
    int cbp = 0;
    for (int blk = 0; blk < 16; blk++) {
      if (lumaCount[blk] != 0) {
        cbp |= 1 << block8x8(blk);
      }
    }
    return cbp;
  }

  /*
   * Chroma comes in two methods, not one with an intra flag: a process codes an IDR picture before
   * any P picture, so the JIT would compile a shared method with the inter branches never taken,
   * then throw it away at the first P picture and compile it again (six compiles of the shared method
   * in the first video after a start, three of chromaInter now; docs/performance.md, stop 26).
   */

  /** Both chroma components' residuals of an intra macroblock; returns the chroma coded block pattern (0, 1 or 2). */
  int chromaIntra(int[][] src, int[][] pred) {
    chromaCoded = 0;
    int pattern = 0;
    for (int c = 0; c < 2; c++) {
      chromaDifference(src[c], pred[c]);
      boolean ac = false;
      for (int blk = 0; blk < 4; blk++) {
        ac |= Quant.count(chromaBlock(c, blk, true)) != 0;
      }
      pattern = Math.max(pattern, chromaDc(c, true, ac));
    }
    return pattern;
  }

  /**
   * Both chroma components' residuals of an inter macroblock, where a block under
   * {@link Quant#zeroBlockSad} needs no transform and a component of only a few scattered +-1
   * levels is dropped (decimation); returns the chroma coded block pattern (0, 1 or 2).
   */
  int chromaInter(int[][] src, int[][] pred) {
    chromaCoded = 0;
    int pattern = 0;
    for (int c = 0; c < 2; c++) {
      chromaDifference(src[c], pred[c]);
      boolean ac = false;
      int score = 0;
      for (int blk = 0; blk < 4; blk++) {
        int at = chromaBlockAt(blk);
        if (sad4x4(chromaDifference, at, 8) < zeroInterChromaSad) {
          // The DC coefficient is still needed (for the 2x2 DC transform): the plain sum of the residual.
          chromaDc[c][blk] = sum4x4(chromaDifference, at, 8);
          continue;
        }
        int scored = chromaBlock(c, blk, false);
        ac |= Quant.count(scored) != 0;
        score += Quant.score(scored);
      }
      if (score < DECIMATE_CHROMA) {
        chromaCoded &= ~(0xF << (c * 4));
        ac = false;
      }
      pattern = Math.max(pattern, chromaDc(c, false, ac));
    }
    return pattern;
  }

  private void chromaDifference(int[] from, int[] predicted) {
    for (int i = 0; i < 64; i++) {
      chromaDifference[i] = from[i] - predicted[i];
    }
  }

  /** Where chroma block {@code blk} (raster order) starts in an 8x8 component. */
  private static int chromaBlockAt(int blk) {
    return (blk >> 1) * 32 + (blk & 1) * 4;
  }

  /** Transforms and quantises chroma block {@code blk} of component {@code c}, keeping its DC; returns it scored. */
  private int chromaBlock(int c, int blk, boolean intra) {
    int[] levels = chroma[c][blk];
    take4x4(chromaDifference, chromaBlockAt(blk), 8, levels);
    CoeffTransformer.fdct4x4(levels);
    chromaDc[c][blk] = levels[0];
    chromaCoded |= 1 << (c * 4 + blk);
    return Quant.quantizeScored(levels, qpc, intra, 1);
  }

  /** The 2x2 DC transform of component {@code c}; returns its coded block pattern given whether it has AC levels. */
  private int chromaDc(int c, boolean intra, boolean ac) {
    CoeffTransformer.fvdDC2x2(chromaDc[c]);
    boolean anyDc = Quant.quantizeDc(chromaDc[c], 4, qpc, intra);
    return ac ? 2 : anyDc ? 1 : 0;
  }

  /** Residual of a 4x4 block (source at (sx, sy), prediction at (px, py)) through the forward transform. */
  private static void transform(int[] src, int srcStride, int sx, int sy, int[] pred, int predStride, int px, int py,
      int[] out) {
    difference(src, srcStride, sx, sy, pred, predStride, px, py, out);
    CoeffTransformer.fdct4x4(out);
  }

  /** Source minus prediction of a 4x4 block into {@code out}; returns its sum of absolute values. */
  private static int difference(int[] src, int srcStride, int sx, int sy, int[] pred, int predStride, int px, int py,
      int[] out) {
    int sad = 0;
    for (int y = 0; y < 4; y++) {
      int s = (sy + y) * srcStride + sx;
      int p = (py + y) * predStride + px;
      for (int x = 0; x < 4; x++) {
        int d = src[s + x] - pred[p + x];
        out[y * 4 + x] = d;
        sad += Math.abs(d);
      }
    }
    return sad;
  }

  /** The Intra 16x16 luma DC levels (a 4x4 array in raster order), until {@link #reconstructIntra16x16}. */
  int[] lumaDcLevels() {
    return lumaDc;
  }

  /** The 2x2 DC levels of chroma component {@code c}, until {@link #reconstructChroma}. */
  int[] chromaDcLevels(int c) {
    return chromaDc[c];
  }

  /** AC levels of chroma block {@code blk} of component {@code c}, zeros for an uncoded block. */
  int[] chromaLevels(int c, int blk) {
    return (chromaCoded & (1 << (c * 4 + blk))) != 0 ? chroma[c][blk] : ZERO;
  }

  /** Intra 16x16 prediction (values 0-255) plus decoded residual, the Hadamard-coded DCs included, into the picture. */
  void reconstructIntra16x16(byte[] plane, int stride, int mbX, int mbY, int[] pred) {
    CoeffTransformer.invDC4x4(lumaDc);
    CoeffTransformer.dequantizeDC4x4(lumaDc, qp, null);
    for (int blk = 0; blk < 16; blk++) {
      int px = mbX * 16 + (blk & 3) * 4;
      int py = mbY * 16 + (blk >> 2) * 4;
      boolean coded = decode(luma[blk], qp, lumaDc, blk);
      put(plane, stride, px, py, pred, 16, (blk & 3) * 4, (blk >> 2) * 4, coded ? block : null);
    }
  }

  /**
   * Inter prediction (16x16 samples stored as jcodec stores them) plus decoded residual into the
   * picture: the prediction is copied whole, row by row, and only coded blocks add to it.
   */
  void reconstructInterLuma(byte[] plane, int stride, int mbX, int mbY, byte[] pred) {
    int at = mbY * 16 * stride + mbX * 16;
    for (int y = 0; y < 16; y++) {
      int o = at + y * stride;
      LONGS.set(plane, o, (long) LONGS.get(pred, y * 16));
      LONGS.set(plane, o + 8, (long) LONGS.get(pred, y * 16 + 8));
    }
    for (int bits = lumaCoded; bits != 0; bits &= bits - 1) {
      int blk = Integer.numberOfTrailingZeros(bits);
      if (decode(luma[blk], qp, null, 0)) {
        add(plane, stride, at + (blk >> 2) * 4 * stride + (blk & 3) * 4, block);
      }
    }
  }

  /** Adds a decoded 4x4 residual, clipped, to the prediction already in a jcodec plane. */
  private static void add(byte[] plane, int stride, int at, int[] residual) {
    for (int y = 0; y < 4; y++) {
      int o = at + y * stride;
      for (int x = 0; x < 4; x++) {
        plane[o + x] = (byte) (IntraPrediction.clip(plane[o + x] + 128 + residual[y * 4 + x]) - 128);
      }
    }
  }

  void reconstructChroma(byte[][] planes, int stride, int mbX, int mbY, int[][] pred) {
    for (int c = 0; c < 2; c++) {
      int[] dc = chromaDc[c];
      if ((chromaCoded >> (c * 4) & 0xF) == 0 && (dc[0] | dc[1] | dc[2] | dc[3]) == 0) {
        copy(planes[c + 1], stride, mbX * 8, mbY * 8, pred[c], 8);
        continue;
      }
      CoeffTransformer.invDC2x2(dc);
      CoeffTransformer.dequantizeDC2x2(dc, qpc, null);
      for (int blk = 0; blk < 4; blk++) {
        int px = mbX * 8 + (blk & 1) * 4;
        int py = mbY * 8 + (blk >> 1) * 4;
        if (decode(chromaLevels(c, blk), qpc, dc, blk)) {
          put(planes[c + 1], stride, px, py, pred[c], 8, (blk & 1) * 4, (blk >> 1) * 4, block);
        } else {
          copy(planes[c + 1], stride, px, py, pred[c], 8, (blk & 1) * 4, (blk >> 1) * 4);
        }
      }
    }
  }

  /** Dequantises and inverse transforms levels into {@code block}; false when all are zero. */
  private boolean decode(int[] levels, int q, int[] dc, int dcIndex) {
    boolean any = dc != null && dc[dcIndex] != 0;
    for (int i = 0; i < 16 && !any; i++) {
      any = levels[i] != 0;
    }
    if (!any) {
      return false;
    }
    System.arraycopy(levels, 0, block, 0, 16);
    CoeffTransformer.dequantizeAC(block, q, null);
    if (dc != null) {
      block[0] = dc[dcIndex];
    }
    CoeffTransformer.idct4x4(block);
    return true;
  }

  /**
   * Writes a whole n x n prediction (0..255, so no clipping) into a jcodec plane: the macroblock
   * (or chroma block) without residual, most of them, in rows the JIT can vectorise.
   */
  private static void copy(byte[] plane, int stride, int px, int py, int[] pred, int n) {
    for (int y = 0; y < n; y++) {
      int o = (py + y) * stride + px;
      int p = y * n;
      for (int x = 0; x < n; x++) {
        plane[o + x] = (byte) (pred[p + x] - 128);
      }
    }
  }

  /** Writes a 4x4 block of prediction (0..255, so no clipping) into a jcodec plane. */
  private static void copy(byte[] plane, int stride, int px, int py, int[] pred, int predStride, int bx, int by) {
    for (int y = 0; y < 4; y++) {
      int o = (py + y) * stride + px;
      int p = (by + y) * predStride + bx;
      plane[o] = (byte) (pred[p] - 128);
      plane[o + 1] = (byte) (pred[p + 1] - 128);
      plane[o + 2] = (byte) (pred[p + 2] - 128);
      plane[o + 3] = (byte) (pred[p + 3] - 128);
    }
  }

  /** Writes prediction plus residual (null: none), clipped, into a 4x4 block of a jcodec plane. */
  static void put(byte[] plane, int stride, int px, int py, int[] pred, int predStride, int bx, int by,
      int[] residual) {
    for (int y = 0; y < 4; y++) {
      int o = (py + y) * stride + px;
      int p = (by + y) * predStride + bx;
      for (int x = 0; x < 4; x++) {
        int v = pred[p + x] + (residual == null ? 0 : residual[y * 4 + x]);
        plane[o + x] = (byte) (IntraPrediction.clip(v) - 128);
      }
    }
  }
}
