package io.stillmotion.render.h264;

/**
 * The sample filters of the deblocking filter (H.264 8.7.2.3 and 8.7.2.4) for one plane kind at one
 * QP: the thresholds alpha and beta and the clipping bounds tC0 are looked up once per picture,
 * since our pictures have one QP. Samples are jcodec's (value - 128): every filter is a difference
 * or a weighted mean whose weights add up to a power of two, so the offset passes through
 * unchanged and only the clipping range moves to -128..127.
 */
final class EdgeFilter {

  /** alpha' and beta' of Table 8-16 by indexA and indexB; below index 16 nothing is filtered. */
  private static final int[] ALPHA = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 5, 6, 7, 8, 9, 10, 12, 13,
      15, 17, 20, 22, 25, 28, 32, 36, 40, 45, 50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182, 203, 226,
      255, 255};
  private static final int[] BETA = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
      6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18};
  /** tC0' of Table 8-17 by bS (1 to 3) and indexA. */
  private static final int[][] TC0 = {
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
          1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
          1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 8, 10, 11, 12, 13, 15, 17},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
          1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 13, 14, 16, 18, 20, 23, 25}};

  private int alpha;
  private int beta;
  /** Threshold of the strong luma filter: |p0 - q0| must stay below it. */
  private int strongLimit;
  private final int[] tc0 = new int[4];

  /** Thresholds for a QP (the mean of both sides', one QP a picture here) and the slice's offsets. */
  void setQp(int qp, int alphaOffset, int betaOffset) {
    int indexA = Math.max(0, Math.min(51, qp + alphaOffset));
    int indexB = Math.max(0, Math.min(51, qp + betaOffset));
    alpha = ALPHA[indexA];
    beta = BETA[indexB];
    strongLimit = (alpha >> 2) + 2;
    for (int bS = 1; bS < 4; bS++) {
      tc0[bS] = TC0[bS - 1][indexA];
    }
  }

  /** False when no sample can change: alpha or beta is 0 and the first test fails everywhere. */
  boolean active() {
    return alpha > 0 && beta > 0;
  }

  /**
   * Filters 4 luma lines across an edge: {@code q} is the first line's q0, {@code across} the step
   * from q0 to q1, {@code along} the step to the next line.
   */
  void luma(byte[] s, int q, int across, int along, int bS) {
    for (int line = 0; line < 4; line++, q += along) {
      if (bS == 4) {
        strongLuma(s, q, across);
      } else {
        normalLuma(s, q, across, tc0[bS]);
      }
    }
  }

  /** Filters 2 chroma lines (4:2:0: a chroma line per two luma lines) across an edge; see {@link #luma}. */
  void chroma(byte[] s, int q, int across, int along, int bS) {
    for (int line = 0; line < 2; line++, q += along) {
      if (bS == 4) {
        strongChroma(s, q, across);
      } else {
        normalChroma(s, q, across, tc0[bS] + 1);
      }
    }
  }

  private void normalLuma(byte[] s, int q, int a, int tc0) {
    int p0 = s[q - a];
    int q0 = s[q];
    int p1 = s[q - 2 * a];
    int q1 = s[q + a];
    if (!edgeVisible(p0, q0, p1, q1)) {
      return;
    }
    int p2 = s[q - 3 * a];
    int q2 = s[q + 2 * a];
    boolean filterP1 = Math.abs(p2 - p0) < beta;
    boolean filterQ1 = Math.abs(q2 - q0) < beta;
    int tc = tc0 + (filterP1 ? 1 : 0) + (filterQ1 ? 1 : 0);
    int delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
    s[q - a] = sample(p0 + delta);
    s[q] = sample(q0 - delta);
    // p1 + clip3(-tc0, tc0, (p2 + avg - 2 p1) >> 1) lies between p1 and (p2 + avg) / 2: never out of range.
    int average = (p0 + q0 + 1) >> 1;
    if (filterP1) {
      s[q - 2 * a] = (byte) (p1 + clip3(-tc0, tc0, (p2 + average - (p1 << 1)) >> 1));
    }
    if (filterQ1) {
      s[q + a] = (byte) (q1 + clip3(-tc0, tc0, (q2 + average - (q1 << 1)) >> 1));
    }
  }

  /** bS 4 (an intra macroblock's edge): smooths up to three samples a side where the edge is flat. */
  private void strongLuma(byte[] s, int q, int a) {
    int p0 = s[q - a];
    int q0 = s[q];
    int p1 = s[q - 2 * a];
    int q1 = s[q + a];
    if (!edgeVisible(p0, q0, p1, q1)) {
      return;
    }
    int p2 = s[q - 3 * a];
    int q2 = s[q + 2 * a];
    boolean small = Math.abs(p0 - q0) < strongLimit;
    if (small && Math.abs(p2 - p0) < beta) {
      int p3 = s[q - 4 * a];
      s[q - a] = (byte) ((p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3);
      s[q - 2 * a] = (byte) ((p2 + p1 + p0 + q0 + 2) >> 2);
      s[q - 3 * a] = (byte) ((2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3);
    } else {
      s[q - a] = (byte) ((2 * p1 + p0 + q1 + 2) >> 2);
    }
    if (small && Math.abs(q2 - q0) < beta) {
      int q3 = s[q + 3 * a];
      s[q] = (byte) ((p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3);
      s[q + a] = (byte) ((p0 + q0 + q1 + q2 + 2) >> 2);
      s[q + 2 * a] = (byte) ((2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3);
    } else {
      s[q] = (byte) ((2 * q1 + q0 + p1 + 2) >> 2);
    }
  }

  private void normalChroma(byte[] s, int q, int a, int tc) {
    int p0 = s[q - a];
    int q0 = s[q];
    int p1 = s[q - 2 * a];
    int q1 = s[q + a];
    if (!edgeVisible(p0, q0, p1, q1)) {
      return;
    }
    int delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
    s[q - a] = sample(p0 + delta);
    s[q] = sample(q0 - delta);
  }

  private void strongChroma(byte[] s, int q, int a) {
    int p0 = s[q - a];
    int q0 = s[q];
    int p1 = s[q - 2 * a];
    int q1 = s[q + a];
    if (!edgeVisible(p0, q0, p1, q1)) {
      return;
    }
    s[q - a] = (byte) ((2 * p1 + p0 + q1 + 2) >> 2);
    s[q] = (byte) ((2 * q1 + q0 + p1 + 2) >> 2);
  }

  /** A step across the edge smaller than alpha between sides flatter than beta: a coding artefact, not a detail. */
  private boolean edgeVisible(int p0, int q0, int p1, int q1) {
    return Math.abs(p0 - q0) < alpha && Math.abs(p1 - p0) < beta && Math.abs(q1 - q0) < beta;
  }

  private static int clip3(int low, int high, int v) {
    return v < low ? low : Math.min(v, high);
  }

  private static byte sample(int v) {
    return (byte) (v < -128 ? -128 : Math.min(v, 127));
  }
}
