package io.stillmotion.gateway;

import io.stillmotion.store.DiskReserve;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Refuses an upload with {@code 503 storage_full} before a byte of it is read when storing it would leave
 * less than {@code MIN_FREE_DISK_MB} free under {@code DATA_DIR} ({@link DiskReserve}). An upload takes
 * its size twice while it is received: the file the body handler writes, then its copy in the database
 * (the embedded one lives under {@code DATA_DIR} too); its size is the request's {@code Content-Length},
 * or the largest request allowed when the client does not say.
 */
final class DiskGuard implements PlatformHandler {

  /** A full disk is not cleared in seconds: clients should not come back at once. */
  private static final String RETRY_AFTER_SECONDS = "60";

  private final DiskReserve reserve;
  private final long maxRequestBytes;

  DiskGuard(DiskReserve reserve, long maxRequestBytes) {
    this.reserve = reserve;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // The body handler after this resumes the request; until then no byte of the upload may be lost.
    ctx.request().pause();
    long needed = 2 * requestBytes(ctx.request());
    reserve.hasRoomFor(needed).onComplete(room -> {
      if (room.succeeded() && !room.result()) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
        ctx.fail(new ApiException(503, "storage_full",
            "The server is short of disk space and cannot take uploads right now; please retry later."));
        return;
      }
      reserve.promise(needed);
      ctx.addEndHandler(done -> reserve.release(needed));
      ctx.next();
    });
  }

  private long requestBytes(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      try {
        long bytes = Long.parseLong(length.trim());
        if (bytes >= 0) {
          return Math.min(bytes, maxRequestBytes);
        }
      } catch (NumberFormatException ignored) {
        // The body handler refuses it; here it counts as the largest request.
      }
    }
    return maxRequestBytes;
  }
}
