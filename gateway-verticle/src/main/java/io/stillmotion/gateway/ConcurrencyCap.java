package io.stillmotion.gateway;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} requests of one kind (uploads, downloads, event streams) in this gateway at
 * once; the next gets {@code 503} with {@code Retry-After} and its code, before anything else is
 * done for it. A slot is given back when the response ends or the connection goes away, whichever
 * comes first (a stalled client is cut off by the idle timeout, which frees its slot).
 */
final class ConcurrencyCap implements PlatformHandler {

  private final int limit;
  private final String code;
  private final String message;
  private final AtomicInteger inFlight = new AtomicInteger();

  ConcurrencyCap(int limit, String code, String message) {
    this.limit = limit;
    this.code = code;
    this.message = message;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      ctx.fail(new ApiException(503, code, message));
      return;
    }
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }

  int inFlight() {
    return inFlight.get();
  }
}
