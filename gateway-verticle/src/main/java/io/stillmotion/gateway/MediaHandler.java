package io.stillmotion.gateway;

import io.stillmotion.store.MediaStore;
import io.stillmotion.store.MediaStore.StoredFile;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves a stored media file with the HTTP semantics players rely on: {@code Accept-Ranges},
 * {@code 206} for one byte range, {@code 416} for an unsatisfiable one, a strong {@code ETag} with
 * {@code 304} on {@code If-None-Match}, and long-lived caching (a task's media never changes).
 */
final class MediaHandler {

  private final MediaStore media;

  MediaHandler(MediaStore media) {
    this.media = media;
  }

  Future<Void> serve(RoutingContext ctx, String bucket, String name, String contentType, String downloadName) {
    return media.stat(bucket, name).compose(file -> {
      if (file == null) {
        return Future.failedFuture(ApiException.notFound("media_not_found", "The file is not available."));
      }
      return send(ctx, bucket, file, contentType, downloadName);
    });
  }

  private Future<Void> send(RoutingContext ctx, String bucket, StoredFile file, String contentType,
      String downloadName) {
    HttpServerResponse response = ctx.response();
    String etag = "\"" + etagOf(file) + "\"";
    response.putHeader("Accept-Ranges", "bytes")
        .putHeader("ETag", etag)
        .putHeader("Cache-Control", "public, max-age=31536000, immutable")
        .putHeader("Content-Type", contentType);
    if (downloadName != null) {
      response.putHeader("Content-Disposition", "inline; filename=\"" + downloadName + "\"");
    }
    if (etagMatches(ctx.request().getHeader("If-None-Match"), etag)) {
      return response.setStatusCode(304).end();
    }
    ByteRange range = ByteRange.parse(ctx.request().getHeader("Range"), file.length());
    if (range == null) {
      range = new ByteRange(0, file.length() - 1);
      response.setStatusCode(200);
    } else {
      response.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + file.length());
    }
    response.putHeader("Content-Length", String.valueOf(Math.max(0, range.length())));
    if (ctx.request().method().name().equals("HEAD")) {
      return response.end();
    }
    return media.copyRange(bucket, file, range.first(), range.last(), response)
        .compose(v -> response.end())
        .recover(e -> {
          // Headers are gone already: the only honest signal left is to cut the connection.
          response.reset();
          return Future.succeededFuture();
        });
  }

  private static String etagOf(StoredFile file) {
    Object id = file.id();
    String raw = id instanceof io.vertx.core.json.JsonObject json ? json.getString("$oid", json.encode())
        : String.valueOf(id);
    return raw.replaceAll("[^A-Za-z0-9_-]", "") + "-" + file.length();
  }

  private static boolean etagMatches(String header, String etag) {
    if (header == null) {
      return false;
    }
    for (String candidate : header.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
