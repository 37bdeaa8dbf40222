package io.stillmotion.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request: method, path, status, latency. */
final class RequestLog implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger("io.stillmotion.http");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      long micros = (System.nanoTime() - start) / 1_000;
      log.info("{} {} {} {}.{} ms", ctx.request().method(), printable(ctx.request().path()),
          ctx.response().getStatusCode(),
          micros / 1000, String.format("%03d", micros % 1000));
    });
    ctx.next();
  }

  /** Paths are client input: keep log lines single, short and printable. */
  static String printable(String path) {
    if (path == null) {
      return "-";
    }
    String clean = path.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
  }
}
