package io.stillmotion.render.h264;

/**
 * The motion vector (quarter pel) and reference of every macroblock coded so far in a picture,
 * and the two predictions the standard derives from the neighbours (8.4.1.3 and 8.4.1.1): the
 * median predictor that motion vector differences are coded against, and the vector a P_Skip
 * macroblock implies. One slice per picture, so a neighbour is available when it is in the picture.
 */
final class MotionField {

  private static final int INTRA = -1;

  private final int mbW;
  private final int[] mvX;
  private final int[] mvY;
  private final int[] ref;

  MotionField(int mbW, int mbH) {
    this.mbW = mbW;
    this.mvX = new int[mbW * mbH];
    this.mvY = new int[mbW * mbH];
    this.ref = new int[mbW * mbH];
  }

  void setInter(int mbX, int mbY, int x, int y) {
    int i = mbY * mbW + mbX;
    mvX[i] = x;
    mvY[i] = y;
    ref[i] = 0;
  }

  void setIntra(int mbX, int mbY) {
    int i = mbY * mbW + mbX;
    mvX[i] = 0;
    mvY[i] = 0;
    ref[i] = INTRA;
  }

  /** Predicted vector for P_L0_16x16, packed by {@link #pack}. */
  long median(int mbX, int mbY) {
    boolean hasA = mbX > 0;
    boolean hasB = mbY > 0;
    boolean hasC = mbY > 0 && mbX + 1 < mbW;
    boolean hasD = mbX > 0 && mbY > 0;
    int a = hasA ? mbY * mbW + mbX - 1 : -1;
    int b = hasB ? (mbY - 1) * mbW + mbX : -1;
    int c = hasC ? (mbY - 1) * mbW + mbX + 1 : hasD ? (mbY - 1) * mbW + mbX - 1 : -1;
    if (b < 0 && c < 0 && a >= 0) {
      return pack(mvX[a], mvY[a]);
    }
    int refA = refOf(a);
    int refB = refOf(b);
    int refC = refOf(c);
    int matches = (refA == 0 ? 1 : 0) + (refB == 0 ? 1 : 0) + (refC == 0 ? 1 : 0);
    if (matches == 1) {
      int only = refA == 0 ? a : refB == 0 ? b : c;
      return pack(mvX[only], mvY[only]);
    }
    return pack(median(xOf(a), xOf(b), xOf(c)), median(yOf(a), yOf(b), yOf(c)));
  }

  /** The vector a P_Skip macroblock at this position would use, packed by {@link #pack}. */
  long skip(int mbX, int mbY) {
    if (mbX == 0 || mbY == 0) {
      return pack(0, 0);
    }
    int a = mbY * mbW + mbX - 1;
    int b = (mbY - 1) * mbW + mbX;
    if (ref[a] == 0 && mvX[a] == 0 && mvY[a] == 0 || ref[b] == 0 && mvX[b] == 0 && mvY[b] == 0) {
      return pack(0, 0);
    }
    return median(mbX, mbY);
  }

  static long pack(int x, int y) {
    return ((long) x << 32) | (y & 0xffffffffL);
  }

  static int unpackX(long mv) {
    return (int) (mv >> 32);
  }

  static int unpackY(long mv) {
    return (int) mv;
  }

  private int refOf(int i) {
    return i < 0 ? INTRA : ref[i];
  }

  private int xOf(int i) {
    return i < 0 || ref[i] == INTRA ? 0 : mvX[i];
  }

  private int yOf(int i) {
    return i < 0 || ref[i] == INTRA ? 0 : mvY[i];
  }

  private static int median(int a, int b, int c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
