package io.stillmotion.gateway;

import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;

import static io.stillmotion.gateway.GatewayFixture.assertJsonError;
import static io.stillmotion.gateway.GatewayFixture.png;
import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rate limit, backpressure, bearer token, CORS and database outages at the gateway. */
class GatewayProtectionTest {

  @Test
  @DisplayName("by default the gateway listens on loopback only; HTTP_HOST=0.0.0.0 opens it to every address")
  void listensOnLoopbackUnlessWidened() throws Exception {
    // 127.0.0.2 is another address of this machine: a server bound to 127.0.0.1 alone is not there.
    try (GatewayFixture gw = new GatewayFixture("listen-default", Map.of())) {
      assertThat(accepts("127.0.0.1", gw.gateway.actualPort())).isTrue();
      assertThat(accepts("127.0.0.2", gw.gateway.actualPort())).isFalse();
    }
    try (GatewayFixture gw = new GatewayFixture("listen-wide", Map.of("HTTP_HOST", "0.0.0.0"))) {
      assertThat(accepts("127.0.0.2", gw.gateway.actualPort())).isTrue();
    }
  }

  private static boolean accepts(String address, int port) {
    try (Socket socket = new Socket(address, port)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  @Test
  @DisplayName("another site's page cannot create a task (403, nothing stored); this site, CORS_ORIGINS and non-browser "
      + "clients can")
  void crossSiteFormPosts() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("protect-cross-site", Map.of())) {
      String self = "127.0.0.1:" + gw.gateway.actualPort();
      long tasks = gw.tasks();
      long uploads = gw.storedUploads();

      assertJsonError(post(gw, Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")), 403,
          "cross_site_request");
      assertJsonError(post(gw, Map.of("Origin", "http://localhost:5173", "Sec-Fetch-Site", "same-site")), 403,
          "cross_site_request");
      assertJsonError(post(gw, Map.of("Origin", "https://evil.example")), 403, "cross_site_request");
      assertJsonError(post(gw, Map.of("Origin", "null")), 403, "cross_site_request");
      assertThat(gw.tasks()).isEqualTo(tasks);
      assertThat(gw.storedUploads()).isEqualTo(uploads);

      assertThat(post(gw, Map.of("Origin", "http://" + self, "Sec-Fetch-Site", "same-origin")).statusCode())
          .isEqualTo(200);
      assertThat(post(gw, Map.of("Origin", "http://" + self)).statusCode()).isEqualTo(200);
      assertThat(post(gw, Map.of("Sec-Fetch-Site", "none")).statusCode()).isEqualTo(200);
      assertThat(post(gw, Map.of()).statusCode()).isEqualTo(200);
    }
    try (GatewayFixture gw = new GatewayFixture("protect-cross-site-cors",
        Map.of("CORS_ORIGINS", "https://app.example.com"))) {
      assertThat(post(gw, Map.of("Origin", "https://app.example.com", "Sec-Fetch-Site", "cross-site")).statusCode())
          .isEqualTo(200);
      assertJsonError(post(gw, Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")), 403,
          "origin_not_allowed");
    }
  }

  private static HttpResponse<Buffer> post(GatewayFixture gw, Map<String, String> headers) throws Exception {
    HttpRequest<Buffer> request = gw.http.post("/api/v1/task");
    headers.forEach(request::putHeader);
    return gw.upload(request, "file", "a.png", "image/png", png(64, 64), Map.of());
  }

  @Test
  @DisplayName("with less disk space free than MIN_FREE_DISK_MB, uploads get 503 storage_full with Retry-After before "
      + "anything is written; reads go on")
  void diskShort() throws Exception {
    // More than any disk has: the data folder's file system is always short of it.
    try (GatewayFixture gw = new GatewayFixture("protect-disk", Map.of("MIN_FREE_DISK_MB", String.valueOf(1L << 30)))) {
      GatewayFixture.Stored before = gw.stored();
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> refused = post(gw, Map.of());
        assertJsonError(refused, 503, "storage_full");
        assertThat(refused.getHeader("Retry-After")).isEqualTo("60");
      }
      assertThat(gw.stored()).isEqualTo(before);
      try (var incoming = java.nio.file.Files.list(gw.dataDir)) {
        assertThat(incoming.filter(p -> p.getFileName().toString().equals("incoming"))
            .flatMap(p -> p.toFile().list() == null ? java.util.stream.Stream.empty()
                : java.util.Arrays.stream(p.toFile().list()))).isEmpty();
      }
      assertThat(get(gw.http.get("/api/v1/ping").send()).statusCode()).isEqualTo(200);
      assertThat(get(gw.http.get("/health/ready").send()).statusCode()).isEqualTo(200);
    }
    try (GatewayFixture gw = new GatewayFixture("protect-disk-off", Map.of("MIN_FREE_DISK_MB", "0"))) {
      assertThat(post(gw, Map.of()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a client over RATE_LIMIT_PER_MINUTE gets 429 JSON with Retry-After; other endpoints are not limited")
  void rateLimit() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("protect-rate", Map.of("RATE_LIMIT_PER_MINUTE", "3"))) {
      byte[] image = png(64, 64);
      for (int i = 0; i < 3; i++) {
        assertThat(gw.upload(image).statusCode()).isEqualTo(200);
      }
      long tasks = gw.tasks();

      HttpResponse<Buffer> limited = gw.upload(image);

      assertJsonError(limited, 429, "rate_limited");
      assertThat(Integer.parseInt(limited.getHeader("Retry-After"))).isBetween(1, 60);
      assertThat(gw.tasks()).isEqualTo(tasks);
      assertThat(get(gw.http.get("/api/v1/ping").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the rate limiter refills continuously and keys clients by address (last X-Forwarded-For hop only behind a trusted proxy)")
  void rateLimiterBuckets() {
    RateLimiter limiter = new RateLimiter(60, new ClientAddress(false));
    long now = 1_000_000;
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.take("a", now)).isZero();
    }
    assertThat(limiter.take("a", now)).isEqualTo(1_000);
    assertThat(limiter.take("b", now)).isZero();
    assertThat(limiter.take("a", now + 1_000)).isZero();
    limiter.evictIdle(now + 11 * 60_000);
    assertThat(limiter.trackedClients()).isZero();
  }

  @Test
  @DisplayName("with MAX_QUEUED_TASKS tasks PENDING, uploads get 503 queue_full with Retry-After and nothing is stored")
  void backpressure() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("protect-queue", Map.of("MAX_QUEUED_TASKS", "2"))) {
      get(gw.mongo.removeDocuments(Names.TASKS_COLLECTION, new io.vertx.core.json.JsonObject()));
      for (int i = 0; i < 2; i++) {
        Task task = Task.pending(TaskMessage.newTaskId(), "png", RenderOptions.defaults(), System.currentTimeMillis());
        get(gw.mongo.insert(Names.TASKS_COLLECTION, task.toDocument()));
      }
      long uploads = gw.storedUploads();

      HttpResponse<Buffer> refused = gw.upload(png(64, 64));

      assertJsonError(refused, 503, "queue_full");
      assertThat(refused.getHeader("Retry-After")).isNotBlank();
      assertThat(gw.tasks()).isEqualTo(2);
      assertThat(gw.storedUploads()).isEqualTo(uploads);
    }
  }

  @Test
  @DisplayName("with API_TOKEN set the API needs the bearer token (401 JSON + WWW-Authenticate otherwise); ping and health stay open")
  void apiToken() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("protect-token", Map.of("API_TOKEN", "s3cret-token"))) {
      String unknown = "/api/v1/task/" + TaskMessage.newTaskId();
      HttpResponse<Buffer> none = get(gw.http.get(unknown).send());
      assertJsonError(none, 401, "unauthorized");
      assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
      assertJsonError(get(gw.http.get(unknown).bearerTokenAuthentication("s3cret-tokeX").send()), 401, "unauthorized");
      assertJsonError(get(gw.http.get(unknown).putHeader("Authorization", "Basic czNjcmV0LXRva2Vu").send()), 401,
          "unauthorized");
      long tasks = gw.tasks();
      assertJsonError(gw.upload(png(64, 64)), 401, "unauthorized");
      assertThat(gw.tasks()).isEqualTo(tasks);

      assertJsonError(get(gw.http.get(unknown).bearerTokenAuthentication("s3cret-token").send()), 404, "task_not_found");
      assertJsonError(get(gw.http.get(unknown + "?access_token=s3cret-token").send()), 404, "task_not_found");
      assertThat(gw.upload(gw.http.post("/api/v1/task").bearerTokenAuthentication("s3cret-token"), "file", "a.png",
          "image/png", png(64, 64), Map.of()).statusCode()).isEqualTo(200);
      assertThat(get(gw.http.get("/api/v1/ping").send()).statusCode()).isEqualTo(200);
      assertThat(get(gw.http.get("/health/live").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("CORS: an allowed origin gets its preflight answered and the header on responses; others get nothing")
  void cors() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("protect-cors", Map.of("CORS_ORIGINS", "https://app.example.com"))) {
      HttpResponse<Buffer> preflight = get(gw.http.request(HttpMethod.OPTIONS, "/api/v1/task")
          .putHeader("Origin", "https://app.example.com")
          .putHeader("Access-Control-Request-Method", "POST")
          .putHeader("Access-Control-Request-Headers", "authorization").send());
      assertThat(preflight.statusCode()).isBetween(200, 204);
      assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
      assertThat(preflight.getHeader("Access-Control-Allow-Methods")).contains("POST");

      HttpResponse<Buffer> ping = get(gw.http.get("/api/v1/ping").putHeader("Origin", "https://app.example.com").send());
      assertThat(ping.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");

      HttpResponse<Buffer> evil = get(gw.http.get("/api/v1/ping").putHeader("Origin", "https://evil.example").send());
      assertThat(evil.getHeader("Access-Control-Allow-Origin")).isNull();
    }
    try (GatewayFixture gw = new GatewayFixture("protect-nocors", Map.of())) {
      HttpResponse<Buffer> ping = get(gw.http.get("/api/v1/ping").putHeader("Origin", "https://app.example.com").send());
      assertThat(ping.getHeader("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Test
  @DisplayName("while MongoDB is unreachable uploads and reads get 503 JSON with Retry-After, and work again once it is back")
  void mongoOutage() throws Exception {
    EmbeddedMongo mongo = EmbeddedMongo.startInMemory(0);
    int port = mongo.port();
    try (GatewayFixture gw = new GatewayFixture("protect-outage", Map.of("MONGO_URI", mongo.connectionString()))) {
      assertThat(gw.upload(png(64, 64)).statusCode()).isEqualTo(200);

      mongo.close();
      long start = System.nanoTime();
      HttpResponse<Buffer> down = gw.upload(png(64, 64));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertJsonError(down, 503, "service_unavailable");
      assertThat(down.getHeader("Retry-After")).isNotBlank();
      assertThat(tookMs).isLessThan(10_000);
      assertJsonError(get(gw.http.get("/api/v1/task/" + TaskMessage.newTaskId()).send()), 503, "service_unavailable");

      mongo = EmbeddedMongo.startInMemory(port);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> gw.upload(png(64, 64)).statusCode() == 200);
    } finally {
      mongo.close();
    }
  }
}
