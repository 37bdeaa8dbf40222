package io.stillmotion.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
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
 * Image in, MP4 out: decode, fit the source to the detail the motion needs, plan the camera path,
 * then render and encode GOPs in parallel (each starting with an IDR frame, one encoder per
 * thread) and mux them in order. At most {@code threads + 1} encoded GOPs wait in memory.
 * Thread-safe; renders may run concurrently and share the threads.
 */
public final class VideoRenderer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VideoRenderer.class);
  /** The working copy of the source never exceeds this many pixels (about 6 bytes each). */
  static final long MAX_WORKING_PIXELS = 16_000_000L;

  private final int threads;
  private final VideoEncoder encoder;
  private final ExecutorService pool;

  /** A renderer using our motion-aware encoder. */
  public VideoRenderer(int threads) {
    this(threads, VideoEncoder.MOTION);
  }

  public VideoRenderer(int threads, VideoEncoder encoder) {
    this.threads = Math.max(1, threads);
    this.encoder = encoder;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(this.threads, this.threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "stillmotion-render-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    // Idle threads go away, so a renderer nobody closes holds no threads between renders.
    executor.allowCoreThreadTimeOut(true);
    this.pool = executor;
  }

  /** Decodes the image, renders and encodes the video into a new file in workDir. Blocking; call off the event loop. */
  public RenderResult render(byte[] image, RenderSpec options, Path workDir, RenderListener listener)
      throws RenderException, RenderCancelledException {
    checkOptions(options);
    try {
      return renderChecked(image, options, workDir, listener == null ? RenderListener.NONE : listener);
    } catch (OutOfMemoryError e) {
      throw new RenderException("Not enough memory to render this image right now", false, e);
    }
  }

  private RenderResult renderChecked(byte[] image, RenderSpec options, Path workDir, RenderListener heard)
      throws RenderException, RenderCancelledException {
    long started = System.nanoTime();
    RgbImage decoded = ImageDecoder.decode(image);
    stopIfCancelled(heard);
    RgbImage working = fitSource(decoded, options);
    YuvPyramid pyramid = YuvPyramid.of(working);
    CameraPath path = new CameraPath(options, working.width(), working.height());
    FrameRenderer renderer = new FrameRenderer(pyramid, options.width(), options.height());
    stopIfCancelled(heard);
    long prepared = System.nanoTime();
    Path file = createFile(workDir);
    try {
      AtomicReference<Stills> stills = new AtomicReference<>();
      long bytes = encode(path, renderer, options, file, heard, () -> stills.set(stills(path, renderer, options)));
      long elapsed = (System.nanoTime() - started) / 1_000_000;
      LOG.debug("rendered {} frames {} {} in {} ms ({} ms preparing the source), {} bytes", options.frameCount(),
          options.size(), options.effect(), elapsed, (prepared - started) / 1_000_000, bytes);
      return new RenderResult(file, stills.get().poster(), stills.get().thumbnail(), options.frameCount(), bytes,
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

  /**
   * Scales the decoded image once so that, at the path's closest zoom, one source pixel lands on
   * about one output pixel: area averaging for large images, bicubic for small ones.
   */
  static RgbImage fitSource(RgbImage image, RenderSpec options) {
    double aspect = (double) options.width() / options.height();
    double cover = Math.min(image.width(), image.height() * aspect);
    double zoom = CameraPath.maxZoom(options, image.width(), image.height());
    double k = options.width() * zoom / cover;
    double pixels = image.width() * k * image.height() * k;
    if (pixels > MAX_WORKING_PIXELS) {
      k *= Math.sqrt(MAX_WORKING_PIXELS / pixels);
    }
    if (Math.abs(k - 1) < 0.02) {
      return image;
    }
    int w = Math.max(2, (int) Math.round(image.width() * k));
    int h = Math.max(2, (int) Math.round(image.height() * k));
    return Resampler.resize(image, w, h);
  }

  private static Path createFile(Path workDir) throws RenderException {
    try {
      Files.createDirectories(workDir);
      return Files.createTempFile(workDir, "stillmotion-", ".mp4");
    } catch (IOException e) {
      throw new RenderException("Could not create the video file", false, e);
    }
  }

  private record Stills(byte[] poster, byte[] thumbnail) {
  }

  private static Stills stills(CameraPath path, FrameRenderer renderer, RenderSpec options)
      throws RenderException {
    Picture first = renderer.newPicture();
    renderer.render(path.at(0), first);
    RgbImage poster = Posters.toRgb(first, options.width(), options.height());
    try {
      return new Stills(Posters.jpeg(poster), Posters.jpeg(Posters.thumbnail(poster)));
    } catch (IOException e) {
      throw new RenderException("Could not write the poster image", false, e);
    }
  }

  /** Number of GOPs: a multiple of the thread count, each at most {@code maxGopSeconds} long. */
  static int gopCount(int frames, int fps, int threads, double maxGopSeconds) {
    int perThread = (int) Math.ceil(frames / (maxGopSeconds * fps * threads));
    return Math.max(1, Math.min(frames, threads * Math.max(1, perThread)));
  }

  /** A step run on the calling thread while the pool encodes the first GOPs. */
  private interface SideTask {
    void run() throws RenderException;
  }

  private long encode(CameraPath path, FrameRenderer renderer, RenderSpec options, Path file,
      RenderListener listener, SideTask meanwhile) throws RenderException, RenderCancelledException {
    int frames = options.frameCount();
    int gops = gopCount(frames, options.fps(), threads, encoder.maxGopSeconds);
    H264Level level = H264Level.forVideo(options.width(), options.height(), options.fps());
    GopEncoder gopEncoder = new GopEncoder(path, renderer, options, level, encoder);
    AtomicBoolean stop = new AtomicBoolean();
    BooleanSupplier cancelled = () -> stop.get() || (listener.isCancelled() && stopNow(stop));
    Progress progress = new Progress(listener, frames);
    Deque<Future<List<GopEncoder.Packet>>> pending = new ArrayDeque<>();
    int submitted = 0;
    try (Mp4Writer writer = new Mp4Writer(file, options.width(), options.height(), options.fps(), frames)) {
      for (int written = 0; written < gops; written++) {
        while (submitted < gops && pending.size() <= threads) {
          int first = (int) ((long) submitted * frames / gops);
          int end = (int) ((long) (submitted + 1) * frames / gops);
          pending.add(pool.submit(() -> gopEncoder.encode(first, end, cancelled, f -> progress.frameDone())));
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
      if (cause instanceof OutOfMemoryError) {
        throw new RenderException("Not enough memory to render the video right now", false, cause);
      }
      throw new RenderException("Encoding the video failed", false, cause);
    }
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
