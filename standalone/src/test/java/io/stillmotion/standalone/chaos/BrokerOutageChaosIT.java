package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Names;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops and starts again on the same port while tasks are queued, rendering and being
 * uploaded: every accepted task still finishes, once. Against the embedded broker (messages in
 * memory, lost with it) and, when one is configured locally, the real RabbitMQ (durable queue).
 */
class BrokerOutageChaosIT {

  private static final Map<String, String> SHORT_VIDEO = Map.of("duration", "1", "size", "720x720", "fps", "24");
  /** Long enough to be mid-render when the broker goes, and to show progress events. */
  private static final Map<String, String> LONGER_VIDEO = Map.of("duration", "3", "size", "720x720", "fps", "24");
  /** About 1.5 s of rendering on a fast 2-core machine, several seconds on a slow one. */
  private static final Map<String, String> MID_RENDER_VIDEO = Map.of("duration", "8", "size", "1280x720", "fps", "30");

  @Test
  @DisplayName("broker restart mid-stream and uploads while it is down: all accepted tasks finish, one video each")
  void brokerRestart() throws Exception {
    restartMidStream(null);
  }

  @Test
  @DisplayName("the same against the real RabbitMQ on this machine, restarted with rabbitmqctl")
  void realRabbitMqRestart() throws Exception {
    String uri = ChaosRig.restartableRealBroker();
    Assumptions.assumeTrue(uri != null, "no local RabbitMQ to restart (TEST_AMQP_URI + rabbitmqctl)");
    restartMidStream(uri);
  }

  @Test
  @DisplayName("three real RabbitMQ restarts mid-render: one consumer per worker, the gateway's event queue back, "
      + "live SSE events afterwards, no ERROR loop, every task FINISHED")
  void threeRealRabbitMqRestarts() throws Exception {
    String uri = ChaosRig.restartableRealBroker();
    Assumptions.assumeTrue(uri != null, "no local RabbitMQ to restart (TEST_AMQP_URI + rabbitmqctl)");
    try (ChaosRig rig = new ChaosRig(Map.of(), uri)) {
      rig.startWorker("w1", Map.of());
      rig.startGateway("gw", Map.of(), List.of("-Xmx384m"));
      WebClient http = WebClient.create(rig.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(rig.gatewayPort("gw")));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(upload(http, ChaosRig.png(320, 240, i), LONGER_VIDEO));
      }
      List<String> figures = new ArrayList<>();
      for (int restart = 1; restart <= 3; restart++) {
        // A render of its own to restart in the middle of: on a fast machine the backlog above is gone
        // within seconds, and a round that waited for some task to be PROCESSING waited in vain.
        String midRender = upload(http, ChaosRig.png(640, 360, 20 + restart), MID_RENDER_VIDEO);
        ids.add(midRender);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
            .until(() -> rig.task(midRender).status() == TaskStatus.PROCESSING);
        long finishedBefore = rig.count(TaskStatus.FINISHED);
        long stopping = System.currentTimeMillis();
        ChaosRig.rabbitmqctl("stop_app");
        long stopped = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> readiness(http) == 503);
        ChaosRig.rabbitmqctl("start_app");
        long downMs = System.currentTimeMillis() - stopped;
        long stopMs = stopped - stopping;
        ids.add(upload(http, ChaosRig.png(320, 240, 10 * restart), LONGER_VIDEO));
        // Progress after the restart: a task finished on the new connections.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
            .until(() -> rig.count(TaskStatus.FINISHED) > finishedBefore && readiness(http) == 200);
        Map<String, Integer> consumers = rig.consumersPerQueue();
        figures.add("restart " + restart + " (stop_app took " + stopMs + " ms, then down " + downMs
            + " ms until start_app returned): " + consumers);
        assertThat(consumers.get(Names.TASK_QUEUE)).as("task-queue consumers after restart %d", restart).isEqualTo(1);
        assertThat(eventQueues(consumers)).as("event queues after restart %d", restart)
            .hasSize(2).allMatch(c -> c == 1);
      }

      String live = upload(http, ChaosRig.png(320, 240, 77), MID_RENDER_VIDEO);
      ids.add(live);
      List<JsonObject> events = sse(rig, http, live);
      long processing = events.stream().filter(e -> "PROCESSING".equals(e.getString("status"))).count();
      figures.add("SSE after the restarts: " + events.size() + " events, " + processing + " PROCESSING, last "
          + events.get(events.size() - 1).getString("status"));

      awaitAllTerminal(rig, ids, Duration.ofMinutes(4));
      figures.add("ERROR lines: worker " + rig.errorLines("w1") + ", gateway " + rig.errorLines("gw"));
      figures.forEach(f -> System.out.println("three restarts: " + f));
      for (String id : ids) {
        assertThat(rig.task(id).status()).as(id).isEqualTo(TaskStatus.FINISHED);
        assertThat(rig.videos(id)).as(id).isEqualTo(1);
      }
      assertThat(events.get(events.size() - 1).getString("status")).isEqualTo("FINISHED");
      // The 15 s resync alone would deliver at most one or two snapshots of a render this short.
      assertThat(processing).as("live PROCESSING events").isGreaterThanOrEqualTo(2);
      assertThat(rig.errorLines("w1")).isZero();
      assertThat(rig.errorLines("gw")).isZero();
    }
  }

  @Test
  @DisplayName("a disk alarm on the real RabbitMQ blocks publishers: uploads still answer at once, every task "
      + "FINISHED once it lifts")
  void realRabbitMqResourceAlarm() throws Exception {
    String uri = ChaosRig.restartableRealBroker();
    Assumptions.assumeTrue(uri != null, "no local RabbitMQ to control (TEST_AMQP_URI + rabbitmqctl)");
    String limit = new JsonObject(ChaosRig.rabbitmqctl("status", "--formatter", "json"))
        .getValue("disk_free_limit").toString();
    try (ChaosRig rig = new ChaosRig(Map.of(), uri)) {
      rig.startWorker("w1", Map.of());
      rig.startGateway("gw", Map.of(), List.of());
      WebClient http = WebClient.create(rig.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(rig.gatewayPort("gw")));
      List<String> ids = new ArrayList<>(List.of(upload(http, ChaosRig.png(320, 240, 1), SHORT_VIDEO)));
      List<Long> blockedMs = new ArrayList<>();
      try {
        // More free disk than any machine has: the broker raises its disk alarm and blocks publishers.
        ChaosRig.rabbitmqctl("set_disk_free_limit", "1000000GB");
        for (int i = 0; i < 4; i++) {
          long started = System.currentTimeMillis();
          ids.add(upload(http, ChaosRig.png(320, 240, 10 + i), SHORT_VIDEO));
          blockedMs.add(System.currentTimeMillis() - started);
        }
      } finally {
        ChaosRig.rabbitmqctl("set_disk_free_limit", limit);
      }
      System.out.println("uploads while the broker blocked publishers took " + blockedMs + " ms");
      // Before: each waited out the 10 s confirm timeout (measured 10.08-10.14 s).
      assertThat(blockedMs).allMatch(ms -> ms < 5_000);
      awaitAllTerminal(rig, ids, Duration.ofMinutes(3));
      for (String id : ids) {
        assertThat(rig.task(id).status()).as(id).isEqualTo(TaskStatus.FINISHED);
        assertThat(rig.videos(id)).as(id).isEqualTo(1);
      }
      assertThat(rig.errorLines("w1")).isZero();
      assertThat(rig.errorLines("gw")).isZero();
    }
  }

  private static void awaitAllTerminal(ChaosRig rig, List<String> ids, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
      for (String id : ids) {
        if (!rig.task(id).status().isTerminal()) {
          return false;
        }
      }
      return true;
    });
  }

  /** The gateways' server-named event queues (the in-process one and the gateway JVM's). */
  private static List<Integer> eventQueues(Map<String, Integer> consumers) {
    return consumers.entrySet().stream().filter(e -> e.getKey().startsWith("amq.gen-")).map(Map.Entry::getValue)
        .toList();
  }

  private static int readiness(WebClient http) throws Exception {
    return get(http.get("/health/ready").send()).statusCode();
  }

  private static String upload(WebClient http, byte[] image, Map<String, String> options) throws Exception {
    MultipartForm form = MultipartForm.create();
    options.forEach(form::attribute);
    form.binaryFileUpload("file", "photo.png", Buffer.buffer(image), "image/png");
    HttpResponse<Buffer> response = get(http.post("/api/v1/task").timeout(60_000).sendMultipartForm(form));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("id");
  }

  /** The task's SSE stream from the gateway JVM, read until a terminal status. */
  private static List<JsonObject> sse(ChaosRig rig, WebClient http, String id) throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    Promise<Void> ended = Promise.promise();
    HttpClient client = rig.vertx.createHttpClient();
    int port = rig.gatewayPort("gw");
    client.request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/task/" + id + "/events")
        .compose(req -> req.putHeader("Accept", "text/event-stream").send())
        .onSuccess(resp -> {
          StringBuilder pending = new StringBuilder();
          resp.handler(chunk -> {
            pending.append(chunk.toString());
            int cut;
            while ((cut = pending.indexOf("\n")) >= 0) {
              String line = pending.substring(0, cut);
              pending.delete(0, cut + 1);
              if (line.startsWith("data:")) {
                JsonObject event = new JsonObject(line.substring(5).trim());
                events.add(event);
                String status = event.getString("status");
                if ("FINISHED".equals(status) || "FAILED".equals(status)) {
                  ended.tryComplete();
                }
              }
            }
          });
          resp.endHandler(v -> ended.tryComplete());
        })
        .onFailure(ended::tryFail);
    get(ended.future(), Duration.ofMinutes(3));
    get(client.close());
    return events;
  }

  private void restartMidStream(String realBrokerUri) throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of(), realBrokerUri)) {
      rig.startWorker("w1", Map.of());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, i), SHORT_VIDEO));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> rig.count(TaskStatus.FINISHED) >= 1);

      rig.stopBroker();
      long downAt = System.currentTimeMillis();
      for (int i = 0; i < 4; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, 100 + i), SHORT_VIDEO));
      }
      // A real outage: the services have noticed the broker is gone before it comes back.
      await().atMost(Duration.ofSeconds(60)).until(() -> rig.gatewayReadiness() == 503);
      rig.startBroker();
      long upAt = System.currentTimeMillis();
      for (int i = 0; i < 2; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, 200 + i), SHORT_VIDEO));
      }

      awaitAllTerminal(rig, ids, Duration.ofMinutes(4));
      System.out.printf("broker down %d ms; all %d tasks terminal %d ms after it came back%n", upAt - downAt,
          ids.size(), System.currentTimeMillis() - upAt);
      for (String id : ids) {
        assertThat(rig.task(id).status()).as(id).isEqualTo(TaskStatus.FINISHED);
        assertThat(rig.videos(id)).as(id).isEqualTo(1);
      }
    }
  }
}
