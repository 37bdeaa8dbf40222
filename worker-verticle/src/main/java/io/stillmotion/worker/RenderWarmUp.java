package io.stillmotion.worker;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import io.stillmotion.render.RenderCancelledException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.RenderSpec;
import io.stillmotion.render.SamplePhoto;
import io.stillmotion.render.VideoRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Renders one short video from a made-up photo when the first worker of a JVM starts, so that the
 * JIT has compiled the decoder, the frame sampler and the encoder before the first real task: that
 * task otherwise pays for it, about twice the render time of the next ones (JFR: most of the
 * render path's compilations fall inside the first task). Runs on its own daemon thread, never on
 * the event loop, and does not hold the worker's readiness back; it stops as soon as a real task is
 * being rendered, so that it never takes CPU from one (what it compiled so far stays compiled). Once
 * per JVM, since compiled code is shared by every worker in it; never with the system property
 * {@code stillmotion.renderWarmUp=false} (the test suites set it).
 */
final class RenderWarmUp {

  private static final Logger log = LoggerFactory.getLogger(RenderWarmUp.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  /** A second of 720p30: every macroblock path runs thousands of times, enough for the JIT's top tier. */
  private static final RenderSpec SPEC = new RenderSpec(Effect.KEN_BURNS, 1, 30, 1280, 720, Easing.EASE_IN_OUT,
      0.5, 0.5, Quality.MEDIUM);

  private RenderWarmUp() {
  }

  /**
   * Starts the warm-up unless this JVM already ran one; completes when it is over (never fails).
   *
   * @param busy true while the worker renders a task: the warm-up then stops
   */
  static CompletableFuture<Void> startOnce(VideoRenderer renderer, Path workDir, BooleanSupplier busy) {
    if (!Boolean.parseBoolean(System.getProperty("stillmotion.renderWarmUp", "true"))
        || !STARTED.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        run(renderer, workDir, busy);
      } finally {
        done.complete(null);
      }
    }, "stillmotion-warm-up");
    thread.setDaemon(true);
    // Batch work, like a render's own threads (VideoRenderer): the JIT and the event loops go first.
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    return done;
  }

  /** Blocking: the warm-up render; true when it ran to the end. */
  static boolean run(VideoRenderer renderer, Path workDir, BooleanSupplier busy) {
    long start = System.nanoTime();
    RenderListener yieldToTasks = new RenderListener() {
      @Override
      public boolean isCancelled() {
        return busy.getAsBoolean();
      }
    };
    try {
      // Making the sample JPEG takes a cold JVM a quarter of a second; not for a task already waiting.
      if (busy.getAsBoolean()) {
        throw new RenderCancelledException();
      }
      RenderResult result = renderer.render(SamplePhoto.jpeg(1600, 1000), SPEC, workDir, yieldToTasks);
      Files.deleteIfExists(result.video());
      log.info("render path warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (RenderCancelledException e) {
      log.info("render warm-up stopped after {} ms: a task is being rendered", (System.nanoTime() - start) / 1_000_000);
    } catch (Exception | OutOfMemoryError e) {
      // Only speed is at stake: the first task warms what this could not.
      log.info("render warm-up skipped: {}", e.toString());
    }
    return false;
  }
}
