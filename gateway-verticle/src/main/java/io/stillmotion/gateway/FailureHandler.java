package io.stillmotion.gateway;

import io.stillmotion.model.InvalidOptionException;
import io.stillmotion.store.StoreErrors;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: always {@code {"error":{"code","message"}}},
 * never a stack trace or an internal host name.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    ApiException error = toApiError(ctx);
    if (error.status() >= 500 && error.status() != 503) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    send(ctx, error);
  }

  static void send(RoutingContext ctx, ApiException error) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = new JsonObject().put("error", new JsonObject()
        .put("code", error.code()).put("message", error.getMessage()).mergeIn(error.details()));
    if (error.status() == 503 && !ctx.response().headers().contains("Retry-After")) {
      ctx.response().putHeader("Retry-After", "5");
    }
    if (error instanceof ByteRange.RangeNotSatisfiable range) {
      ctx.response().putHeader("Content-Range", "bytes */" + range.fileLength());
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static ApiException toApiError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (StoreErrors.unreachable(failure)) {
      return ApiException.unavailable("Task storage is unreachable right now; please retry shortly.");
    }
    if (failure instanceof InvalidOptionException invalid) {
      return new ApiException(422, "invalid_" + invalid.field(), invalid.getMessage())
          .with("field", invalid.field()).with("index", invalid.index()).with("path", invalid.path());
    }
    return fromStatus(ctx.statusCode(), ctx);
  }

  private static ApiException fromStatus(int status, RoutingContext ctx) {
    return switch (status) {
      case 400 -> ApiException.badRequest("bad_request", "The request is malformed.");
      // Only the CORS handler answers 403 on its own: the Origin is not in CORS_ORIGINS.
      case 403 -> new ApiException(403, "origin_not_allowed", "Requests from this origin are not allowed (CORS_ORIGINS).");
      case 404 -> ApiException.notFound("not_found", "Nothing here: " + ctx.request().method() + " "
          + RequestLog.printable(ctx.request().path()));
      case 405 -> new ApiException(405, "method_not_allowed",
          "Method " + ctx.request().method() + " is not allowed here.");
      case 413 -> ApiException.tooLarge("The upload is larger than the limit.");
      case 415 -> ApiException.unsupportedMedia("Unsupported content type.");
      case 431 -> new ApiException(431, "headers_too_large", "The request headers are too large.");
      default -> status >= 400 && status < 500
          ? new ApiException(status, "bad_request", "The request cannot be served.")
          : new ApiException(500, "internal_error", "Something went wrong on our side; please try again.");
    };
  }
}
