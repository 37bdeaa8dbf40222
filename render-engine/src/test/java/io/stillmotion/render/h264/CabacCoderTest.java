package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.jcodec.codecs.common.biari.MConst;
import org.jcodec.codecs.h264.decode.CABACContst;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CabacCoder} against the arithmetic encoder exactly as clause 9.3.4.2 spells it out: one
 * output bit at a time, outstanding bits counted, the first bit dropped, the flush of 9.3.4.5.
 */
class CabacCoderTest {

  @Test
  @DisplayName("random decisions, bypass and terminating bins give the bytes of the standard's bit-serial encoder")
  void matchesTheStandardsEncoder() {
    Random random = new Random(5);
    // A small buffer: the longer trials make it grow, with carries across the old end.
    CabacCoder coder = new CabacCoder(16);
    for (int trial = 0; trial < 400; trial++) {
      boolean intra = random.nextBoolean();
      int idc = random.nextInt(3);
      int qp = random.nextInt(52);
      coder.start(intra, idc, qp);
      Reference reference = new Reference(intra, idc, qp);
      int count = 1 + random.nextInt(trial < 200 ? 40 : 20000);
      // Skewed bins make long runs of 0xFF bytes and carries through them; some contexts stay fair.
      double skew = random.nextDouble();
      for (int i = 0; i < count; i++) {
        int kind = random.nextInt(20);
        int ctx = random.nextInt(8) * 31 + 11;
        int bin = random.nextDouble() < skew ? ctx & 1 : random.nextInt(2);
        if (kind == 0) {
          coder.bypass(bin);
          reference.bypass(bin);
        } else if (kind == 1) {
          coder.terminate();
          reference.terminate(0);
        } else {
          coder.decision(ctx, bin);
          reference.decision(ctx, bin);
        }
      }
      int length = coder.finish();
      reference.terminate(1);
      assertThat(Arrays.copyOf(coder.bytes(), length)).as("trial %d, %d bins", trial, count)
          .isEqualTo(reference.bytes());
      assertThat(coder.bins()).isEqualTo(count + 1);
    }
  }

  /** The encoder of clause 9.3.4.2, bit by bit. */
  private static final class Reference {
    private final int[] state = new int[CabacCoder.CONTEXTS];
    private final int[] mps = new int[CabacCoder.CONTEXTS];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int low;
    private int range = 510;
    private boolean firstBit = true;
    private int outstanding;
    private int current;
    private int bits;

    Reference(boolean intra, int idc, int qp) {
      int[] m = intra ? CABACContst.cabac_context_init_I_A : CABACContst.cabac_context_init_PB_A[idc];
      int[] n = intra ? CABACContst.cabac_context_init_I_B : CABACContst.cabac_context_init_PB_B[idc];
      for (int ctx = 0; ctx < state.length; ctx++) {
        int pre = Math.max(1, Math.min(126, ((m[ctx] * Math.max(0, Math.min(51, qp))) >> 4) + n[ctx]));
        state[ctx] = pre <= 63 ? 63 - pre : pre - 64;
        mps[ctx] = pre <= 63 ? 0 : 1;
      }
    }

    void decision(int ctx, int bin) {
      int lps = MConst.rangeLPS[(range >> 6) & 3][state[ctx]];
      range -= lps;
      if (bin != mps[ctx]) {
        low += range;
        range = lps;
        if (state[ctx] == 0) {
          mps[ctx] = 1 - mps[ctx];
        }
        state[ctx] = MConst.transitLPS[state[ctx]];
      } else {
        state[ctx] = Math.min(state[ctx] + 1, 62);
      }
      renormalise();
    }

    void bypass(int bin) {
      low <<= 1;
      if (bin != 0) {
        low += range;
      }
      if (low >= 1024) {
        putBit(1);
        low -= 1024;
      } else if (low < 512) {
        putBit(0);
      } else {
        low -= 512;
        outstanding++;
      }
    }

    void terminate(int bin) {
      range -= 2;
      if (bin != 0) {
        low += range;
        range = 2;
        renormalise();
        putBit((low >> 9) & 1);
        write(((low >> 7) & 3) | 1, 2);
      } else {
        renormalise();
      }
    }

    private void renormalise() {
      while (range < 256) {
        if (low < 256) {
          putBit(0);
        } else if (low >= 512) {
          low -= 512;
          putBit(1);
        } else {
          low -= 256;
          outstanding++;
        }
        range <<= 1;
        low <<= 1;
      }
    }

    private void putBit(int bit) {
      if (firstBit) {
        firstBit = false;
      } else {
        write(bit, 1);
      }
      for (; outstanding > 0; outstanding--) {
        write(1 - bit, 1);
      }
    }

    private void write(int value, int n) {
      for (int i = n - 1; i >= 0; i--) {
        current = current << 1 | (value >> i & 1);
        if (++bits == 8) {
          out.write(current);
          current = 0;
          bits = 0;
        }
      }
    }

    /** The bytes written, the last one padded with zeros. */
    byte[] bytes() {
      if (bits > 0) {
        out.write(current << (8 - bits));
      }
      return out.toByteArray();
    }
  }
}
