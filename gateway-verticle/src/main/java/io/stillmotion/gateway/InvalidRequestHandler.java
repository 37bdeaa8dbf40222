package io.stillmotion.gateway;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Requests the HTTP decoder already refused (headers or request line over the limits, garbage)
 * never reach the router; Vert.x would answer them with an empty body. Answers them with the same
 * JSON error shape as everything else, then closes the connection, whose state is unknown.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    ApiException error;
    if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(431, "headers_too_large", "The request headers are too large.");
    } else if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(414, "uri_too_long", "The request line is too long.");
    } else {
      error = ApiException.badRequest("bad_request", "The request is malformed.");
    }
    JsonObject body = new JsonObject().put("error",
        new JsonObject().put("code", error.code()).put("message", error.getMessage()));
    request.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Connection", "close")
        .end(body.encode());
  }
}
