package io.stillmotion.gateway;

import io.stillmotion.testing.Futures;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a Server-Sent Events stream from the raw chunked body, as a browser's EventSource would. */
final class SseClient {

  record Event(String id, String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  final Promise<Void> ended = Promise.promise();
  HttpClientResponse response;
  private final HttpClient client;
  private final StringBuilder pending = new StringBuilder();

  private SseClient(HttpClient client) {
    this.client = client;
  }

  static SseClient open(Vertx vertx, int port, String path, String lastEventId) throws Exception {
    return open(vertx, port, path, lastEventId, null);
  }

  /** @param acceptEncoding sent as is; the body is not decompressed, so a compressed stream fails to parse */
  static SseClient open(Vertx vertx, int port, String path, String lastEventId, String acceptEncoding)
      throws Exception {
    HttpClient client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path).putHeader("Accept", "text/event-stream");
    if (acceptEncoding != null) {
      options.putHeader("Accept-Encoding", acceptEncoding);
    }
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    SseClient sse = new SseClient(client);
    // Handlers are set on the event loop as the response arrives, before any of its body.
    sse.response = Futures.get(client.request(options).compose(r -> r.send()).onSuccess(response -> {
      response.handler(chunk -> sse.feed(chunk.toString()));
      response.endHandler(v -> sse.ended.tryComplete());
      response.exceptionHandler(sse.ended::tryFail);
    }));
    return sse;
  }

  boolean isEnded() {
    return ended.future().isComplete();
  }

  void close() {
    client.close();
  }

  private synchronized void feed(String chunk) {
    pending.append(chunk.replace("\r\n", "\n"));
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      parse(block);
    }
  }

  private void parse(String block) {
    String id = null;
    String name = "message";
    StringBuilder data = null;
    for (String line : block.split("\n")) {
      if (line.startsWith(":")) {
        comments.add(line.substring(1).trim());
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
      switch (field) {
        case "id" -> id = value;
        case "event" -> name = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
    if (data != null) {
      events.add(new Event(id, name, data.toString()));
    }
  }
}
