package io.stillmotion.render;

import java.io.IOException;
import java.io.InterruptedIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * The image bytes as an ImageIO stream without a copy (ImageIO's own stream over a byte array caches
 * a second copy of everything read), that fails every read once the decode is past its deadline or
 * its thread was interrupted. Decoders read as they go, so a decode that runs too long is stopped
 * at its next read instead of burning its thread.
 */
final class DeadlineImageInputStream extends ImageInputStreamImpl {

  /** Thrown from a read past the deadline; the decoder's caller turns it into a rejection. */
  static final class DeadlinePassed extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    DeadlinePassed() {
      super("decode time limit reached");
    }
  }

  private static final int CHECK_EVERY = 4096;

  private final byte[] data;
  private final long deadlineNanos;
  private int untilCheck = CHECK_EVERY;
  private volatile boolean expired;

  DeadlineImageInputStream(byte[] data, long deadlineNanos) {
    this.data = data;
    this.deadlineNanos = deadlineNanos;
  }

  boolean expired() {
    return expired;
  }

  @Override
  public int read() throws IOException {
    if (--untilCheck <= 0) {
      check();
    }
    bitOffset = 0;
    if (streamPos >= data.length) {
      return -1;
    }
    return data[(int) streamPos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    check();
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos >= data.length) {
      return -1;
    }
    int n = (int) Math.min(len, data.length - streamPos);
    System.arraycopy(data, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return data.length;
  }

  private void check() throws DeadlinePassed {
    untilCheck = CHECK_EVERY;
    if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
      expired = true;
      throw new DeadlinePassed();
    }
  }
}
