package io.stillmotion.worker;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import io.stillmotion.render.RenderCancelledException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.RenderSpec;
import io.stillmotion.render.VideoRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Renders one short video from a made-up photo when the first worker of a JVM starts, so that the
 * JIT has compiled the decoder, the frame sampler and the encoder before the first real task: that
 * task otherwise pays for it, about twice the render time of the next ones (JFR: most of the
 * render path's compilations fall inside the first task). Runs on its own daemon thread, never on
 * the event loop, and does not hold the worker's readiness back; it stops as soon as a real task is
 * being rendered, so that it never takes CPU from one (what it compiled so far stays compiled). Once
 * per JVM, since compiled code is shared by every worker in it; never with the system property
 * {@code stillmotion.renderWarmUp=false} (the test suites set it).
 *
 * <p>A process that starts more than a worker (the standalone jar: embedded database and broker
 * first) can start it earlier, with {@link #startEarly}: then it runs on a renderer of its own at the
 * lowest scheduling priority (Linux nice 19, which the threads it starts inherit), so that it only
 * takes CPU that the start and the tasks leave idle, and it runs to the end instead of stopping for
 * a task. Where the priority cannot be lowered it does not start early, and the worker's start
 * starts it as above.
 */
public final class RenderWarmUp {

  private static final Logger log = LoggerFactory.getLogger(RenderWarmUp.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final AtomicBoolean STARTED_EARLY = new AtomicBoolean();
  /** Set by {@link #startEarly}: completes with whether that warm-up runs at the lowest priority. */
  private static volatile CompletableFuture<Boolean> early;
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
    CompletableFuture<Boolean> lowPriority = early;
    if (lowPriority != null) {
      // Never blocks (the caller may be an event loop): the early warm-up knows within milliseconds.
      return lowPriority.thenCompose(low -> low ? CompletableFuture.<Void>completedFuture(null)
          : startOnceNow(renderer, workDir, busy));
    }
    return startOnceNow(renderer, workDir, busy);
  }

  private static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("stillmotion.renderWarmUp", "true"));
  }

  private static CompletableFuture<Void> startOnceNow(VideoRenderer renderer, Path workDir, BooleanSupplier busy) {
    if (!enabled() || !STARTED.compareAndSet(false, true)) {
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
    thread.start();
    return done;
  }

  /**
   * Starts the warm-up now, before any worker, on a renderer of its own with {@code threads} threads,
   * at the lowest scheduling priority; once per JVM. Returns at once. Where the priority cannot be
   * lowered, it does not run, and the first worker's start starts the warm-up as usual.
   */
  public static void startEarly(int threads) {
    if (!enabled() || !STARTED_EARLY.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Boolean> lowPriority = new CompletableFuture<>();
    early = lowPriority;
    Thread thread = new Thread(() -> {
      boolean low = lowerOwnPriority();
      if (low) {
        // Before the worker can look: no other warm-up starts.
        STARTED.set(true);
      }
      lowPriority.complete(low);
      if (!low) {
        log.info("render warm-up not started early: could not lower its priority");
        return;
      }
      Path dir = null;
      try (VideoRenderer renderer = new VideoRenderer(threads)) {
        dir = Files.createTempDirectory("stillmotion-warm-up");
        run(renderer, dir, () -> false);
      } catch (IOException e) {
        log.info("render warm-up skipped: {}", e.toString());
      } finally {
        deleteTree(dir);
      }
    }, "stillmotion-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Gives the calling thread the lowest scheduling priority (nice 19; threads it starts inherit it)
   * with {@code renice}, Linux only, allowed to any user; true when its nice value reads 19 after.
   */
  static boolean lowerOwnPriority() {
    try {
      // "<pid>/task/<tid>": the kernel's id of this thread, which renice takes as a process id.
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
      String tid = self.getFileName().toString();
      Process renice = new ProcessBuilder("renice", "-n", "19", "-p", tid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!renice.waitFor(10, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
        return false;
      }
      return ownNice() == 19;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The calling thread's nice value, from /proc/thread-self/stat (field 19). */
  static int ownNice() throws IOException {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    // The command name (field 2) may hold spaces; it ends at the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Integer.parseInt(fields[16]);
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("could not delete {}: {}", dir, e.toString());
    }
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
      RenderResult result = renderer.render(photo(1600, 1000), SPEC, workDir, yieldToTasks);
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

  /** A JPEG with smooth gradients and fine texture, so that skip, inter and intra coding all run. */
  static byte[] photo(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    long seed = 42;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        int texture = (x / 40 + y / 40) % 2 == 0 ? (int) (seed >>> 58) : 0;
        int r = 255 * x / width;
        int g = 255 * y / height;
        int b = Math.min(255, 128 + texture * 2);
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    return out.toByteArray();
  }
}
