package io.stillmotion.telemetry;

import org.slf4j.Logger;

/**
 * The log of a periodic job that fails while something it needs is away (MongoDB restarting, the broker
 * down): one {@code WARN} when it starts failing, {@code DEBUG} while it goes on failing, one {@code INFO}
 * when it works again. An outage of minutes is then two lines, not one per period, and its end is in the
 * log too. One per job; call it from one thread (the job's event loop).
 */
public final class OutageLog {

  private final Logger log;
  private final String job;
  private boolean failing;

  /** {@code job} names the job in the lines, e.g. "stale task sweep (every 750 ms)". */
  public OutageLog(Logger log, String job) {
    this.log = log;
    this.job = job;
  }

  /** A run of the job failed. */
  public void failed(Throwable cause) {
    if (!failing) {
      log.warn("{} failed: {} (tried again every period; logged again once it works)", job, cause.getMessage());
    } else {
      log.debug("{} failed again: {}", job, cause.getMessage());
    }
    failing = true;
  }

  /** A run of the job worked. */
  public void worked() {
    if (failing) {
      log.info("{} works again", job);
    }
    failing = false;
  }

  /** The outcome of one run. */
  public void record(io.vertx.core.AsyncResult<?> run) {
    if (run.failed()) {
      failed(run.cause());
    } else {
      worked();
    }
  }
}
