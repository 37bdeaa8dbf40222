package io.stillmotion.worker;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.stillmotion.model.TaskEvent;
import io.vertx.rabbitmq.QueueOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks as a receiver sees them, with real workers: at least once across a process restart, from
 * the stale-task sweeper too, retried with one delivery id, every POST signed over a timestamp.
 */
class WebhookDeliveryTest {

  private static final String SECRET = "webhook-delivery-secret";
  private static WorkerTestBed bed;
  private static HttpServer receiver;
  private static final List<Received> received = new CopyOnWriteArrayList<>();
  private static final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private static final AtomicInteger answer = new AtomicInteger(204);
  private final List<Vertx> processes = new ArrayList<>();

  record Received(MultiMap headers, Buffer body, int answered, long atSeconds) {
    String taskId() {
      return body.toJsonObject().getString("id");
    }

    String deliveryId() {
      return headers.get("X-Stillmotion-Delivery");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "webhook-delivery-test", Map.of(
        "WORKER_ID", "webhook-worker",
        "RENDER_THREADS", "2",
        "HEARTBEAT_TIMEOUT_MS", "1000",
        "WEBHOOK_SECRET", SECRET,
        "WEBHOOK_ALLOW_PRIVATE", "true",
        "WEBHOOK_RETRY_MAX_MS", "200",
        "WEBHOOK_TIMEOUT_MS", "1000"), true);
    receiver = get(bed.vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Integer scripted = script.pollFirst();
      int status = scripted != null ? scripted : answer.get();
      received.add(new Received(request.headers(), body, status, System.currentTimeMillis() / 1000));
      request.response().setStatusCode(status).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  @BeforeEach
  void reset() {
    received.clear();
    script.clear();
    answer.set(204);
  }

  @AfterEach
  void stopProcesses() throws Exception {
    for (Vertx process : processes) {
      get(process.close());
    }
  }

  static StillmotionConfig config(Map<String, String> extra) {
    return bed.config(extra);
  }

  /** A worker in a Vert.x of its own: closing that Vert.x is the process going away. */
  private Vertx workerProcess() throws Exception {
    Vertx process = Vertx.vertx();
    processes.add(process);
    get(process.deployVerticle(new WorkerVerticle(config(Map.of()))));
    return process;
  }

  private static String hookUrl() {
    return "http://127.0.0.1:" + receiver.actualPort() + "/hook";
  }

  private static Task storeTask() throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720",
        "fps", "24")), System.currentTimeMillis()).withCallbackUrl(hookUrl());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), WorkerVerticleTest.png(200, 150)));
    get(bed.tasks.insert(task));
    return task;
  }

  private static String submit() throws Exception {
    String id = storeTask().id();
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
    return id;
  }

  private static List<Received> deliveriesFor(String id) {
    return received.stream().filter(r -> id.equals(r.taskId())).toList();
  }

  private static JsonObject webhookRecord(String id) throws Exception {
    JsonObject doc = get(bed.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null));
    return doc.getJsonObject("webhook", new JsonObject());
  }

  private static Task awaitStatus(String id, TaskStatus wanted) {
    Task[] result = new Task[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      result[0] = get(bed.tasks.find(id));
      return result[0] != null && result[0].status() == wanted;
    });
    return result[0];
  }

  /** What a receiver does, written here independently of the service's own signer. */
  private static void assertSignedNow(Received hook) throws Exception {
    String timestamp = hook.headers().get("X-Stillmotion-Timestamp");
    assertThat(timestamp).as("X-Stillmotion-Timestamp").matches("\\d{10}");
    assertThat(Math.abs(Long.parseLong(timestamp) - hook.atSeconds())).isLessThanOrEqualTo(5);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(hook.body().getBytes()));
    assertThat(hook.headers().get("X-Stillmotion-Signature")).isEqualTo(expected);
  }

  @Test
  @DisplayName("a delivery still owed when its process goes away is made by the next one, with the same delivery id")
  void deliverySurvivesRestart() throws Exception {
    answer.set(500);
    Vertx first = workerProcess();
    String id = submit();
    awaitStatus(id, TaskStatus.FINISHED);
    await().atMost(Duration.ofSeconds(30)).until(() -> !deliveriesFor(id).isEmpty());
    String deliveryId = deliveriesFor(id).get(0).deliveryId();

    get(first.close());
    processes.remove(first);
    answer.set(204);
    workerProcess();

    await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesFor(id).stream().anyMatch(r -> r.answered() == 204));
    assertThat(deliveriesFor(id)).extracting(Received::deliveryId).containsOnly(deliveryId);
    await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(webhookRecord(id).getString("state")));
  }

  @Test
  @DisplayName("a task the stale-task sweeper marks FAILED is POSTed to its callbackUrl as task.failed")
  void sweeperFailureIsDelivered() throws Exception {
    String id = storeTask().id();
    long stale = System.currentTimeMillis() - 5_000;
    get(bed.mongo.updateCollection(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), new JsonObject()
        .put("$set", new JsonObject().put("status", "PROCESSING").put("workerId", "killed-worker")
            .put("heartbeatAt", stale).put("attempts", 3).put("published", true))));

    workerProcess();

    awaitStatus(id, TaskStatus.FAILED);
    await().atMost(Duration.ofSeconds(30)).until(() -> !deliveriesFor(id).isEmpty());
    Received hook = deliveriesFor(id).get(0);
    assertThat(hook.headers().get("X-Stillmotion-Event")).isEqualTo("task.failed");
    assertThat(hook.body().toJsonObject().getString("status")).isEqualTo("FAILED");
    assertThat(hook.body().toJsonObject().getString("message")).contains("3 times");
    assertSignedNow(hook);
    await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(webhookRecord(id).getString("state")));
  }

  /** Every event published for the task, as the gateway's relay would receive it. */
  private static List<TaskEvent> listenToEvents(String id) throws Exception {
    List<TaskEvent> events = new CopyOnWriteArrayList<>();
    get(bed.rabbit.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false));
    String queue = get(bed.rabbit.queueDeclare("", false, true, true)).getQueue();
    get(bed.rabbit.queueBind(queue, Names.EVENTS_EXCHANGE, Names.eventRoutingKey(id)));
    CountDownLatch consuming = new CountDownLatch(1);
    bed.rabbit.basicConsumer(queue, new QueueOptions().setAutoAck(true)).onSuccess(consumer -> {
      consumer.handler(message -> events.add(TaskEvent.fromJson(message.body().toJsonObject())));
      consuming.countDown();
    });
    assertThat(consuming.await(30, TimeUnit.SECONDS)).isTrue();
    return events;
  }

  @Test
  @DisplayName("a task the stale-task sweeper marks FAILED is announced as a FAILED event with its message")
  void sweeperFailureIsAnnounced() throws Exception {
    String id = storeTask().id();
    List<TaskEvent> events = listenToEvents(id);
    long stale = System.currentTimeMillis() - 5_000;
    get(bed.mongo.updateCollection(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), new JsonObject()
        .put("$set", new JsonObject().put("status", "PROCESSING").put("workerId", "killed-worker")
            .put("heartbeatAt", stale).put("attempts", 3).put("published", true))));

    workerProcess();

    awaitStatus(id, TaskStatus.FAILED);
    await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.status() == TaskStatus.FAILED));
    TaskEvent failed = events.stream().filter(e -> e.status() == TaskStatus.FAILED).findFirst().orElseThrow();
    assertThat(failed.message()).contains("3 times");
    // Settled before the next test: a delivery left claimed would be made again into its receiver.
    await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(webhookRecord(id).getString("state")));
  }

  @Test
  @DisplayName("a receiver that answers 500 twice, then 200, gets three signed POSTs with one delivery id")
  void retriedWithOneDeliveryId() throws Exception {
    script.add(500);
    script.add(500);
    answer.set(200);
    workerProcess();
    String id = submit();

    await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(webhookRecord(id).getString("state")));

    List<Received> hooks = deliveriesFor(id);
    assertThat(hooks).extracting(Received::answered).containsExactly(500, 500, 200);
    assertThat(hooks).extracting(Received::deliveryId).containsOnly(hooks.get(0).deliveryId());
    assertThat(hooks.get(0).deliveryId()).matches("[0-9a-f-]{36}");
    assertThat(hooks).extracting(r -> r.headers().get("X-Stillmotion-Event")).containsOnly("task.finished");
    assertThat(hooks).extracting(Received::body).containsOnly(hooks.get(0).body());
    for (Received hook : hooks) {
      assertSignedNow(hook);
    }
    assertThat(webhookRecord(id).getInteger("attempts")).isEqualTo(3);
  }
}
