package io.stillmotion.gateway;

import io.stillmotion.model.DecodeConfig;
import io.stillmotion.render.ImageFormat;
import io.stillmotion.render.ImageGuard;
import io.stillmotion.render.ImageRejectedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether an uploaded file is an image we can render, by the engine's {@link ImageGuard}
 * (the same rules the worker applies again): format sniffed from the bytes, dimensions from the
 * header before anything is decoded, PNG metadata bounded, the decoder's real memory need within
 * budget, then the file proven complete: a baseline JPEG from its segments, any other image by a
 * decode within {@code IMAGE_CHECK_TIME_LIMIT_MS}. Runs on its own
 * small pool, never on the event loop nor on the pool the broker and database clients use; when all
 * its threads are busy and its queue is full, uploads get {@code 503 image_check_busy} at once.
 */
public final class ImageProbe {

  /** Smallest width and height we render from. */
  public static final int MIN_SIDE = ImageGuard.MIN_SIDE;

  /** What the upload is. {@code extension} is the canonical one for its real format. */
  public record ImageInfo(String format, String extension, String contentType, int width, int height) {
  }

  private final ImageGuard guard;
  private final WorkerExecutor pool;
  private final int capacity;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** The name of the gateway's image check pool (it shows in the pool metrics). */
  static final String POOL = "stillmotion-image-check";

  public ImageProbe(Vertx vertx, long maxPixels, DecodeConfig decode, int threads, int queue) {
    this(vertx, POOL, maxPixels, decode, threads, queue);
  }

  /**
   * A probe on the pool of this name. Vert.x shares a worker pool by name and sizes it when it is
   * first made, so a probe that must have its own threads needs a name no other open probe uses.
   */
  ImageProbe(Vertx vertx, String poolName, long maxPixels, DecodeConfig decode, int threads, int queue) {
    this.guard = new ImageGuard(new ImageGuard.Limits(MIN_SIDE, maxPixels, decode.memoryBytes(),
        decode.checkTimeLimitMs()));
    this.pool = vertx.createSharedWorkerExecutor(poolName, threads,
        2 * decode.checkTimeLimitMs(), TimeUnit.MILLISECONDS);
    this.capacity = threads + queue;
    pool.executeBlocking(() -> {
      guard.warmUp();
      return null;
    }, false);
  }

  /** Checks the file on the probe pool; fails with an {@link ApiException} (415, 422 or 503). */
  public Future<ImageInfo> probe(Path file) {
    if (inFlight.incrementAndGet() > capacity) {
      inFlight.decrementAndGet();
      return Future.failedFuture(busy());
    }
    return execute(() -> check(file)).eventually(() -> {
      inFlight.decrementAndGet();
      return Future.succeededFuture();
    });
  }

  /** Blocking work on this probe's pool, in parallel up to its threads. */
  <T> Future<T> execute(Callable<T> work) {
    return pool.executeBlocking(work, false);
  }

  /** Images being checked or waiting for a thread. */
  int inFlight() {
    return inFlight.get();
  }

  void close() {
    pool.close();
  }

  /** Blocking: the whole check of one file. */
  ImageInfo check(Path file) {
    byte[] bytes = read(file);
    try {
      ImageGuard.Inspection image = guard.inspect(bytes);
      guard.verifyForAccept(image);
      ImageFormat format = image.format();
      return new ImageInfo(format.formatName(), format.extension(), format.contentType(), image.width(),
          image.height());
    } catch (ImageRejectedException e) {
      throw e.code().equals(ImageRejectedException.NOT_AN_IMAGE)
          ? ApiException.unsupportedMedia(e.getMessage())
          : ApiException.unprocessable(e.code(), e.getMessage());
    } catch (ImageGuard.Busy e) {
      throw busy();
    }
  }

  private static byte[] read(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0) {
        throw ApiException.badRequest("empty_file", "The uploaded file is empty.");
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("upload_unreadable", "The uploaded file could not be read.");
    }
  }

  private static ApiException busy() {
    return new ApiException(503, "image_check_busy",
        "Too many images are being checked right now; please retry in a few seconds.");
  }
}
