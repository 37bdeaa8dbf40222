package io.stillmotion.worker;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker's internal health and metrics server, next to a worker on the embedded servers. */
class WorkerHealthServerTest {

  private static WorkerTestBed bed;
  private static HttpClient http;
  private static int port;
  private static final Set<String> failOnce = ConcurrentHashMap.newKeySet();

  record Reply(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Telemetry.createVertx(), "worker-health-test",
        Map.of("WORKER_ID", "health-worker", "RENDER_THREADS", "1", "HEALTH_PORT", "0"), true);
    StillmotionConfig config = bed.config();
    WorkerVerticle worker = new WorkerVerticle(config) {
      @Override
      protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
        if (failOnce.remove(task.id())) {
          throw new IOException("simulated transient failure");
        }
        return super.render(image, task, listener);
      }
    };
    get(bed.vertx.deployVerticle(worker));
    WorkerHealthServer server = new WorkerHealthServer(config.httpHost(), config.healthPort(), worker, Telemetry.registry(bed.vertx));
    get(bed.vertx.deployVerticle(server));
    port = server.actualPort();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  private static Reply fetch(String path) throws Exception {
    return fetch(port, path);
  }

  /**
   * One GET as a container's health probe makes it: a client outside Vert.x, with a deadline of its
   * own. Vert.x 5.0.7's HTTP client now and then loses a request before any of its timers is armed
   * (neither the connect nor the idle timeout fires, every event loop idle): a scratch loop of 20,000
   * GETs against a health router lost one in 6 of its first 9 runs (none in the 8 after), which is
   * how CI twice waited 60 s here. That loss is not what this suite tests.
   */
  private static Reply fetch(int serverPort, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
  }

  private static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /**
   * The metrics once the worker holds no task: it counts a task just after writing FINISHED and lets
   * go of it after that, so a task an earlier test saw finish may not be counted yet.
   */
  private static String idleMetrics() {
    String[] text = new String[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      text[0] = fetch("/metrics").body();
      return text[0].contains("stillmotion_worker_active_tasks 0.0");
    });
    return text[0];
  }

  private static String submit(byte[] image, RenderOptions options) throws Exception {
    return submit(TaskMessage.newTaskId(), image, options);
  }

  private static String submit(String id, byte[] image, RenderOptions options) throws Exception {
    Task task = Task.pending(id, "png", options, System.currentTimeMillis());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), image));
    get(bed.tasks.insert(task));
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
    return id;
  }

  private static TaskStatus awaitTerminal(String id) {
    TaskStatus[] status = new TaskStatus[1];
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Task task = get(bed.tasks.find(id));
      status[0] = task == null ? null : task.status();
      return status[0] != null && status[0].isTerminal();
    });
    return status[0];
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("/health/live is 200 JSON naming the worker")
  void live() throws Exception {
    Reply reply = fetch("/health/live");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(check(reply.json(), "tasks").getJsonObject("data").getString("workerId")).isEqualTo("health-worker");
  }

  @Test
  @DisplayName("HEAD /health/live and /metrics answer as GET does, without a body (uptime monitors send HEAD)")
  void head() throws Exception {
    for (String path : new String[] {"/health/live", "/metrics"}) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(20)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).isEmpty();
    }
  }

  @Test
  @DisplayName("/health/ready is 200 once MongoDB answers and the task queue is consumed")
  void ready() throws Exception {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(fetch("/health/ready").status()).isEqualTo(200));

    JsonObject health = fetch("/health/ready").json();

    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(check(health, "mongo").getString("status")).isEqualTo("UP");
    assertThat(check(health, "broker").getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("/health/ready is 503 with MongoDB and the broker DOWN when neither can be reached")
  void notReady() throws Exception {
    StillmotionConfig unreachable = StillmotionConfig.fromEnv(Map.of(
        "MONGO_URI", "mongodb://127.0.0.1:1", "AMQP_URI", "amqp://127.0.0.1:1", "WORKER_ID", "lonely-worker"));
    Vertx other = Vertx.vertx();
    try {
      WorkerVerticle lonely = new WorkerVerticle(unreachable);
      get(other.deployVerticle(lonely));
      WorkerHealthServer server = new WorkerHealthServer("127.0.0.1", 0, lonely, Telemetry.registry(other));
      get(other.deployVerticle(server));
      Reply reply = fetch(server.actualPort(), "/health/ready");

      assertThat(reply.status()).isEqualTo(503);
      assertThat(check(reply.json(), "mongo").getString("status")).isEqualTo("DOWN");
      assertThat(check(reply.json(), "broker").getString("status")).isEqualTo("DOWN");
    } finally {
      get(other.close());
    }
  }

  @Test
  @DisplayName("the health JSON lists the task being rendered with its progress, and /metrics counts it when done")
  void currentTaskAndCounters() throws Exception {
    String before = idleMetrics();
    String id = submit(WorkerVerticleTest.png(640, 480),
        RenderOptions.fromFields(Map.of("duration", "2", "size", "720x720", "fps", "24")));

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      JsonArray current = check(fetch("/health/live").json(), "tasks").getJsonObject("data").getJsonArray("tasks");
      assertThat(current).hasSize(1);
      JsonObject task = current.getJsonObject(0);
      assertThat(task.getString("id")).isEqualTo(id);
      assertThat(task.getInteger("progress")).isBetween(0, 100);
      assertThat(task.getLong("since")).isPositive();
    });
    assertThat(awaitTerminal(id)).isEqualTo(TaskStatus.FINISHED);

    // FINISHED is visible in MongoDB a moment before the worker counts it and lets go of the task.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String after = fetch("/metrics").body();
      assertThat(sample(after, "stillmotion_tasks_finished_total"))
          .isEqualTo(sample(before, "stillmotion_tasks_finished_total") + 1);
      assertThat(sample(after, "stillmotion_render_seconds_count{size=\"720x720\"}"))
          .isEqualTo(sample(before, "stillmotion_render_seconds_count{size=\"720x720\"}") + 1);
      assertThat(after).contains("jvm_memory_used_bytes{").contains("stillmotion_worker_active_tasks 0.0");
    });
  }

  @Test
  @DisplayName("an attempt that fails and is queued again moves stillmotion_tasks_retried_total")
  void retriedCounter() throws Exception {
    double before = sample(fetch("/metrics").body(), "stillmotion_tasks_retried_total");
    String id = TaskMessage.newTaskId();
    failOnce.add(id);

    submit(id, WorkerVerticleTest.png(200, 200), RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720")));

    assertThat(awaitTerminal(id)).isEqualTo(TaskStatus.FINISHED);
    assertThat(sample(fetch("/metrics").body(), "stillmotion_tasks_retried_total")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a task that fails for good moves stillmotion_tasks_failed_total")
  void failedCounter() throws Exception {
    double before = sample(fetch("/metrics").body(), "stillmotion_tasks_failed_total");

    String id = submit("not a picture".getBytes(), RenderOptions.fromFields(Map.of("duration", "1")));

    assertThat(awaitTerminal(id)).isEqualTo(TaskStatus.FAILED);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(sample(fetch("/metrics").body(), "stillmotion_tasks_failed_total")).isEqualTo(before + 1));
  }
}
