package io.stillmotion.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits on a Vert.x {@link Future} from a test thread: {@code get(vertx.deployVerticle(v))}. The
 * limit is generous on purpose: it only turns a hung step into a failure instead of a hung build, so
 * a slow, loaded machine never fails a test that a fast one passes. Use with a static import.
 */
public final class Futures {

  /** How long one step of a test may take before it counts as hung. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Futures() {
  }

  /**
   * The future's result.
   *
   * @throws ExecutionException wrapping the future's failure
   * @throws TimeoutException   when it did not complete within {@link #TIMEOUT}
   */
  public static <T> T get(Future<T> future) throws Exception {
    return get(future, TIMEOUT);
  }

  /** The future's result within the given time (e.g. for steps that restart a broker). */
  public static <T> T get(Future<T> future, Duration timeout) throws Exception {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("get(Future) blocks: call it from the test thread, never on an event loop");
    }
    return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The same as {@link #get(Future)}, for tests that read better with {@code await(...)}. */
  public static <T> T await(Future<T> future) throws Exception {
    return get(future);
  }
}
