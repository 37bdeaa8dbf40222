package io.stillmotion.render.h264;

import java.nio.ByteBuffer;
import org.jcodec.common.io.BitWriter;

/**
 * Writes the slice data of one picture (one slice) with CABAC (H.264 clause 9.3): each
 * macroblock's syntax elements, binarised and coded with the contexts their neighbours select.
 * {@link SliceCoder} decides what a macroblock is; this class writes it and remembers what the
 * macroblocks after it need to know of it: its kind, coded block pattern, chroma prediction mode,
 * vector differences and which of its blocks had coefficients ({@link CabacResidual} writes the
 * blocks' levels).
 *
 * <p>Our macroblocks are P_Skip, P_L0_16x16 with one reference, I_NxN (4x4) and I_16x16, and
 * mb_qp_delta is always 0; neither I_PCM nor partitions are ever written.
 */
final class CabacSyntax {

  private static final int SKIP = 0;
  private static final int INTER = 1;
  private static final int INTRA_4X4 = 2;
  private static final int INTRA_16X16 = 3;

  /** First context of each syntax element (table 9-34), frame coding. */
  private static final int MB_TYPE_I = 3;
  private static final int MB_SKIP = 11;
  private static final int MB_TYPE_P = 14;
  private static final int MB_TYPE_P_INTRA = 17;
  private static final int MVD_X = 40;
  private static final int MVD_Y = 47;
  private static final int QP_DELTA = 60;
  private static final int CHROMA_MODE = 64;
  private static final int PREV_INTRA_MODE = 68;
  private static final int REM_INTRA_MODE = 69;
  private static final int CBP_LUMA = 73;
  private static final int CBP_CHROMA = 77;
  /** ctxIdxInc of the mvd prefix's bins after the first (clause 9.3.3.1.2). */
  private static final int[] MVD_INC = {0, 3, 4, 5, 6, 6, 6, 6, 6};

  /**
   * Bits of a macroblock's coded_block_flags as its neighbours read them: luma 4x4 blocks (raster
   * order), then chroma AC blocks (component * 4 + raster), chroma DC per component, Intra 16x16
   * luma DC. A block not coded (its 8x8 outside the coded block pattern, or a skipped macroblock)
   * reads as 0, which is what clause 9.3.3.1.1.9 asks of a block that is not available.
   */
  private static final int CHROMA_AC_BIT = 16;
  private static final int CHROMA_DC_BIT = 24;
  private static final int LUMA_DC_BIT = 26;

  private final CabacCoder coder;
  private final CabacResidual blocks;
  private final int mbW;
  private final int mbCount;
  private final byte[] kind;
  /** coded_block_pattern (luma | chroma << 4), 0 for a skipped macroblock. */
  private final byte[] cbp;
  private final byte[] chromaMode;
  /** |mvd| of x and y (each at most 0xFFFF), 0 for skipped and intra macroblocks. */
  private final int[] absMvd;
  private final int[] codedBlocks;

  private int current;
  /** Neighbours of the current macroblock: their index, -1 outside the picture. */
  private int left;
  private int top;
  private boolean intra;
  /** coded_block_flags of the current macroblock so far (as {@link #codedBlocks}). */
  private int coded;

  CabacSyntax(int mbW, int mbH) {
    this.mbW = mbW;
    this.mbCount = mbW * mbH;
    this.kind = new byte[mbCount];
    this.cbp = new byte[mbCount];
    this.chromaMode = new byte[mbCount];
    this.absMvd = new int[mbCount];
    this.codedBlocks = new int[mbCount];
    // Room for a picture's slice at 96 bytes a macroblock (720p 346 KB, 1080p 783 KB); the largest
    // pictures measured, the path photo's IDR pictures, take 78 (720p) and 71 (1080p) at medium and
    // high quality. So the buffer does not grow in the middle of a render, where that rarely taken
    // branch made C2 throw away the compiled residual writer and compile it again (the first
    // video's JFR, stop 25).
    this.coder = new CabacCoder(mbCount * 96);
    this.blocks = new CabacResidual(coder);
  }

  void startSlice(boolean intraSlice, int cabacInitIdc, int qp) {
    coder.start(intraSlice, cabacInitIdc, qp);
  }

  /** A P_Skip macroblock. */
  void skip(int mbX, int mbY) {
    at(mbX, mbY, false);
    skipFlag(1);
    remember(SKIP, 0, 0, 0);
  }

  /** A P_L0_16x16 macroblock with its vector difference and residual. */
  void inter(int mbX, int mbY, int mvdX, int mvdY, int cbpLuma, int cbpChroma, Residual residual) {
    at(mbX, mbY, false);
    skipFlag(0);
    coder.decision(MB_TYPE_P, 0);
    coder.decision(MB_TYPE_P + 1, 0);
    coder.decision(MB_TYPE_P + 2, 0);
    int a = left >= 0 ? absMvd[left] : 0;
    int b = top >= 0 ? absMvd[top] : 0;
    mvd(MVD_X, mvdX, (a & 0xFFFF) + (b & 0xFFFF));
    mvd(MVD_Y, mvdY, (a >>> 16) + (b >>> 16));
    int pattern = cbpLuma | cbpChroma << 4;
    patternAndResidual(pattern, residual);
    remember(INTER, pattern, 0, Math.min(Math.abs(mvdX), 0xFFFF) | Math.min(Math.abs(mvdY), 0xFFFF) << 16);
  }

  /**
   * coded_block_pattern, then (where it codes anything) mb_qp_delta and the 4x4 luma and chroma blocks:
   * the tail that P_L0_16x16 and I_NxN share.
   */
  private void patternAndResidual(int pattern, Residual residual) {
    codedBlockPattern(pattern);
    if (pattern != 0) {
      coder.decision(QP_DELTA, 0);
      luma(residual, pattern & 15, CabacResidual.LUMA_4X4);
      chroma(residual, pattern >> 4);
    }
  }

  /** An I_16x16 macroblock: {@code cbpLuma} 0 or 15. */
  void intra16x16(int mbX, int mbY, boolean inPSlice, int lumaMode, int chromaPredMode, int cbpLuma, int cbpChroma,
      Residual residual) {
    at(mbX, mbY, true);
    // The bins of table 9-36 after the first: not I_PCM, luma AC, chroma pattern, prediction mode;
    // their contexts (table 9-39) differ between the I slice's mb_type and the P slice's suffix.
    int ctx;
    if (inPSlice) {
      skipFlag(0);
      coder.decision(MB_TYPE_P, 1);
      coder.decision(MB_TYPE_P_INTRA, 1);
      ctx = MB_TYPE_P_INTRA;
    } else {
      coder.decision(MB_TYPE_I + intraTypeInc(), 1);
      ctx = MB_TYPE_I + 2;
    }
    coder.terminate();
    coder.decision(ctx + 1, cbpLuma != 0 ? 1 : 0);
    coder.decision(ctx + 2, cbpChroma != 0 ? 1 : 0);
    if (cbpChroma != 0) {
      coder.decision(inPSlice ? ctx + 2 : ctx + 3, cbpChroma == 2 ? 1 : 0);
    }
    coder.decision(inPSlice ? ctx + 3 : ctx + 4, lumaMode >> 1);
    coder.decision(inPSlice ? ctx + 3 : ctx + 5, lumaMode & 1);
    intraChromaPredMode(chromaPredMode);
    coder.decision(QP_DELTA, 0);
    int[] dc = residual.lumaDcLevels();
    if (blocks.write(dc, 0, 16, true, CabacResidual.LUMA_DC, lumaDcInc())) {
      coded |= 1 << LUMA_DC_BIT;
    }
    luma(residual, cbpLuma, CabacResidual.LUMA_AC);
    chroma(residual, cbpChroma);
    remember(INTRA_16X16, cbpLuma | cbpChroma << 4, chromaPredMode, 0);
  }

  /** An I_NxN macroblock with the 4x4 prediction modes {@code modes} chose. */
  void intra4x4(int mbX, int mbY, boolean inPSlice, Intra4x4Coder modes, int chromaPredMode, int cbpLuma,
      int cbpChroma, Residual residual) {
    at(mbX, mbY, true);
    if (inPSlice) {
      skipFlag(0);
      coder.decision(MB_TYPE_P, 1);
      coder.decision(MB_TYPE_P_INTRA, 0);
    } else {
      coder.decision(MB_TYPE_I + intraTypeInc(), 0);
    }
    for (int i = 0; i < 16; i++) {
      int rem = modes.remainingMode(Residual.blockIndex(i >> 2, i & 3));
      if (rem < 0) {
        coder.decision(PREV_INTRA_MODE, 1);
      } else {
        coder.decision(PREV_INTRA_MODE, 0);
        coder.decision(REM_INTRA_MODE, rem & 1);
        coder.decision(REM_INTRA_MODE, rem >> 1 & 1);
        coder.decision(REM_INTRA_MODE, rem >> 2);
      }
    }
    intraChromaPredMode(chromaPredMode);
    int pattern = cbpLuma | cbpChroma << 4;
    patternAndResidual(pattern, residual);
    remember(INTRA_4X4, pattern, chromaPredMode, 0);
  }

  /**
   * Ends the slice after its last macroblock: end_of_slice_flag 1 and the coder's flush, after the
   * header's cabac_alignment_one_bits, into {@code out}'s buffer; then as many cabac_zero_words as
   * the bin count limit asks for (see {@link #zeroWords}).
   */
  void finish(BitWriter out) {
    int length = coder.finish();
    while ((out.curBit() & 7) != 0) {
      out.write1Bit(1);
    }
    out.flush();
    ByteBuffer buffer = out.getBuffer();
    buffer.put(coder.bytes(), 0, length);
    for (int words = zeroWords(coder.bins(), buffer.position()); words > 0; words--) {
      buffer.putShort((short) 0);
    }
  }

  /**
   * cabac_zero_words needed after a slice of {@code bytes} bytes (header included) that coded
   * {@code bins} bins: a picture may code at most 32/3 bins per byte plus 96 per macroblock (clause
   * 7.4.2.10, RawMbBits 3072 / 32). Our pictures stay far below it: a skipped macroblock takes two
   * bins, and coefficients cost bytes. But a run of highly probable bins costs as little as 0.03
   * bits each, so a flat picture at a low QP with many tiny residuals could come near; the words
   * cost nothing when not needed. Each word counts two bytes here (three in the NAL unit, with
   * its emulation prevention byte).
   */
  private int zeroWords(int bins, int bytes) {
    long needed = ((long) (bins - 96L * mbCount) * 3 + 31) / 32;
    return needed > bytes ? (int) ((needed - bytes + 1) / 2) : 0;
  }

  /** Starts macroblock ({@code mbX}, {@code mbY}); the one before it gets its end_of_slice_flag 0. */
  private void at(int mbX, int mbY, boolean intraMb) {
    current = mbY * mbW + mbX;
    if (current > 0) {
      coder.terminate();
    }
    left = mbX > 0 ? current - 1 : -1;
    top = mbY > 0 ? current - mbW : -1;
    intra = intraMb;
    coded = 0;
  }

  private void remember(int mbKind, int pattern, int chromaPredMode, int mvd) {
    kind[current] = (byte) mbKind;
    cbp[current] = (byte) pattern;
    chromaMode[current] = (byte) chromaPredMode;
    absMvd[current] = mvd;
    codedBlocks[current] = coded;
  }

  /** mb_skip_flag: its context counts the neighbours that are not skipped. */
  private void skipFlag(int skipped) {
    int inc = (left >= 0 && kind[left] != SKIP ? 1 : 0) + (top >= 0 && kind[top] != SKIP ? 1 : 0);
    coder.decision(MB_SKIP + inc, skipped);
  }

  /** ctxIdxInc of an I slice's mb_type: neighbours that are not I_NxN (all are intra there). */
  private int intraTypeInc() {
    return (left >= 0 && kind[left] != INTRA_4X4 ? 1 : 0) + (top >= 0 && kind[top] != INTRA_4X4 ? 1 : 0);
  }

  /**
   * One component of mvd_l0: UEG3 with a prefix of up to 9 context-coded bins, the first one's
   * context chosen by the neighbours' summed |mvd| in this component.
   */
  private void mvd(int ctx, int value, int neighbours) {
    int inc = neighbours < 3 ? 0 : neighbours <= 32 ? 1 : 2;
    int abs = Math.abs(value);
    if (abs == 0) {
      coder.decision(ctx + inc, 0);
      return;
    }
    coder.decision(ctx + inc, 1);
    int prefix = Math.min(abs, 9);
    for (int bin = 1; bin < prefix; bin++) {
      coder.decision(ctx + MVD_INC[bin], 1);
    }
    if (abs < 9) {
      coder.decision(ctx + MVD_INC[prefix], 0);
    } else {
      coder.expGolomb(abs - 9, 3);
    }
    coder.bypass(value < 0 ? 1 : 0);
  }

  /**
   * coded_block_pattern: four luma bits, each with a context from the 8x8 blocks left and above
   * (uncoded ones count; outside the picture they read as coded), then the chroma part as a
   * truncated unary code whose contexts ask whether the neighbours had chroma.
   */
  private void codedBlockPattern(int pattern) {
    int leftLuma = left >= 0 ? cbp[left] : 0x0F;
    int topLuma = top >= 0 ? cbp[top] : 0x0F;
    for (int b8 = 0; b8 < 4; b8++) {
      int a = (b8 & 1) != 0 ? pattern >> (b8 - 1) : leftLuma >> (b8 + 1);
      int b = b8 >= 2 ? pattern >> (b8 - 2) : topLuma >> (b8 + 2);
      coder.decision(CBP_LUMA + ((~a & 1) + 2 * (~b & 1)), pattern >> b8 & 1);
    }
    int leftChroma = left >= 0 ? cbp[left] >> 4 : 0;
    int topChroma = top >= 0 ? cbp[top] >> 4 : 0;
    int chroma = pattern >> 4;
    coder.decision(CBP_CHROMA + (leftChroma != 0 ? 1 : 0) + (topChroma != 0 ? 2 : 0), chroma != 0 ? 1 : 0);
    if (chroma != 0) {
      coder.decision(CBP_CHROMA + 4 + (leftChroma == 2 ? 1 : 0) + (topChroma == 2 ? 2 : 0), chroma == 2 ? 1 : 0);
    }
  }

  /** intra_chroma_pred_mode, truncated unary; the first bin's context counts intra neighbours with a mode other than DC. */
  private void intraChromaPredMode(int mode) {
    int inc = (left >= 0 && kind[left] >= INTRA_4X4 && chromaMode[left] != 0 ? 1 : 0)
        + (top >= 0 && kind[top] >= INTRA_4X4 && chromaMode[top] != 0 ? 1 : 0);
    coder.decision(CHROMA_MODE + inc, mode != 0 ? 1 : 0);
    if (mode != 0) {
      coder.decision(CHROMA_MODE + 3, mode != 1 ? 1 : 0);
      if (mode != 1) {
        coder.decision(CHROMA_MODE + 3, mode != 2 ? 1 : 0);
      }
    }
  }

  /** The luma 4x4 blocks (category {@code cat}: Intra 16x16 AC or plain 4x4) of the 8x8 blocks in {@code cbpLuma}. */
  private void luma(Residual residual, int cbpLuma, int cat) {
    int first = cat == CabacResidual.LUMA_AC ? 1 : 0;
    for (int i8 = 0; i8 < 4; i8++) {
      if ((cbpLuma & (1 << i8)) == 0) {
        continue;
      }
      for (int b = 0; b < 4; b++) {
        int blk = Residual.blockIndex(i8, b);
        if (blocks.write(residual.lumaLevels(blk), first, 16 - first, true, cat, lumaInc(blk))) {
          coded |= 1 << blk;
        }
      }
    }
  }

  private void chroma(Residual residual, int cbpChroma) {
    if (cbpChroma == 0) {
      return;
    }
    for (int c = 0; c < 2; c++) {
      if (blocks.write(residual.chromaDcLevels(c), 0, 4, false, CabacResidual.CHROMA_DC, chromaDcInc(c))) {
        coded |= 1 << (CHROMA_DC_BIT + c);
      }
    }
    if (cbpChroma == 2) {
      for (int c = 0; c < 2; c++) {
        for (int blk = 0; blk < 4; blk++) {
          if (blocks.write(residual.chromaLevels(c, blk), 1, 15, true, CabacResidual.CHROMA_AC,
              chromaAcInc(c, blk))) {
            coded |= 1 << (CHROMA_AC_BIT + c * 4 + blk);
          }
        }
      }
    }
  }

  /**
   * coded_block_flag's context for a block whose neighbour in another macroblock is bit
   * {@code bit} of that macroblock's flags: outside the picture it counts as coded for an intra
   * macroblock, as not coded for an inter one.
   */
  private int neighbourFlag(int mb, int bit) {
    return mb < 0 ? (intra ? 1 : 0) : codedBlocks[mb] >> bit & 1;
  }

  private int lumaInc(int blk) {
    int a = (blk & 3) != 0 ? coded >> (blk - 1) & 1 : neighbourFlag(left, blk + 3);
    int b = blk >= 4 ? coded >> (blk - 4) & 1 : neighbourFlag(top, blk + 12);
    return a + 2 * b;
  }

  /** Only an Intra 16x16 neighbour has a luma DC block; the others' bit is 0. */
  private int lumaDcInc() {
    return neighbourFlag(left, LUMA_DC_BIT) + 2 * neighbourFlag(top, LUMA_DC_BIT);
  }

  private int chromaDcInc(int c) {
    return neighbourFlag(left, CHROMA_DC_BIT + c) + 2 * neighbourFlag(top, CHROMA_DC_BIT + c);
  }

  private int chromaAcInc(int c, int blk) {
    int bit = CHROMA_AC_BIT + c * 4;
    int a = (blk & 1) != 0 ? coded >> (bit + blk - 1) & 1 : neighbourFlag(left, bit + blk + 1);
    int b = blk >= 2 ? coded >> (bit + blk - 2) & 1 : neighbourFlag(top, bit + blk + 2);
    return a + 2 * b;
  }
}
