package io.stillmotion.render.h264;

import org.jcodec.codecs.h264.decode.BlockInterpolator;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * Codes the macroblocks of one slice (the whole picture) and reconstructs them exactly as a
 * decoder will: the same intra predictions, interpolation, dequantisation, inverse transforms and
 * deblocking. A P macroblock takes its vector from the camera motion (or a quarter pel next to
 * it, or the P_Skip vector, whichever predicts best for its cost), is skipped when nothing is
 * left to code, and turns intra only where the prediction fails. Intra macroblocks pick Intra
 * 4x4 or Intra 16x16 by SATD.
 */
final class SliceCoder {

  /** Below this SAD per macroblock an inter prediction is never worth replacing by intra. */
  private static final int INTRA_CHECK_SAD = 16 * 256 / 4;
  /** Estimated extra bits of an intra macroblock in a P slice over an inter one. */
  private static final int INTRA_BITS = 24;
  /**
   * A reference picture's vectors are costed at the lambda of a QP this much lower, a quarter of
   * the weight per bit: the frames up to the next reference are predicted from it, so a sharper
   * prediction there is worth more than the bits of its vector in one frame. See {@link #refine}.
   */
  private static final int KEPT_VECTOR_QP_DROP = 12;
  /**
   * A macroblock is skipped only while the P_Skip vector stays within this many quarter pels of the
   * camera's (in x and in y). P_Skip takes the median of the neighbours' vectors, and a skipped
   * macroblock keeps it, so in smooth areas (where a vector a pixel off costs little SAD) chains of
   * skipped macroblocks carry the vector of rows far above downwards while the camera's zoom makes
   * it change by about a quarter pel a row: measured on the honeywave photo, 9 860 of the 17 000
   * coded macroblocks without residual in its disposable pictures had a vertical vector difference
   * of 3 quarter pels or more (up to 20) to make up. See {@link #codeInterMacroblock}.
   */
  private static final int MAX_SKIP_DRIFT = 16;

  private final int mbW;
  private final int mbH;
  private final MotionField field;
  private final Residual residual;
  private final CabacSyntax syntax;
  private final Intra4x4Coder intra4x4;
  private final SourceHadamard sourceHadamard = new SourceHadamard();
  private final LoopFilter loopFilter;
  /** The reference's interpolated planes, during a P picture. */
  private QuarterPelPlanes referencePlanes;
  /** Interpolates the luma blocks that reach beyond the planes' margin. */
  private final BlockInterpolator interpolator = new BlockInterpolator();
  private final Picture lumaPrediction = Picture.create(16, 16, ColorSpace.YUV420J);

  private final int[] srcY = new int[256];
  private final int[][] srcC = new int[2][64];
  private final int[] predY = new int[256];
  /**
   * The inter luma prediction that wins so far and the one being measured (both stored as jcodec
   * stores samples), with the SADs of their 4x4 blocks: a candidate that wins is swapped in.
   */
  private byte[] bestPrediction = new byte[256];
  private byte[] candidatePrediction = new byte[256];
  private int[] bestBlockSads = new int[16];
  private int[] candidateBlockSads = new int[16];
  /** The current macroblock's luma source, split once for the SADs of all its candidate vectors. */
  private final QuarterPelPlanes.SourceBlock sourceBlock = new QuarterPelPlanes.SourceBlock();
  /**
   * The vectors {@link #refine} measured for the current macroblock, with what {@link #lumaSad}
   * returned for each (the SAD, or a partial sum at or above the limit it was given), so that a
   * later candidate among them that must lose is not measured again. See {@link #lumaSad}.
   */
  private final long[] measuredVectors = new long[4];
  private final int[] measuredSads = new int[4];
  private int measuredCount;
  private final int[][] predC = new int[2][64];
  private final int[] top = new int[16];
  private final int[] left = new int[16];
  private final int[][] topC = new int[2][8];
  private final int[][] leftC = new int[2][8];
  private final int[] topLeftC = new int[2];
  private final ChromaPrediction chromaPrediction = new ChromaPrediction();

  private Picture src;
  private Picture recon;
  private Picture ref;
  private int lambda;
  /** Weight of a vector's bits against the SAD of its prediction in {@link #refine}. */
  private int vectorLambda;
  /** The P picture being coded is a reference for later ones: {@link #refine} tries all four positions. */
  private boolean keptPicture;
  private int bestCost;
  /** SAD of the Intra 16x16 prediction {@link #chooseLumaMode} chose. */
  private int lumaModeSad;

  SliceCoder(SeqParameterSet sps, PictureParameterSet pps) {
    this.mbW = sps.picWidthInMbsMinus1 + 1;
    this.mbH = sps.picHeightInMapUnitsMinus1 + 1;
    this.field = new MotionField(mbW, mbH);
    this.residual = new Residual();
    this.syntax = new CabacSyntax(mbW, mbH);
    this.intra4x4 = new Intra4x4Coder(mbW, mbH);
    this.loopFilter = new LoopFilter(sps);
  }

  /** Codes every macroblock as intra and leaves the (deblocked) reconstruction in {@code reconstruction}. */
  void codeIntra(SliceHeader sh, Picture source, Picture reconstruction, BitWriter writer) {
    start(sh, source, reconstruction, null);
    syntax.startSlice(true, 0, qp(sh));
    for (int mbY = 0; mbY < mbH; mbY++) {
      for (int mbX = 0; mbX < mbW; mbX++) {
        loadLuma(mbX, mbY);
        loadChroma(mbX, mbY);
        codeIntraMacroblock(mbX, mbY, false);
      }
    }
    syntax.finish(writer);
    loopFilter.filter(recon);
  }

  /**
   * Codes a P picture predicted from {@code reference} (with {@code planes} loaded from it, only
   * read here) along the camera motion; {@code kept}: the picture is a reference for later ones.
   */
  void codeInter(SliceHeader sh, Picture source, Picture reference, QuarterPelPlanes planes, Picture reconstruction,
      CameraMotion motion, boolean kept, BitWriter writer) {
    start(sh, source, reconstruction, reference);
    syntax.startSlice(false, sh.cabacInitIdc, qp(sh));
    referencePlanes = planes;
    keptPicture = kept;
    vectorLambda = kept ? Costs.lambda(qp(sh) - KEPT_VECTOR_QP_DROP) : lambda;
    for (int mbY = 0; mbY < mbH; mbY++) {
      for (int mbX = 0; mbX < mbW; mbX++) {
        loadChroma(mbX, mbY);
        sourceBlock.load(source.getPlaneData(0), (mbY * 16) * source.getPlaneWidth(0) + mbX * 16,
            source.getPlaneWidth(0));
        codeInterMacroblock(mbX, mbY, motion);
      }
    }
    syntax.finish(writer);
    loopFilter.filter(recon);
  }

  private void start(SliceHeader sh, Picture source, Picture reconstruction, Picture reference) {
    if (source.getPlaneWidth(0) != mbW * 16 || source.getPlaneHeight(0) != mbH * 16) {
      throw new IllegalArgumentException("frame planes must be padded to whole macroblocks");
    }
    int qp = qp(sh);
    this.src = source;
    this.recon = reconstruction;
    this.ref = reference;
    this.lambda = Costs.lambda(qp);
    residual.startSlice(qp);
    loopFilter.startPicture(sh, qp, residual.chromaQp());
  }

  private static int qp(SliceHeader sh) {
    return sh.pps.picInitQpMinus26 + 26 + sh.sliceQpDelta;
  }

  private void codeInterMacroblock(int mbX, int mbY, CameraMotion motion) {
    long skipMv = field.skip(mbX, mbY);
    long mvp = field.median(mbX, mbY);
    long mv = refine(mbX, mbY, motion, mvp);
    if (skipMv != mv && nearCamera(skipMv, motion, mbX, mbY)) {
      int skipCost = lumaSad(mbX, mbY, skipMv, bestCost + 1);
      if (skipCost <= bestCost) {
        mv = skipMv;
        bestCost = skipCost;
        keepCandidate();
      }
    }
    if (bestCost > INTRA_CHECK_SAD && intraCost(mbX, mbY) + lambda * INTRA_BITS < bestCost) {
      codeIntraMacroblock(mbX, mbY, true);
      return;
    }
    intra4x4.notIntra4x4(mbX, mbY);
    predictChroma(mbX, mbY, mv);
    int lumaStride = src.getPlaneWidth(0);
    int cbpLuma = residual.lumaInter(src.getPlaneData(0), (mbY * 16) * lumaStride + mbX * 16, lumaStride,
        bestPrediction, bestBlockSads);
    int cbpChroma = residual.chromaInter(srcC, predC);
    field.setInter(mbX, mbY, MotionField.unpackX(mv), MotionField.unpackY(mv));
    loopFilter.inter(mbX, mbY, MotionField.unpackX(mv), MotionField.unpackY(mv), residual);
    if (mv == skipMv && (cbpLuma | cbpChroma) == 0) {
      syntax.skip(mbX, mbY);
    } else {
      syntax.inter(mbX, mbY, MotionField.unpackX(mv) - MotionField.unpackX(mvp),
          MotionField.unpackY(mv) - MotionField.unpackY(mvp), cbpLuma, cbpChroma, residual);
    }
    residual.reconstructInterLuma(recon.getPlaneData(0), recon.getPlaneWidth(0), mbX, mbY, bestPrediction);
    residual.reconstructChroma(recon.getData(), recon.getPlaneWidth(1), mbX, mbY, predC);
  }

  /**
   * The camera's vector rounded to quarter pels is right to within an eighth of a pixel, but the
   * interpolation filters blur differently at each quarter position: the best of the four quarter
   * positions around the camera's exact vector (SAD plus the vector's cost) often saves much of the
   * residual. The positions further out, which a search would try, lie farther from the true
   * motion than these four: measured (EncoderBench, path photo, 720p, QP 22-34), checking all
   * eight neighbours of the rounded vector instead wrote 0.1% more bytes at the same PSNR-Y and
   * took 9-13% more CPU time for the whole encode.
   *
   * <p>Cheaper refinements, measured (EncoderBench, QP 22-34, size at equal PSNR-Y against this
   * one, path / cups photo at 720p): only the rounded vector and the one of the other three the
   * exact vector lies nearest +1.28% / +7.13% (the cups photo's winners are spread over all four:
   * 39% the rounded vector, 25% the nearest, 20% the other side, 17% the diagonal); that plus
   * stopping when every 4x4 block is under the zero-residual bound +1.35% / +7.61%; the left or
   * upper macroblock's winning position instead of the nearest +2.21% / +6.58%; ranking the four
   * by the SAD of every fourth row and predicting only the winner +2.86% / +4.23%, of every other
   * row +0.99% / +1.08% (+0.91% on cups at 1080p) for no measurable drop in P-frame CPU on the
   * loaded 2-core machine. The cups photo was then at 0.91x x264
   * veryfast's bytes at equal PSNR-Y at 720p (RenderBench), so none was kept.
   *
   * <p>With CABAC the bytes had room to spare (0.59-0.69x x264 veryfast's at equal PSNR-Y) and speed
   * did not, so one trade was kept: in a disposable picture the position diagonal to the rounded
   * vector (the one differing from it in x and in y) is not tried, three SADs instead of four. No
   * later picture inherits a disposable picture's prediction. Measured (BytesBench, medium quality,
   * ratio to x264 veryfast at equal PSNR-Y, path / cups / autumn / honeywave): 720p 0.666 / 0.674 /
   * 0.634 / 0.685 -> 0.665 / 0.683 / 0.634 / 0.684, 1080p 0.691 / 0.593 / 0.604 / 0.663 -> 0.689 /
   * 0.598 / 0.604 / 0.663, for 18-20% fewer SADs and 0.94-0.97x the process CPU of a warm render
   * (0.957x over the eight rows; docs/performance.md, stop 24). Dropping it in reference pictures too cost up to 3.9% (cups 1080p), and
   * skipping the other three positions when the rounded vector's SAD is below 1 per sample cost
   * 2.3-4.3% on cups and autumn: the quarter positions' blur matters most where the picture is
   * smooth.
   *
   * <p>A vector's bits weigh {@link #vectorLambda}: the slice's lambda in a disposable picture, that
   * of a QP {@value #KEPT_VECTOR_QP_DROP} lower in a reference picture, whose prediction the next
   * seven pictures inherit. Measured (BytesBench, RenderBench's job and x264 runs, medium quality,
   * size at equal PSNR-Y against x264 veryfast, cups / path photo at 720p, with disposable pictures
   * at QP +7): the full lambda everywhere 0.911 / 0.797; half of it everywhere 0.882 / 0.813; half
   * of it in disposable pictures only 0.924 / 0.811; in reference pictures a half 0.879 / 0.798,
   * a quarter (this) 0.871 / 0.797, none 0.883 / 0.799.
   * Leaves the winner's prediction and block SADs in {@code bestPrediction} and
   * {@code bestBlockSads}, and its cost in {@code bestCost}.
   */
  private long refine(int mbX, int mbY, CameraMotion motion, long mvp) {
    double exactX = motion.quarterX(mbX * 16 + 7.5);
    double exactY = motion.quarterY(mbY * 16 + 7.5);
    long camera = MotionField.pack((int) Math.round(exactX), (int) Math.round(exactY));
    int x0 = (int) Math.floor(exactX);
    int y0 = (int) Math.floor(exactY);
    long best = camera;
    measuredCount = 0;
    bestCost = lumaSad(mbX, mbY, camera, Integer.MAX_VALUE) + vectorLambda * Costs.mvdBits(camera, mvp);
    keepCandidate();
    int diagonal = keptPicture ? -1
        : (MotionField.unpackX(camera) - x0 ^ 1) | (MotionField.unpackY(camera) - y0 ^ 1) << 1;
    for (int d = 0; d < 4; d++) {
      long candidate = MotionField.pack(x0 + (d & 1), y0 + (d >> 1));
      if (candidate == camera || d == diagonal) {
        continue;
      }
      int mvCost = vectorLambda * Costs.mvdBits(candidate, mvp);
      int cost = lumaSad(mbX, mbY, candidate, bestCost - mvCost) + mvCost;
      if (cost < bestCost) {
        bestCost = cost;
        best = candidate;
        keepCandidate();
      }
    }
    return best;
  }

  /**
   * Whether a vector lies within {@value #MAX_SKIP_DRIFT} quarter pels of the camera's at the
   * macroblock's centre. Measured (BytesBench, size at equal PSNR-Y against x264 veryfast, medium
   * quality), honeywave photo at 720p with the limit in disposable pictures only: none 1.089x, 2
   * quarter pels 1.168x, 3 1.101x, 4 1.058x, 6 1.005x, 8 0.997x, 12 0.977x, 16 0.977x, 24 0.985x; in
   * reference pictures as well (16) 0.976x, and at 1080p 1.134x without, 1.007x with 16 in disposable
   * pictures, 1.000x in both. The other photos (path, cups, autumn) gain up to 0.6%.
   */
  private static boolean nearCamera(long mv, CameraMotion motion, int mbX, int mbY) {
    return Math.abs(MotionField.unpackX(mv) - motion.quarterX(mbX * 16 + 7.5)) <= MAX_SKIP_DRIFT
        && Math.abs(MotionField.unpackY(mv) - motion.quarterY(mbY * 16 + 7.5)) <= MAX_SKIP_DRIFT;
  }

  /** The candidate just measured (its SAD below the limit it was given, so complete) becomes the best. */
  private void keepCandidate() {
    byte[] prediction = bestPrediction;
    bestPrediction = candidatePrediction;
    candidatePrediction = prediction;
    int[] blockSads = bestBlockSads;
    bestBlockSads = candidateBlockSads;
    candidateBlockSads = blockSads;
  }

  private void codeIntraMacroblock(int mbX, int mbY, boolean inPSlice) {
    int lumaMode = chooseLumaMode(mbX, mbY);
    sourceHadamard.load(srcY);
    int cost16 = lumaSatd(lumaMode) + lambda * 4;
    int cost4 = intra4x4.code(srcY, sourceHadamard, recon.getPlaneData(0), recon.getPlaneWidth(0), mbX, mbY,
        residual, lambda, cost16);
    int chromaMode = chooseChromaMode(mbX, mbY);
    if (cost4 < cost16) {
      writeIntra4x4(mbX, mbY, inPSlice, chromaMode);
    } else {
      intra4x4.notIntra4x4(mbX, mbY);
      writeIntra16x16(mbX, mbY, inPSlice, lumaMode, chromaMode);
    }
    field.setIntra(mbX, mbY);
    loopFilter.intra(mbX, mbY);
    residual.reconstructChroma(recon.getData(), recon.getPlaneWidth(1), mbX, mbY, predC);
  }

  private void writeIntra16x16(int mbX, int mbY, boolean inPSlice, int lumaMode, int chromaMode) {
    int cbpLuma = residual.lumaIntra16x16(srcY, predY);
    int cbpChroma = residual.chromaIntra(srcC, predC);
    syntax.intra16x16(mbX, mbY, inPSlice, lumaMode, chromaMode, cbpLuma, cbpChroma, residual);
    residual.reconstructIntra16x16(recon.getPlaneData(0), recon.getPlaneWidth(0), mbX, mbY, predY);
  }

  private void writeIntra4x4(int mbX, int mbY, boolean inPSlice, int chromaMode) {
    int cbpLuma = residual.lumaPattern();
    int cbpChroma = residual.chromaIntra(srcC, predC);
    syntax.intra4x4(mbX, mbY, inPSlice, intra4x4, chromaMode, cbpLuma, cbpChroma, residual);
  }

  /** Best intra 16x16 SAD of luma, leaving the chosen prediction in {@code predY} (and the source in {@code srcY}). */
  private int intraCost(int mbX, int mbY) {
    loadLuma(mbX, mbY);
    chooseLumaMode(mbX, mbY);
    return lumaModeSad;
  }

  /**
   * Picks the Intra 16x16 mode of lowest SAD and leaves its prediction in {@code predY} (its SAD in
   * {@link #lumaModeSad}). Vertical, horizontal and DC are costed straight from the neighbours;
   * only plane, tried last, is drawn, and kept when it wins.
   */
  private int chooseLumaMode(int mbX, int mbY) {
    int topLeft = neighbours(0, mbX, mbY, 16, top, left);
    int[] above = mbY > 0 ? top : null;
    int[] before = mbX > 0 ? left : null;
    int best = IntraPrediction.LUMA_DC;
    int bestSad = Integer.MAX_VALUE;
    for (int mode = 0; mode < 4; mode++) {
      if (IntraPrediction.lumaModeAvailable(mode, above != null, before != null)) {
        int sad = switch (mode) {
          case IntraPrediction.LUMA_V -> Costs.sadOfRows(srcY, 16, top);
          case IntraPrediction.LUMA_H -> Costs.sadOfColumns(srcY, 16, left);
          case IntraPrediction.LUMA_DC -> Costs.sadOfFlat(srcY, 0, 16, 16, IntraPrediction.lumaDc(above, before));
          default -> {
            IntraPrediction.luma(mode, above, before, topLeft, predY);
            yield Costs.sad(srcY, predY, 256);
          }
        };
        if (sad < bestSad) {
          bestSad = sad;
          best = mode;
        }
      }
    }
    lumaModeSad = bestSad;
    if (best != IntraPrediction.LUMA_PLANE) {
      IntraPrediction.luma(best, above, before, topLeft, predY);
    }
    return best;
  }

  /**
   * SATD of the Intra 16x16 prediction in {@code predY} (made by {@code mode}); vertical,
   * horizontal and DC from {@link #sourceHadamard}, which must hold the macroblock's source.
   */
  private int lumaSatd(int mode) {
    if (mode == IntraPrediction.LUMA_PLANE) {
      return Costs.satd16x16(srcY, predY);
    }
    int satd = 0;
    for (int blk = 0; blk < 16; blk++) {
      int x = (blk & 3) * 4;
      int y = (blk >> 2) * 4;
      satd += switch (mode) {
        case IntraPrediction.LUMA_V -> sourceHadamard.satdOfRows(blk, top[x], top[x + 1], top[x + 2], top[x + 3]);
        case IntraPrediction.LUMA_H -> sourceHadamard.satdOfColumns(blk, left[y], left[y + 1], left[y + 2],
            left[y + 3]);
        default -> sourceHadamard.satdOfFlat(blk, predY[0]);
      };
    }
    return satd;
  }

  /**
   * Picks the chroma intra mode of lowest SAD over both components and leaves its predictions in
   * {@code predC}; as for luma, only plane (last) is drawn to be costed.
   */
  private int chooseChromaMode(int mbX, int mbY) {
    int[] topLeft = topLeftC;
    for (int c = 0; c < 2; c++) {
      topLeft[c] = neighbours(c + 1, mbX, mbY, 8, topC[c], leftC[c]);
    }
    boolean hasTop = mbY > 0;
    boolean hasLeft = mbX > 0;
    int best = IntraPrediction.CHROMA_DC;
    int bestSad = Integer.MAX_VALUE;
    for (int mode = 0; mode < 4; mode++) {
      if (IntraPrediction.chromaModeAvailable(mode, hasTop, hasLeft)) {
        int sad = chromaSad(mode, hasTop, hasLeft, topLeft);
        if (sad < bestSad) {
          bestSad = sad;
          best = mode;
        }
      }
    }
    if (best != IntraPrediction.CHROMA_PLANE) {
      for (int c = 0; c < 2; c++) {
        IntraPrediction.chroma(best, hasTop ? topC[c] : null, hasLeft ? leftC[c] : null, topLeft[c], predC[c]);
      }
    }
    return best;
  }

  /** SAD of both chroma components against a mode's prediction; only plane's is drawn (into {@code predC}). */
  private int chromaSad(int mode, boolean hasTop, boolean hasLeft, int[] topLeft) {
    int sad = 0;
    for (int c = 0; c < 2; c++) {
      int[] above = hasTop ? topC[c] : null;
      int[] before = hasLeft ? leftC[c] : null;
      switch (mode) {
        case IntraPrediction.CHROMA_V -> sad += Costs.sadOfRows(srcC[c], 8, above);
        case IntraPrediction.CHROMA_H -> sad += Costs.sadOfColumns(srcC[c], 8, before);
        case IntraPrediction.CHROMA_DC -> {
          for (int blk = 0; blk < 4; blk++) {
            int bx = blk & 1;
            int by = blk >> 1;
            sad += Costs.sadOfFlat(srcC[c], by * 32 + bx * 4, 8, 4, IntraPrediction.chromaDc(above, before, bx, by));
          }
        }
        default -> {
          IntraPrediction.chroma(mode, above, before, topLeft[c], predC[c]);
          sad += Costs.sad(srcC[c], predC[c], 64);
        }
      }
    }
    return sad;
  }

  /** Fills the row above and the column left of a macroblock from the reconstruction; returns the corner. */
  private int neighbours(int plane, int mbX, int mbY, int n, int[] above, int[] before) {
    byte[] data = recon.getPlaneData(plane);
    int stride = recon.getPlaneWidth(plane);
    int x0 = mbX * n;
    int y0 = mbY * n;
    if (mbY > 0) {
      for (int i = 0; i < n; i++) {
        above[i] = data[(y0 - 1) * stride + x0 + i] + 128;
      }
    }
    if (mbX > 0) {
      for (int i = 0; i < n; i++) {
        before[i] = data[(y0 + i) * stride + x0 - 1] + 128;
      }
    }
    return mbX > 0 && mbY > 0 ? data[(y0 - 1) * stride + x0 - 1] + 128 : 0;
  }

  /**
   * SAD of the luma prediction for a vector, written with its 4x4 block SADs into the candidate
   * buffers; once it reaches {@code limit} the vector has lost and the sum may stop there (at or
   * above the limit, the buffers incomplete).
   *
   * <p>A vector {@link #refine} already measured for this macroblock is not measured again when
   * what it returned then is at or above {@code limit}: the P_Skip vector, tried after the
   * refinement, is one of its four corners in 62% of the macroblocks where it is tried, and about
   * half of those lost by more than their vector's bits, so they lose again. Measured on a 720p
   * render of the path photo: 2,371,342 SADs measured without this, 2,297,817 with it (-3.1%).
   */
  private int lumaSad(int mbX, int mbY, long mv, int limit) {
    for (int i = 0; i < measuredCount; i++) {
      if (measuredVectors[i] == mv && measuredSads[i] >= limit) {
        return measuredSads[i];
      }
    }
    int qx = (mbX << 6) + MotionField.unpackX(mv);
    int qy = (mbY << 6) + MotionField.unpackY(mv);
    byte[] plane = src.getPlaneData(0);
    int stride = src.getPlaneWidth(0);
    int at = (mbY * 16) * stride + mbX * 16;
    int sad = referencePlanes.sad16x16(qx, qy, sourceBlock, limit, candidatePrediction, candidateBlockSads);
    if (sad < 0) {
      sad = interpolatedSad(qx, qy, plane, at, stride);
    }
    if (measuredCount < measuredVectors.length) {
      measuredVectors[measuredCount] = mv;
      measuredSads[measuredCount] = sad;
      measuredCount++;
    }
    return sad;
  }

  /** As {@link #lumaSad}, for a block beyond the planes' margin: interpolated as a decoder does, SAD whole. */
  private int interpolatedSad(int qx, int qy, byte[] plane, int at, int stride) {
    interpolator.getBlockLuma(ref, lumaPrediction, 0, qx, qy, 16, 16);
    System.arraycopy(lumaPrediction.getPlaneData(0), 0, candidatePrediction, 0, 256);
    int sad = 0;
    for (int blk = 0; blk < 16; blk++) {
      int blockSad = 0;
      for (int y = 0; y < 4; y++) {
        int p = ((blk >> 2) * 4 + y) * 16 + (blk & 3) * 4;
        int s = at + ((blk >> 2) * 4 + y) * stride + (blk & 3) * 4;
        for (int x = 0; x < 4; x++) {
          blockSad += Math.abs(plane[s + x] - candidatePrediction[p + x]);
        }
      }
      candidateBlockSads[blk] = blockSad;
      sad += blockSad;
    }
    return sad;
  }

  /** The chroma predictions of both components for a vector into {@code predC}. */
  private void predictChroma(int mbX, int mbY, long mv) {
    int qx = (mbX << 6) + MotionField.unpackX(mv);
    int qy = (mbY << 6) + MotionField.unpackY(mv);
    chromaPrediction.predict8x8(ref.getPlaneData(1), ref.getPlaneData(2), ref.getPlaneWidth(1), ref.getPlaneHeight(1),
        qx, qy, predC[0], predC[1]);
  }

  /** The macroblock's luma as values 0-255 into {@code srcY}: intra coding needs it, inter coding reads the plane. */
  private void loadLuma(int mbX, int mbY) {
    load(src.getPlaneData(0), src.getPlaneWidth(0), mbX * 16, mbY * 16, 16, srcY);
  }

  private void loadChroma(int mbX, int mbY) {
    load(src.getPlaneData(1), src.getPlaneWidth(1), mbX * 8, mbY * 8, 8, srcC[0]);
    load(src.getPlaneData(2), src.getPlaneWidth(2), mbX * 8, mbY * 8, 8, srcC[1]);
  }

  private static void load(byte[] plane, int stride, int x0, int y0, int n, int[] out) {
    for (int y = 0; y < n; y++) {
      int o = (y0 + y) * stride + x0;
      for (int x = 0; x < n; x++) {
        out[y * n + x] = plane[o + x] + 128;
      }
    }
  }
}
