package io.stillmotion.gateway;

import io.stillmotion.model.TaskIds;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One line per request: method, path, status, latency; the task id in the MDC for a task's URL. */
final class RequestLog implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger("io.stillmotion.http");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> {
      long micros = (System.nanoTime() - start) / 1_000;
      String taskId = TaskIds.canonical(ctx.pathParam("id"));
      if (taskId != null) {
        MDC.put(TaskMdc.KEY, taskId);
      }
      try {
        write(ctx.request().path(), "{} {} {} {}.{} ms", ctx.request().method(), printable(ctx.request().path()),
            ctx.response().getStatusCode(), micros / 1000, String.format("%03d", micros % 1000));
      } finally {
        MDC.remove(TaskMdc.KEY);
      }
    });
    ctx.next();
  }

  /** Probes and scrapes arrive every few seconds: at debug, so they do not drown the requests of people. */
  private static void write(String path, String format, Object... args) {
    if (path != null && (path.startsWith("/health/") || path.equals("/metrics"))) {
      log.debug(format, args);
    } else {
      log.info(format, args);
    }
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
