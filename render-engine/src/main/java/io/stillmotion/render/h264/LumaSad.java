package io.stillmotion.render.h264;

/**
 * The SAD kernel of {@link QuarterPelPlanes#sad16x16}: holds one macroblock's 16x16 luma source in
 * the form its kernel compares with (a macroblock's source is compared with four or five candidate
 * predictions, so it is prepared once), and compares it with the rounded average of two 16x16 blocks
 * of the half-pel planes. {@link #create} picks the Vector API kernel when {@link Simd#ENABLED}, else
 * the scalar one; both give the same sums, predictions and block SADs. One per thread.
 */
abstract class LumaSad {

  /** The Vector API kernel when {@link Simd#ENABLED} (its class needs the incubating module), else the scalar one. */
  static LumaSad create() {
    return Simd.ENABLED ? new VectorLumaSad() : new SwarLumaSad();
  }

  /** Loads the macroblock at {@code at} of a jcodec plane (samples stored as value - 128). */
  abstract void load(byte[] plane, int at, int stride);

  /**
   * SAD of the loaded source against the rounded average of the blocks at {@code atA} of
   * {@code planeA} and {@code atB} of {@code planeB} (planes of unsigned samples, rows
   * {@code stride} apart), as {@link QuarterPelPlanes#sad16x16} describes it: the prediction
   * (stored as jcodec stores samples) into {@code prediction}, the 4x4 blocks' SADs in raster order
   * into {@code blockSads}, both whole when the SAD returned is below {@code limit}; otherwise the
   * kernel may stop early and return any partial sum at or above the limit.
   */
  abstract int sad16x16(byte[] planeA, int atA, byte[] planeB, int atB, int stride, int limit, byte[] prediction,
      int[] blockSads);
}
