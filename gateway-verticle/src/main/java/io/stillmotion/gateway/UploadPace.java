package io.stillmotion.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Cuts off an upload whose body arrives slower than {@code UPLOAD_MIN_BYTES_PER_SECOND} on average
 * once it has had {@link #GRACE_MS} to get going: {@code 408 upload_too_slow}, then the connection
 * is closed. A client trickling one byte a second would otherwise hold an upload slot (and the
 * idle timeout, which any byte resets, would never fire).
 */
final class UploadPace implements PlatformHandler {

  static final long GRACE_MS = 10_000;
  private static final long CHECK_MS = 1_000;

  private final Vertx vertx;
  private final long minBytesPerSecond;

  UploadPace(Vertx vertx, long minBytesPerSecond) {
    this.vertx = vertx;
    this.minBytesPerSecond = minBytesPerSecond;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (minBytesPerSecond > 0) {
      long started = System.currentTimeMillis();
      long timer = vertx.setPeriodic(CHECK_MS, id -> check(ctx, started, id));
      ctx.addEndHandler(done -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }

  private void check(RoutingContext ctx, long started, long timer) {
    HttpServerRequest request = ctx.request();
    long elapsed = System.currentTimeMillis() - started;
    if (request.isEnded() || ctx.response().ended()) {
      vertx.cancelTimer(timer);
      return;
    }
    if (elapsed < GRACE_MS || request.bytesRead() >= minBytesPerSecond * elapsed / 1000) {
      return;
    }
    vertx.cancelTimer(timer);
    ctx.response().putHeader("Connection", "close").endHandler(v -> request.connection().close());
    FailureHandler.send(ctx, new ApiException(408, "upload_too_slow", "The upload arrived at "
        + request.bytesRead() * 1000 / Math.max(1, elapsed) + " bytes/s, below the minimum of " + minBytesPerSecond
        + " bytes/s; the connection is closed."));
  }
}
