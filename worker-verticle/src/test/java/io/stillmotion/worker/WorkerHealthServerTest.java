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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
    // A fresh connection per request: no request of this suite can land on a pooled connection that
    // the client or server is closing at that moment (a CI run once waited 60 s on /health/live).
    http = bed.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(10_000));
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  private static Reply fetch(String path) throws Exception {
    return get(http.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setHost("127.0.0.1")
            .setURI(path).setIdleTimeout(20_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("Content-Type"),
            b.toString()))));
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
      HttpClient client = other.createHttpClient();

      Reply reply = get(client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health/ready")
          .compose(req -> req.send())
          .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("Content-Type"),
              b.toString()))));

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
