package io.stillmotion.gateway;

import io.stillmotion.model.InvalidOptionException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Failure handler of the upload route for failures of the body itself, which vertx-web 5.0.7's body
 * handler reports as a bare "Streaming aborted" or "Pipe closed" (a 500) when it gives up on a
 * multipart body part-way: the body outgrew the limit, or a part could not be decoded, e.g. a form
 * field beyond the largest allowed. Its own 413 may follow, or may be lost: cancelling the parts in
 * flight can throw ("File handle is closed") before it fails the request. So: a 413 when it says so,
 * else a 400 that names both possible causes. A request announcing its length (browsers, curl) is
 * answered 413 from Content-Length before any of this. Other failures go on to the
 * {@link FailureHandler}.
 */
final class AbortedUpload implements Handler<RoutingContext> {

  /** Put in the context just before the body handler: failures from here on may be the body's. */
  static final String BODY_STARTED = "stillmotion.bodyStarted";
  /** Put in the context by the handler after the body handler: the body was read whole. */
  static final String BODY_READ = "stillmotion.bodyRead";

  /** Mount right before the body handler (a platform handler, as only those may precede it). */
  static final PlatformHandler MARK_BODY_START = new PlatformHandler() {
    @Override
    public void handle(RoutingContext ctx) {
      ctx.put(BODY_STARTED, true);
      ctx.next();
    }
  };

  private final long bodyLimit;
  private final int maxFieldBytes;

  AbortedUpload(long bodyLimit, int maxFieldBytes) {
    this.bodyLimit = bodyLimit;
    this.maxFieldBytes = maxFieldBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    boolean ours = failure instanceof ApiException || failure instanceof InvalidOptionException
        || failure instanceof com.mongodb.MongoException;
    boolean whileReadingBody = ctx.get(BODY_STARTED) != null && ctx.get(BODY_READ) == null;
    if (ours || !whileReadingBody || ctx.response().headWritten()) {
      ctx.next();
      return;
    }
    if (ctx.statusCode() == 413) {
      FailureHandler.send(ctx, tooLarge());
      return;
    }
    // Over the limit, the body handler first cancels the parts in flight (each failing the context
    // with "Streaming aborted") and only then fails it with 413: decide once it has had its say.
    ctx.vertx().runOnContext(v -> {
      if (!ctx.response().headWritten()) {
        FailureHandler.send(ctx, ctx.statusCode() == 413 ? tooLarge() : ApiException.badRequest("malformed_upload",
            "The upload could not be read in full: it is larger than the limit of " + bodyLimit + " bytes, it was"
                + " cut short, or a form field is larger than " + maxFieldBytes + " bytes."));
      }
    });
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge("The upload is larger than the limit of " + bodyLimit + " bytes.");
  }
}
