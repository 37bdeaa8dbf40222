package io.stillmotion.render;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shares a loop over an image's rows between the calling thread and idle helper threads, for the
 * steps that prepare a shot before its first frame can be drawn (colour conversion, resizing, the
 * pyramid's levels): without it one core does them while the others wait for the first frame.
 * The rows are cut into bands that threads claim one at a time, so the caller never waits for a
 * band nobody has started (when the helpers are busy, the caller simply does every band itself),
 * and the loop body computes each row the same way whichever thread runs it, so the result does
 * not depend on how the rows were shared.
 */
final class RowBands {

  /** Every row on the calling thread. */
  static final RowBands SERIAL = new RowBands(null, 0);

  /** A loop body over rows [from, to); it may run on several threads at once for disjoint ranges. */
  interface Body {
    void rows(int from, int to);
  }

  /** Bands per thread: enough that a helper starting late still takes its share. */
  private static final int BANDS_PER_THREAD = 4;
  /** Fewer rows than this per band are not worth a hand-over between threads. */
  private static final int MIN_ROWS_PER_BAND = 16;

  private final Executor helpers;
  private final int helperCount;

  /** {@code helperCount} tasks at most go to {@code helpers} (null: none) per loop. */
  RowBands(Executor helpers, int helperCount) {
    this.helpers = helpers;
    this.helperCount = helpers == null ? 0 : Math.max(0, helperCount);
  }

  /** Runs {@code body} over rows [0, rows) and returns once every row is done. */
  void run(int rows, Body body) {
    int threads = helperCount + 1;
    int bandRows = Math.max(MIN_ROWS_PER_BAND, -Math.floorDiv(-rows, threads * BANDS_PER_THREAD));
    int bands = -Math.floorDiv(-rows, bandRows);
    if (helperCount == 0 || bands < 2) {
      body.rows(0, rows);
      return;
    }
    Loop loop = new Loop(rows, bandRows, bands, body);
    for (int i = 0; i < Math.min(helperCount, bands - 1); i++) {
      try {
        helpers.execute(loop::work);
      } catch (RejectedExecutionException shutDown) {
        break;
      }
    }
    loop.work();
    loop.awaitBands();
  }

  /** One run's bands, claimed in order by whichever thread asks next. */
  private static final class Loop {
    private final int rows;
    private final int bandRows;
    private final int bands;
    private final Body body;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Loop(int rows, int bandRows, int bands, Body body) {
      this.rows = rows;
      this.bandRows = bandRows;
      this.bands = bands;
      this.body = body;
      this.done = new CountDownLatch(bands);
    }

    void work() {
      for (int band = next.getAndIncrement(); band < bands; band = next.getAndIncrement()) {
        try {
          if (failure.get() == null) {
            body.rows(band * bandRows, Math.min(rows, (band + 1) * bandRows));
          }
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }
    }

    /**
     * Waits for the bands helpers are still running (each a few milliseconds of work), deaf to
     * interrupts so no thread is left writing into arrays the caller already handed on; the
     * interrupt is kept for the caller's next blocking step. A band's failure is rethrown here.
     */
    void awaitBands() {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure.get();
      if (t instanceof RuntimeException re) {
        throw re;
      }
      if (t instanceof Error err) {
        throw err;
      }
    }
  }
}
