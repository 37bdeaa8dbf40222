package io.stillmotion.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.stillmotion.render.audio.AudioTrack;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jcodec.common.model.Picture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images in, MP4 out. A {@link Story} (one image is the one-shot story) is laid out in frames
 * ({@link Timeline}); GOPs are rendered and encoded in parallel (each starting with an IDR frame,
 * one encoder per thread; a video with fewer GOPs than threads has each GOP's frames coded on
 * helper threads too), each preparing the shots it shows when it starts ({@link ShotSources}:
 * only the shots of the GOPs in flight are held, one decoded at a time), and muxed in order with
 * the soundtrack. At most {@code threads + 1} encoded GOPs wait in memory. Thread-safe; renders
 * may run concurrently and share the threads.
 */
public final class VideoRenderer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VideoRenderer.class);
  /** The working copy of a single image never exceeds this many pixels (about 6 bytes each). */
  static final long MAX_WORKING_PIXELS = 16_000_000L;
  /**
   * A story shot's working copy, before it is cropped to what its path shows: several shots may
   * be held at once (those of the GOPs in flight), so each gets less than a lone image.
   */
  static final long MAX_STORY_WORKING_PIXELS = 8_000_000L;

  private final int threads;
  private final VideoEncoder encoder;
  private final ImageGuard guard;
  private final ExecutorService pool;
  /** Code the frames of a GOP with its thread, which also draws them. */
  private final ExecutorService helpers;
  private volatile int lastPeakShots;

  /** A renderer using our motion-aware encoder. */
  public VideoRenderer(int threads) {
    this(threads, VideoEncoder.MOTION);
  }

  public VideoRenderer(int threads, VideoEncoder encoder) {
    this(threads, encoder, ImageDecoder.DEFAULT_GUARD);
  }

  /** @param guard the limits every source image is decoded within (shared by this process's renders) */
  public VideoRenderer(int threads, VideoEncoder encoder, ImageGuard guard) {
    this.threads = Math.max(1, threads);
    this.encoder = encoder;
    this.guard = guard;
    this.pool = threads("stillmotion-render-", this.threads);
    this.helpers = threads("stillmotion-encode-", this.threads);
  }

  /**
   * A render's threads run at {@link Thread#MIN_PRIORITY}: a render is batch work, and in the same
   * process an HTTP event loop, a worker's heartbeat and the JIT compiler must not wait behind it
   * (the JIT above all during a process's first render, which runs in slow code until the compiler
   * is done; docs/performance.md, stop 26). On Linux Java priorities reach the OS only with
   * {@code -XX:ThreadPriorityPolicy=1}, which {@code make run} and the worker image set; lowering a
   * priority needs no privilege.
   */
  private static ExecutorService threads(String name, int count) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          t.setPriority(Thread.MIN_PRIORITY);
          return t;
        });
    // Idle threads go away, so a renderer nobody closes holds no threads between renders.
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Decodes the image, renders and encodes the video into a new file in workDir. Blocking; call off the event loop. */
  public RenderResult render(byte[] image, RenderSpec options, Path workDir, RenderListener listener)
      throws RenderException, RenderCancelledException {
    checkOptions(options);
    return render(Story.single(ImageSource.of(image), options), workDir, listener);
  }

  /**
   * Renders a story into a new MP4 file in workDir (the caller owns it), with a poster of its first
   * frame. Blocking; call off the event loop. Fails with {@link InvalidStoryException} for a
   * caption or title that no longer fits (already checked by {@link Story.Builder#build()}), with
   * {@link RenderException} for an image that cannot be decoded (its position in the message),
   * with {@link RenderCancelledException} when the listener asks to stop.
   */
  public RenderResult render(Story story, Path workDir, RenderListener listener)
      throws RenderException, RenderCancelledException {
    try {
      return renderChecked(story, workDir, listener == null ? RenderListener.NONE : listener);
    } catch (OutOfMemoryError e) {
      throw outOfMemory(e);
    }
  }

  /** How many shots the last story render held prepared at once (for tests and benchmarks). */
  int lastPeakShots() {
    return lastPeakShots;
  }

  private RenderResult renderChecked(Story story, Path workDir, RenderListener heard)
      throws RenderException, RenderCancelledException {
    long started = System.nanoTime();
    stopIfCancelled(heard);
    Timeline timeline = Timeline.of(story);
    // Our encoder keeps the cores busy within a GOP, so a one-shot video needs no more GOPs (and
    // IDR frames) than its length; jcodec's needs a GOP per thread.
    List<Timeline.Gop> gops = timeline.gops(encoder == VideoEncoder.MOTION ? 1 : threads, encoder.maxGopSeconds);
    List<Integer> posterShots = timeline.shotsIn(0, 1);
    List<List<Integer>> users = new ArrayList<>();
    gops.forEach(g -> users.add(g.shots()));
    users.add(posterShots);
    AtomicBoolean stop = new AtomicBoolean();
    BooleanSupplier cancelled = () -> stop.get() || (heard.isCancelled() && stopNow(stop));
    long budget = story.shots().size() == 1 ? MAX_WORKING_PIXELS : MAX_STORY_WORKING_PIXELS;
    ShotSources sources = new ShotSources(story, timeline, users, budget, cancelled, guard,
        new RowBands(helpers, threads - 1));
    StoryFrames frames = new StoryFrames(timeline, sources, story.width(), story.height());
    VideoFormat format = new VideoFormat(story.width(), story.height(), story.fps(), story.quality());
    AudioTrack audio = story.soundtrack() == null ? null : story.soundtrack().fitTo(timeline.frames() / (double) story.fps());
    Path file = createFile(workDir);
    try {
      AtomicReference<Stills> stills = new AtomicReference<>();
      long bytes = encode(timeline, gops, frames, sources, format, audio, file, heard, stop, cancelled, () -> {
        sources.acquire(posterShots);
        try {
          stills.set(stills(frames, format, cancelled));
        } finally {
          sources.release(posterShots);
        }
        heard.onStills(stills.get().poster(), stills.get().thumbnail());
      });
      long elapsed = (System.nanoTime() - started) / 1_000_000;
      lastPeakShots = sources.peakPrepared();
      LOG.debug("rendered {} shots, {} frames {}x{} in {} ms, {} bytes, at most {} shots held", story.shots().size(),
          timeline.frames(), story.width(), story.height(), elapsed, bytes, sources.peakPrepared());
      return new RenderResult(file, stills.get().poster(), stills.get().thumbnail(), timeline.frames(), bytes,
          elapsed);
    } catch (RenderException | RenderCancelledException | RuntimeException | Error e) {
      deleteQuietly(file);
      throw e;
    }
  }

  private static void checkOptions(RenderSpec options) throws RenderException {
    if (options.width() < 16 || options.height() < 16 || options.width() % 2 != 0 || options.height() % 2 != 0) {
      throw new RenderException("The frame size must be even and at least 16x16: " + options.size(), true);
    }
    if (options.frameCount() < 1 || options.fps() < 1) {
      throw new RenderException("The video must have at least one frame", true);
    }
  }

  static RgbImage fitSource(RgbImage image, RenderSpec options) {
    return fitSource(image, options.motion(), options.width(), options.height(), MAX_WORKING_PIXELS);
  }

  /**
   * Scales the decoded image once so that, at the path's closest zoom, one source pixel lands on
   * about one output pixel: area averaging for large images, bicubic for small ones.
   */
  static RgbImage fitSource(RgbImage image, Motion motion, int width, int height, long maxPixels) {
    return fitSource(image, motion, width, height, maxPixels, RowBands.SERIAL);
  }

  /** {@code bands}: the threads that share the resizing. */
  static RgbImage fitSource(RgbImage image, Motion motion, int width, int height, long maxPixels, RowBands bands) {
    int[] size = workingSize(image.width(), image.height(), motion, width, height, maxPixels);
    return Resampler.resize(image, size[0], size[1], bands);
  }

  /**
   * The size {@link #fitSource} scales an image of {@code imageWidth} x {@code imageHeight} to (its
   * own when that is within 2%), known before any pixel is touched, so the camera path and the part
   * of the image it shows can be found first and only that part resized.
   */
  static int[] workingSize(int imageWidth, int imageHeight, Motion motion, int width, int height, long maxPixels) {
    double aspect = (double) width / height;
    double cover = Math.min(imageWidth, imageHeight * aspect);
    double zoom = CameraPath.maxZoom(motion, aspect, imageWidth, imageHeight);
    double k = width * zoom / cover;
    double pixels = imageWidth * k * imageHeight * k;
    if (pixels > maxPixels) {
      k *= Math.sqrt(maxPixels / pixels);
    }
    if (Math.abs(k - 1) < 0.02) {
      return new int[] {imageWidth, imageHeight};
    }
    return new int[] {Math.max(2, (int) Math.round(imageWidth * k)), Math.max(2, (int) Math.round(imageHeight * k))};
  }

  private static Path createFile(Path workDir) throws RenderException {
    try {
      Files.createDirectories(workDir);
      return Files.createTempFile(workDir, "stillmotion-", ".mp4");
    } catch (IOException e) {
      throw new RenderException("Could not create the video file", false, e);
    }
  }

  record Stills(byte[] poster, byte[] thumbnail) {
  }

  /**
   * The poster (the first frame) and its thumbnail as JPEG. It runs on the render's own thread
   * beside the first GOPs, several cold-JVM tenths of a second of one core, so it asks
   * {@code cancelled} between its steps: a stopped render (the worker's warm-up when a task
   * arrives) gives the cores back instead of finishing pictures nobody will see.
   */
  static Stills stills(FrameSource frames, VideoFormat format, BooleanSupplier cancelled)
      throws RenderException, RenderCancelledException {
    stopIf(cancelled);
    Picture first = frames.newPicture();
    frames.render(0, first);
    stopIf(cancelled);
    RgbImage poster = Posters.toRgb(first, format.width(), format.height());
    try {
      byte[] posterJpeg = Posters.jpeg(poster);
      stopIf(cancelled);
      return new Stills(posterJpeg, Posters.jpeg(Posters.thumbnail(poster)));
    } catch (IOException e) {
      throw new RenderException("Could not write the poster image", false, e);
    }
  }

  private static void stopIf(BooleanSupplier cancelled) throws RenderCancelledException {
    if (cancelled.getAsBoolean()) {
      throw new RenderCancelledException();
    }
  }

  /** Number of GOPs: a multiple of the thread count, each at most {@code maxGopSeconds} long. */
  static int gopCount(int frames, int fps, int threads, double maxGopSeconds) {
    int perThread = (int) Math.ceil(frames / (maxGopSeconds * fps * threads));
    return Math.max(1, Math.min(frames, threads * Math.max(1, perThread)));
  }

  /** A step run on the calling thread while the pool encodes the first GOPs. */
  private interface SideTask {
    void run() throws RenderException, RenderCancelledException;
  }

  private long encode(Timeline timeline, List<Timeline.Gop> gops, StoryFrames frames, ShotSources sources,
      VideoFormat format,
      AudioTrack audio, Path file, RenderListener listener, AtomicBoolean stop, BooleanSupplier cancelled,
      SideTask meanwhile) throws RenderException, RenderCancelledException {
    int total = gops.get(gops.size() - 1).end();
    H264Level level = H264Level.forVideo(format.width(), format.height(), format.fps());
    Progress progress = new Progress(listener, total);
    Deque<Future<List<GopEncoder.Packet>>> pending = new ArrayDeque<>();
    int submitted = 0;
    try (Mp4Writer writer = new Mp4Writer(file, format.width(), format.height(), format.fps(), total, audio)) {
      for (int written = 0; written < gops.size(); written++) {
        while (submitted < gops.size() && pending.size() <= threads) {
          Timeline.Gop gop = gops.get(submitted);
          pending.add(pool.submit(() -> {
            try (GopFrames gopFrames = new GopFrames(timeline, frames, sources)) {
              return new GopEncoder(gopFrames, format, level, encoder, helpersFor(gops.size()), threads)
                  .encode(gop.first(), gop.end(), cancelled, f -> progress.frameDone());
            }
          }));
          submitted++;
        }
        if (written == 0) {
          meanwhile.run();
        }
        for (GopEncoder.Packet packet : await(pending.poll())) {
          writer.add(packet.data(), packet.key());
        }
      }
      if (cancelled.getAsBoolean()) {
        throw new RenderCancelledException();
      }
      writer.finish();
    } catch (IOException e) {
      throw new RenderException("Could not write the video file", false, e);
    } finally {
      stop.set(true);
      pending.forEach(f -> f.cancel(false));
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new RenderException("Could not read the video file", false, e);
    }
  }

  private static boolean stopNow(AtomicBoolean stop) {
    stop.set(true);
    return true;
  }

  private static List<GopEncoder.Packet> await(Future<List<GopEncoder.Packet>> future)
      throws RenderException, RenderCancelledException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderCancelledException();
    } catch (CancellationException e) {
      throw new RenderCancelledException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RenderCancelledException rc) {
        throw rc;
      }
      if (cause instanceof GopFrames.ShotFailure failure) {
        cause = failure.getCause();
      }
      if (cause instanceof RenderCancelledException rc) {
        throw rc;
      }
      if (cause instanceof RenderException re) {
        throw re;
      }
      if (cause instanceof OutOfMemoryError oom) {
        throw outOfMemory(oom);
      }
      throw new RenderException("Encoding the video failed", false, cause);
    }
  }

  /**
   * Only reached in a JVM without {@code -XX:+ExitOnOutOfMemoryError} (the images have it, so there
   * the process ends instead): the render that hit the wall fails for good, with what to do about it.
   */
  public static RenderException outOfMemory(OutOfMemoryError e) {
    return new RenderException("The image needs more memory than this worker has; try a smaller image or a "
        + "smaller video size.", true, e);
  }

  private static void stopIfCancelled(RenderListener listener) throws RenderCancelledException {
    if (listener.isCancelled()) {
      throw new RenderCancelledException();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete {}", file, e);
    }
  }

  /** Stops the render threads; renders still running fail. */
  @Override
  public void close() {
    pool.shutdownNow();
    helpers.shutdownNow();
  }

  /** Helpers for a GOP when there are fewer GOPs than threads (otherwise GOPs in parallel fill the cores). */
  private ExecutorService helpersFor(int gopCount) {
    return encoder == VideoEncoder.MOTION && threads > 1 && gopCount < threads ? helpers : null;
  }

  /** Counts finished frames from all threads and reports a count that only goes up. */
  private static final class Progress {
    private final RenderListener listener;
    private final int total;
    private int done;

    Progress(RenderListener listener, int total) {
      this.listener = listener;
      this.total = total;
    }

    synchronized void frameDone() {
      done++;
      listener.onProgress(done, total);
    }
  }
}
