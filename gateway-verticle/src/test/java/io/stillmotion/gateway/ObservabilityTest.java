package io.stillmotion.gateway;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.telemetry.Telemetry;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and metrics endpoints of the gateway, with a worker in the same (metered) Vert.x. */
class ObservabilityTest {

  private static Vertx vertx;
  private static WebClient http;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Telemetry.createVertx();
    dataDir = Files.createTempDirectory("observability-test");
    StillmotionConfig config = StillmotionConfig.fromEnv(env(TestInfra.mongo().connectionString(), TestInfra.amqpUri()));
    RabbitMQClient rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions(config.amqpClientConfig()));
    get(rabbit.start());
    get(rabbit.queueDelete(Names.TASK_QUEUE).otherwiseEmpty());
    get(rabbit.stop());
    GatewayVerticle gateway = new GatewayVerticle(config);
    get(vertx.deployVerticle(gateway));
    get(vertx.deployVerticle(new WorkerVerticle(config)));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.actualPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  private static Map<String, String> env(String mongoUri, String amqpUri) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("MONGO_URI", mongoUri);
    env.put("MONGO_DB", "observability-test");
    env.put("AMQP_URI", amqpUri);
    env.put("DATA_DIR", dataDir.toString());
    env.put("WEB_ROOT", dataDir.resolve("no-ui").toString());
    env.put("WORKER_ID", "observability-worker");
    env.put("RENDER_THREADS", "2");
    return env;
  }

  private static HttpResponse<Buffer> fetch(WebClient client, String path) throws Exception {
    return get(client.get(path).send());
  }

  private static String metrics() throws Exception {
    HttpResponse<Buffer> response = fetch(http, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsString();
  }

  /** The value of one sample line (name and labels exactly as written), 0 when absent. */
  static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /**
   * The metrics once every task accepted so far has been counted finished: the worker counts a task
   * just after writing FINISHED, so a task an earlier test saw finish may not be counted yet.
   */
  private static String quietMetrics() {
    String[] text = new String[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      text[0] = metrics();
      return sample(text[0], "stillmotion_tasks_accepted_total") == sample(text[0], "stillmotion_tasks_finished_total");
    });
    return text[0];
  }

  private String uploadAndFinish() throws Exception {
    Path image = dataDir.resolve("photo.png");
    Files.write(image, GatewayApiTest.png(320, 240));
    MultipartForm form = MultipartForm.create()
        .attribute("duration", "1").attribute("fps", "24").attribute("size", "720x720")
        .binaryFileUpload("file", "photo.png", image.toString(), "image/png");
    HttpResponse<Buffer> created = get(http.post("/api/v1/task").sendMultipartForm(form));
    assertThat(created.statusCode()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getString("id");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        TaskStatus.FINISHED.name().equals(fetch(http, "/api/v1/task/" + id).bodyAsJsonObject().getString("status")));
    return id;
  }

  @Test
  @DisplayName("/health/live answers 200 JSON while the process runs")
  void live() throws Exception {
    HttpResponse<Buffer> response = fetch(http, "/health/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("/health/ready is 200 with MongoDB and the broker checked and UP")
  void ready() throws Exception {
    HttpResponse<Buffer> response = fetch(http, "/health/ready");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("UP");
    JsonArray checks = body.getJsonArray("checks");
    assertThat(checks.stream().map(c -> ((JsonObject) c).getString("id"))).contains("mongo", "broker");
    assertThat(checks.stream().map(c -> ((JsonObject) c).getString("status"))).containsOnly("UP");
  }

  @Test
  @DisplayName("/health/ready is 503 naming what is down when MongoDB and the broker cannot be reached")
  void notReady() throws Exception {
    StillmotionConfig unreachable = StillmotionConfig.fromEnv(env("mongodb://127.0.0.1:1", "amqp://127.0.0.1:1"));
    GatewayVerticle lonely = new GatewayVerticle(unreachable);
    Vertx other = Vertx.vertx();
    try {
      get(other.deployVerticle(lonely));
      WebClient client = WebClient.create(other, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(lonely.actualPort()));

      HttpResponse<Buffer> response = fetch(client, "/health/ready");

      assertThat(response.statusCode()).isEqualTo(503);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("DOWN");
      assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("status")))
          .containsOnly("DOWN");
      assertThat(fetch(client, "/health/live").statusCode()).isEqualTo(200);
    } finally {
      get(other.close());
    }
  }

  @Test
  @DisplayName("/metrics counts an accepted and finished task, its render time and upload size")
  void taskCounters() throws Exception {
    String before = quietMetrics();

    uploadAndFinish();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String after = metrics();
      assertThat(sample(after, "stillmotion_tasks_accepted_total"))
          .isEqualTo(sample(before, "stillmotion_tasks_accepted_total") + 1);
      assertThat(sample(after, "stillmotion_tasks_finished_total"))
          .isEqualTo(sample(before, "stillmotion_tasks_finished_total") + 1);
      assertThat(sample(after, "stillmotion_upload_bytes_count"))
          .isEqualTo(sample(before, "stillmotion_upload_bytes_count") + 1);
      assertThat(sample(after, "stillmotion_render_seconds_count{size=\"720x720\"}"))
          .isEqualTo(sample(before, "stillmotion_render_seconds_count{size=\"720x720\"}") + 1);
      assertThat(sample(after, "stillmotion_render_fps_count{size=\"720x720\"}")).isPositive();
    });
  }

  @Test
  @DisplayName("/metrics has HTTP rates and latencies by route template, never by raw path, and JVM meters")
  void httpAndJvm() throws Exception {
    String id = uploadAndFinish();

    String text = metrics();

    assertThat(text).contains("vertx_http_server_requests_total{")
        .contains("route=\"/api/v1/task/:id\"")
        .contains("vertx_http_server_response_time_seconds_bucket{")
        .contains("jvm_memory_used_bytes{")
        .contains("stillmotion_worker_active_tasks")
        .doesNotContain(id);
  }

  @Test
  @DisplayName("/metrics shows the depth of the task queue, polled from the broker")
  void queueDepth() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(metrics()).containsPattern("(?m)^stillmotion_queue_depth \\d"));
  }
}
