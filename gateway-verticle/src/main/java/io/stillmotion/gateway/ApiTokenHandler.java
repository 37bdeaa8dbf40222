package io.stillmotion.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * When {@code API_TOKEN} is set, every {@code /api/v1} request except {@code /api/v1/ping} needs
 * {@code Authorization: Bearer <token>}; 401 with {@code WWW-Authenticate} otherwise. GET requests
 * may carry it as {@code ?access_token=} instead, because a browser's {@code <video src>} cannot
 * send headers. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the
 * time taken says nothing about how much of a guess was right, nor about the token's length.
 */
final class ApiTokenHandler implements Handler<RoutingContext> {

  private static final String OPEN_PATH = "/api/v1/ping";
  private final byte[] expected;

  ApiTokenHandler(String token) {
    this.expected = digest(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.OPTIONS || OPEN_PATH.equals(ctx.request().path())
        || MessageDigest.isEqual(expected, digest(presented(ctx)))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"stillmotion\"");
    ctx.fail(new ApiException(401, "unauthorized",
        "This API needs a token: send the header Authorization: Bearer <token>."));
  }

  private static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    if (ctx.request().method() == HttpMethod.GET) {
      String query = ctx.request().getParam("access_token");
      if (query != null) {
        return query;
      }
    }
    return "";
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
