package io.stillmotion.render.h264;

import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.common.model.Picture;

/**
 * The in-loop deblocking filter (H.264 8.7), run on a whole reconstructed picture after its
 * macroblocks are coded (intra prediction reads unfiltered samples; later pictures predict from
 * filtered ones), exactly as a decoder runs it: macroblock by macroblock in raster order, in each
 * the vertical edges left to right, then the horizontal ones top to bottom.
 *
 * <p>Our pictures are one slice at one QP, with P macroblocks of one vector on the one reference
 * frame, so the boundary strength (bS) of an edge segment between 4x4 blocks depends only on: an
 * intra macroblock on either side (4 on a macroblock edge, 3 inside), a coded luma block on either
 * side (2), vectors 4 quarter pels apart or more across a macroblock edge (1), else 0. In a slow
 * camera move nearly every segment is 0, and those are found from bit masks, one per macroblock
 * and direction, without touching a sample.
 *
 * <p>Segment masks hold bit {@code edge * 4 + segment}: for vertical edges {@code edge} is the
 * column of 4x4 blocks right of the edge and {@code segment} their row, for horizontal edges the
 * row below and the column. Ascending bits are then the order edges must be filtered in.
 */
final class LoopFilter {

  /** Segments on a macroblock's first (left or top) edge. */
  private static final int OUTER = 0x000F;
  /** Segments on the edges inside a macroblock. */
  private static final int INNER = 0xFFF0;
  /** The edges chroma (half the resolution) has: the macroblock edge and the middle one. */
  private static final int CHROMA_EDGES = 0x0F0F;

  private final int mbW;
  private final int mbH;
  private final boolean[] intra;
  private final int[] mvX;
  private final int[] mvY;
  /** Each inter macroblock's luma blocks with non-zero levels, bit {@code row * 4 + column}... */
  private final int[] coded;
  /** ...and the same with rows and columns swapped, the layout of vertical-edge masks. */
  private final int[] codedTransposed;
  private final EdgeFilter luma = new EdgeFilter();
  private final EdgeFilter chroma = new EdgeFilter();
  private boolean enabled;

  LoopFilter(SeqParameterSet sps) {
    this.mbW = sps.picWidthInMbsMinus1 + 1;
    this.mbH = sps.picHeightInMapUnitsMinus1 + 1;
    int mbs = mbW * mbH;
    this.intra = new boolean[mbs];
    this.mvX = new int[mbs];
    this.mvY = new int[mbs];
    this.coded = new int[mbs];
    this.codedTransposed = new int[mbs];
  }

  /** The slice's filter settings: {@code qp} and {@code qpc} are the picture's luma and chroma QPs. */
  void startPicture(SliceHeader sh, int qp, int qpc) {
    enabled = sh.disableDeblockingFilterIdc != 1;
    int alphaOffset = sh.sliceAlphaC0OffsetDiv2 << 1;
    int betaOffset = sh.sliceBetaOffsetDiv2 << 1;
    luma.setQp(qp, alphaOffset, betaOffset);
    chroma.setQp(qpc, alphaOffset, betaOffset);
  }

  void intra(int mbX, int mbY) {
    int mb = mbY * mbW + mbX;
    intra[mb] = true;
    coded[mb] = 0;
    codedTransposed[mb] = 0;
  }

  /** An inter macroblock, with its luma levels (which 4x4 blocks have non-zero ones). */
  void inter(int mbX, int mbY, int mvX, int mvY, Residual levels) {
    inter(mbX, mbY, mvX, mvY, levels.nonZeroBlocks());
  }

  /** An inter macroblock whose luma blocks {@code codedBlocks} (bit {@code row * 4 + column}) have non-zero levels. */
  void inter(int mbX, int mbY, int mvX, int mvY, int codedBlocks) {
    int mb = mbY * mbW + mbX;
    intra[mb] = false;
    this.mvX[mb] = mvX;
    this.mvY[mb] = mvY;
    coded[mb] = codedBlocks;
    codedTransposed[mb] = codedBlocks == 0 ? 0 : transpose(codedBlocks);
  }

  void filter(Picture picture) {
    boolean lumaOn = luma.active();
    boolean chromaOn = chroma.active();
    if (!enabled || !lumaOn && !chromaOn) {
      return;
    }
    for (int mbY = 0; mbY < mbH; mbY++) {
      for (int mbX = 0; mbX < mbW; mbX++) {
        int mb = mbY * mbW + mbX;
        int verticalCoded = codedSegments(codedTransposed, mb, mbX > 0 ? mb - 1 : -1);
        int horizontalCoded = codedSegments(coded, mb, mbY > 0 ? mb - mbW : -1);
        int vertical = filteredSegments(mb, mbX > 0 ? mb - 1 : -1, verticalCoded);
        int horizontal = filteredSegments(mb, mbY > 0 ? mb - mbW : -1, horizontalCoded);
        if ((vertical | horizontal) == 0) {
          continue;
        }
        boolean leftIntra = mbX > 0 && intra[mb - 1];
        boolean topIntra = mbY > 0 && intra[mb - mbW];
        if (lumaOn) {
          filterLuma(picture, mbX, mbY, vertical, verticalCoded, leftIntra, horizontal, horizontalCoded, topIntra);
        }
        if (chromaOn) {
          for (int plane = 1; plane < 3; plane++) {
            filterChroma(picture, plane, mbX, mbY, vertical & CHROMA_EDGES, verticalCoded, leftIntra,
                horizontal & CHROMA_EDGES, horizontalCoded, topIntra);
          }
        }
      }
    }
  }

  private void filterLuma(Picture picture, int mbX, int mbY, int vertical, int verticalCoded, boolean leftIntra,
      int horizontal, int horizontalCoded, boolean topIntra) {
    byte[] plane = picture.getPlaneData(0);
    int stride = picture.getPlaneWidth(0);
    int origin = mbY * 16 * stride + mbX * 16;
    boolean mbIntra = intra[mbY * mbW + mbX];
    for (int bits = vertical; bits != 0; bits &= bits - 1) {
      int bit = Integer.numberOfTrailingZeros(bits);
      int q = origin + (bit & 3) * 4 * stride + (bit >> 2) * 4;
      luma.luma(plane, q, 1, stride, strength(bit, verticalCoded, mbIntra, leftIntra));
    }
    for (int bits = horizontal; bits != 0; bits &= bits - 1) {
      int bit = Integer.numberOfTrailingZeros(bits);
      int q = origin + (bit >> 2) * 4 * stride + (bit & 3) * 4;
      luma.luma(plane, q, stride, 1, strength(bit, horizontalCoded, mbIntra, topIntra));
    }
  }

  /** Chroma edges take the bS of the luma segment beside them (8.7.2.1), 2 chroma lines to a segment. */
  private void filterChroma(Picture picture, int p, int mbX, int mbY, int vertical, int verticalCoded,
      boolean leftIntra, int horizontal, int horizontalCoded, boolean topIntra) {
    byte[] plane = picture.getPlaneData(p);
    int stride = picture.getPlaneWidth(p);
    int origin = mbY * 8 * stride + mbX * 8;
    boolean mbIntra = intra[mbY * mbW + mbX];
    for (int bits = vertical; bits != 0; bits &= bits - 1) {
      int bit = Integer.numberOfTrailingZeros(bits);
      int q = origin + (bit & 3) * 2 * stride + (bit >> 2) * 2;
      chroma.chroma(plane, q, 1, stride, strength(bit, verticalCoded, mbIntra, leftIntra));
    }
    for (int bits = horizontal; bits != 0; bits &= bits - 1) {
      int bit = Integer.numberOfTrailingZeros(bits);
      int q = origin + (bit >> 2) * 2 * stride + (bit & 3) * 2;
      chroma.chroma(plane, q, stride, 1, strength(bit, horizontalCoded, mbIntra, topIntra));
    }
  }

  /**
   * Segments next to a coded block, on the inner edges and (with a {@code neighbour}, -1 for none)
   * the outer one, from masks in the layout of the direction (rows of 4 bits along the edges).
   */
  private static int codedSegments(int[] masks, int mb, int neighbour) {
    int m = masks[mb];
    int inner = (m | (m << 4)) & INNER;
    return neighbour < 0 ? inner : inner | ((m | (masks[neighbour] >>> 12)) & OUTER);
  }

  /** Segments of bS > 0 in one direction, given those next to coded blocks. */
  private int filteredSegments(int mb, int neighbour, int codedSegments) {
    int outer = neighbour < 0 ? 0 : OUTER;
    if (intra[mb]) {
      return INNER | outer;
    }
    if (neighbour >= 0 && (intra[neighbour] || vectorsApart(mb, neighbour))) {
      return codedSegments | OUTER;
    }
    return codedSegments;
  }

  /** bS of a segment the filter touches (bS > 0): which one of 4, 3, 2 or 1 its position tells. */
  private static int strength(int bit, int codedSegments, boolean mbIntra, boolean neighbourIntra) {
    if (bit < 4) {
      return mbIntra || neighbourIntra ? 4 : (codedSegments & (1 << bit)) != 0 ? 2 : 1;
    }
    return mbIntra ? 3 : 2;
  }

  /** Whether two P macroblocks' vectors are 4 quarter pels or more apart in x or y: bS 1 between them. */
  private boolean vectorsApart(int a, int b) {
    return Math.abs(mvX[a] - mvX[b]) >= 4 || Math.abs(mvY[a] - mvY[b]) >= 4;
  }

  /** A 4x4 block mask with rows and columns swapped. */
  private static int transpose(int mask) {
    int t = 0;
    for (int bits = mask; bits != 0; bits &= bits - 1) {
      int bit = Integer.numberOfTrailingZeros(bits);
      t |= 1 << ((bit & 3) * 4 + (bit >> 2));
    }
    return t;
  }
}
