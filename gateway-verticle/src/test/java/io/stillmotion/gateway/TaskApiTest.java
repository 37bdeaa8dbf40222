package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Names;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cancel, original image, conditional media requests, callback URL checks and SSE, without a worker. */
class TaskApiTest {

  private static TestSystem system;

  @BeforeAll
  static void start() throws Exception {
    system = TestSystem.gatewayOnly("task-api-test", Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
  }

  private static HttpResponse<Buffer> delete(String id) throws Exception {
    return get(system.http.delete("/api/v1/task/" + id).send());
  }

  @Test
  @DisplayName("a pending task is cancelled, and cancelling it again answers the same CANCELLED task")
  void cancelPending() throws Exception {
    String id = system.create(Map.of());

    HttpResponse<Buffer> first = delete(id);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getString("status")).isEqualTo("CANCELLED");
    assertThat(first.bodyAsJsonObject().getString("message")).isNotBlank();
    assertThat(get(system.tasks.find(id)).status()).isEqualTo(TaskStatus.CANCELLED);

    HttpResponse<Buffer> again = delete(id);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
  }

  @Test
  @DisplayName("cancelling a finished or failed task is a 409, an unknown one a 404")
  void cancelTerminal() throws Exception {
    assertJsonError(delete(system.finishedTask(TaskStatus.FINISHED)), 409, "task_already_finished");
    assertJsonError(delete(system.finishedTask(TaskStatus.FAILED)), 409, "task_already_failed");
    assertJsonError(delete("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc"), 404, "task_not_found");
    assertJsonError(delete("nope"), 404, "task_not_found");
  }

  @Test
  @DisplayName("the original image is served with its real type, ranges, ETag and 304")
  void originalImage() throws Exception {
    byte[] image = GatewayFixture.png(300, 200);
    String id = system.upload(image, Map.of()).bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> whole = get(system.http.get("/api/v1/task/" + id + "/image").send());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.getHeader("Content-Type")).isEqualTo("image/png");
    assertThat(whole.body().getBytes()).isEqualTo(image);
    assertThat(whole.getHeader("Cache-Control")).contains("immutable");
    String etag = whole.getHeader("ETag");
    assertThat(etag).startsWith("\"");

    HttpResponse<Buffer> cached = get(system.http.get("/api/v1/task/" + id + "/image")
        .putHeader("If-None-Match", etag).send());
    assertThat(cached.statusCode()).isEqualTo(304);
    assertThat(cached.body() == null || cached.body().length() == 0).isTrue();

    HttpResponse<Buffer> part = get(system.http.get("/api/v1/task/" + id + "/image")
        .putHeader("Range", "bytes=0-7").send());
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body().length()).isEqualTo(8);
    assertJsonError(get(system.http.get("/api/v1/task/3f1c2d6e-8a5b-4c7d-9e0f-123456789abc/image").send()), 404,
        "task_not_found");
  }

  @Test
  @DisplayName("poster, thumbnail and video answer 304 to a matching If-None-Match and carry immutable caching")
  void conditionalMedia() throws Exception {
    String id = system.finishedTask(TaskStatus.FINISHED);
    for (String path : List.of("/api/v1/task/" + id + "/poster", "/api/v1/task/" + id + "/thumbnail",
        "/api/v1/video/" + id, "/api/v1/task/" + id + "/image")) {
      HttpResponse<Buffer> first = get(system.http.get(path).send());
      assertThat(first.statusCode()).as(path).isEqualTo(200);
      assertThat(first.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      String etag = first.getHeader("ETag");
      HttpResponse<Buffer> again = get(system.http.get(path).putHeader("If-None-Match", "\"other\", " + etag).send());
      assertThat(again.statusCode()).as(path).isEqualTo(304);
      assertThat(again.getHeader("ETag")).isEqualTo(etag);
      HttpResponse<Buffer> stale = get(system.http.get(path).putHeader("If-None-Match", "\"other\"").send());
      assertThat(stale.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a malformed, non-http or private callbackUrl is a 422 and stores nothing; a public one is kept")
  void callbackUrlValidation() throws Exception {
    long before = get(system.mongo.count(Names.TASKS_COLLECTION, new JsonObject()));
    for (String url : List.of("not a url", "ftp://example.com/hook", "file:///etc/passwd", "http://127.0.0.1/hook",
        "http://localhost:9000/hook", "http://[::1]/hook", "http://10.0.0.7/hook", "http://169.254.169.254/")) {
      HttpResponse<Buffer> response = system.upload(GatewayFixture.png(64, 64), Map.of("callbackUrl", url));
      assertJsonError(response, 422, "invalid_callbackUrl");
    }
    assertThat(get(system.mongo.count(Names.TASKS_COLLECTION, new JsonObject()))).isEqualTo(before);

    String id = system.create(Map.of("callbackUrl", "https://hooks.example.com/stillmotion?t=1"));
    HttpResponse<Buffer> task = get(system.http.get("/api/v1/task/" + id).send());
    assertThat(task.bodyAsJsonObject().getString("callbackUrl")).isEqualTo("https://hooks.example.com/stillmotion?t=1");
  }

  @Test
  @DisplayName("the event stream of an unknown task is a 404 JSON error, not a stream")
  void eventsUnknownTask() throws Exception {
    assertJsonError(get(system.http.get("/api/v1/task/3f1c2d6e-8a5b-4c7d-9e0f-123456789abc/events").send()), 404,
        "task_not_found");
    assertJsonError(get(system.http.get("/api/v1/task/x/events").send()), 404, "task_not_found");
  }

  @Test
  @DisplayName("the event stream of a finished task sends its state once and ends, whatever Last-Event-ID says")
  void eventsOfFinishedTask() throws Exception {
    String id = system.finishedTask(TaskStatus.FINISHED);
    for (String lastEventId : new String[] {null, "999999999999999"}) {
      SseClient sse = SseClient.open(system.vertx, system.port(), "/api/v1/task/" + id + "/events", lastEventId);
      get(sse.ended.future());
      assertThat(sse.response.statusCode()).isEqualTo(200);
      assertThat(sse.response.getHeader("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.response.getHeader("Cache-Control")).isEqualTo("no-cache");
      assertThat(sse.response.getHeader("X-Accel-Buffering")).isEqualTo("no");
      assertThat(sse.events).hasSize(1);
      assertThat(sse.events.get(0).name()).isEqualTo("task");
      assertThat(sse.events.get(0).json().getString("status")).isEqualTo("FINISHED");
      assertThat(Long.parseLong(sse.events.get(0).id())).isPositive();
      sse.close();
    }
  }

  @Test
  @DisplayName("a stream opened on a pending task sees it PENDING at once, then CANCELLED, then ends")
  void eventsUntilCancelled() throws Exception {
    String id = system.create(Map.of());
    SseClient sse = SseClient.open(system.vertx, system.port(), "/api/v1/task/" + id + "/events", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> !sse.events.isEmpty());
    assertThat(sse.events.get(0).json().getString("status")).isEqualTo("PENDING");
    assertThat(sse.isEnded()).isFalse();

    assertThat(delete(id).statusCode()).isEqualTo(200);

    get(sse.ended.future());
    SseClient.Event last = sse.events.get(sse.events.size() - 1);
    assertThat(last.json().getString("status")).isEqualTo("CANCELLED");
    assertThat(Long.parseLong(last.id())).isGreaterThan(Long.parseLong(sse.events.get(0).id()));
    sse.close();
  }

  @Test
  @DisplayName("a stream on one gateway gets ': ping' heartbeats, uncompressed, and hears a cancel made on another "
      + "gateway at once")
  void acrossGateways() throws Exception {
    GatewayVerticle second = new GatewayVerticle(system.config);
    String deployment = get(system.vertx.deployVerticle(second));
    try {
      String id = system.create(Map.of());
      SseClient sse = SseClient.open(system.vertx, second.actualPort(), "/api/v1/task/" + id + "/events", null,
          "gzip, deflate");
      await().atMost(Duration.ofMillis(EventStream.HEARTBEAT_MS + 30_000)).until(() -> sse.comments.contains("ping"));
      assertThat(sse.events).hasSize(1);

      assertThat(delete(id).statusCode()).isEqualTo(200);
      // Through the exchange, or at the latest at the stream's next periodic re-read: a time limit
      // cannot tell them apart on a loaded machine. EventRelayTest covers the exchange on its own.
      get(sse.ended.future());
      assertThat(sse.events.get(sse.events.size() - 1).json().getString("status")).isEqualTo("CANCELLED");
      sse.close();
    } finally {
      get(system.vertx.undeploy(deployment));
    }
  }

  @Test
  @DisplayName("a stream whose client goes away stops listening for events")
  void cleanUpOnDisconnect() throws Exception {
    BrokerLink broker = new BrokerLink(system.vertx,
        BrokerLink.Options.of(system.config.requireAmqpUri(), "test gateway").withEvents());
    TaskRoutes routes = new TaskRoutes(system.vertx, system.config, system.tasks, new MediaHandler(system.media),
        broker);
    get(broker.start());
    Router router = Router.router(system.vertx);
    routes.mount(router, new GatewayProtection(system.vertx, system.config.protection(), system.mongo));
    HttpServer server = get(routes.start()
        .compose(v -> system.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")));
    try {
      String id = system.create(Map.of());
      SseClient sse = SseClient.open(system.vertx, server.actualPort(), "/api/v1/task/" + id + "/events", null);
      await().atMost(Duration.ofSeconds(30)).until(() -> !sse.events.isEmpty());
      assertThat(routes.openStreams()).isEqualTo(1);

      sse.close();

      await().atMost(Duration.ofSeconds(30)).until(() -> routes.openStreams() == 0);
    } finally {
      get(server.close());
      get(routes.stop());
      get(broker.stop());
    }
  }

  @Test
  @DisplayName("the OpenAPI document is served as JSON")
  void openApiServed() throws Exception {
    HttpResponse<Buffer> response = get(system.http.get("/api/v1/openapi.json").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("openapi")).isEqualTo("3.1.0");
  }
}
