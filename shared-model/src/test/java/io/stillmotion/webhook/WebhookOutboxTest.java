package io.stillmotion.webhook;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.stillmotion.model.WebhookDelivery;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbox against the embedded MongoDB and a local receiver: claims, retries, the end states. */
class WebhookOutboxTest {

  private static final String DB = "webhook-outbox-test";
  private static Vertx receiverVertx;
  private static HttpServer receiver;
  private static MongoClient admin;
  private static final List<Hit> hits = new CopyOnWriteArrayList<>();
  private static final ConcurrentLinkedDeque<Integer> script = new ConcurrentLinkedDeque<>();
  private static final AtomicInteger answer = new AtomicInteger(204);
  private static final AtomicInteger holdMs = new AtomicInteger();
  private static final Map<String, AtomicInteger> inFlightById = new ConcurrentHashMap<>();
  private static final AtomicInteger inFlight = new AtomicInteger();
  private static final AtomicInteger maxInFlight = new AtomicInteger();
  private static final AtomicInteger overlaps = new AtomicInteger();
  private final List<Instance> instances = new ArrayList<>();

  record Hit(String taskId, String deliveryId, int answered, long atMs) {
  }

  /** One process: its own Vert.x (and meter registry), MongoDB client and outbox. */
  record Instance(Vertx vertx, TaskStore tasks, WebhookOutbox outbox) {
    double counter(String name) {
      return StillmotionMetrics.of(vertx).registry().counter(name).count();
    }
  }

  @BeforeAll
  static void startReceiver() throws Exception {
    receiverVertx = Vertx.vertx();
    admin = mongo(receiverVertx);
    receiver = get(receiverVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String deliveryId = request.getHeader(WebhookSender.DELIVERY_HEADER);
      if (inFlightById.computeIfAbsent(deliveryId, k -> new AtomicInteger()).incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Integer scripted = script.pollFirst();
      int status = scripted != null ? scripted : answer.get();
      Runnable respond = () -> {
        inFlightById.get(deliveryId).decrementAndGet();
        inFlight.decrementAndGet();
        hits.add(new Hit(body.toJsonObject().getString("id"), deliveryId, status, System.currentTimeMillis()));
        request.response().setStatusCode(status).end();
      };
      if (holdMs.get() > 0) {
        receiverVertx.setTimer(holdMs.get(), t -> respond.run());
      } else {
        respond.run();
      }
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stopReceiver() throws Exception {
    get(receiverVertx.close());
  }

  @BeforeEach
  void reset() throws Exception {
    hits.clear();
    script.clear();
    answer.set(204);
    holdMs.set(0);
    inFlightById.clear();
    inFlight.set(0);
    maxInFlight.set(0);
    overlaps.set(0);
    get(admin.removeDocuments(Names.TASKS_COLLECTION, new JsonObject()));
  }

  @AfterEach
  void stopInstances() throws Exception {
    for (Instance instance : instances) {
      get(instance.outbox().stop());
      get(instance.vertx().close());
    }
  }

  private static WebhookConfig config(int maxAttempts, int concurrency) {
    return new WebhookConfig("outbox-secret", true, maxAttempts, 2_000, 20, concurrency);
  }

  private static MongoClient mongo(Vertx vertx) {
    return MongoClient.create(vertx, new JsonObject()
        .put("connection_string", TestInfra.mongo().connectionString()).put("db_name", DB));
  }

  private Instance instance(WebhookConfig config, boolean start) throws Exception {
    Vertx vertx = Telemetry.createVertx();
    TaskStore tasks = new TaskStore(mongo(vertx));
    WebhookOutbox outbox = new WebhookOutbox(vertx, tasks, config, "instance-" + instances.size(), 20);
    Instance instance = new Instance(vertx, tasks, outbox);
    instances.add(instance);
    if (start) {
      get(outbox.start());
    }
    return instance;
  }

  private static String hookUrl() {
    return "http://127.0.0.1:" + receiver.actualPort() + "/hook";
  }

  private static Task terminalTask(TaskStore tasks, TaskStatus status, String callbackUrl) throws Exception {
    String id = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    Task task = new Task(id, status, 100, "/uploads/" + id + ".png", null, RenderOptions.defaults(), 1, now, now,
        null, null, callbackUrl);
    get(tasks.insert(task));
    return task;
  }

  private static JsonObject record(String id) throws Exception {
    return get(admin.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null)).getJsonObject("webhook");
  }

  private static List<Hit> hitsFor(String id) {
    return hits.stream().filter(h -> id.equals(h.taskId())).toList();
  }

  private static void awaitState(String id, WebhookDelivery.State state) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> state.name().equals(record(id).getString("state")));
  }

  @Test
  @DisplayName("two instances draining one outbox never POST the same delivery at once, and make each exactly once")
  void twoDrainersNeverOverlap() throws Exception {
    holdMs.set(100);
    Instance first = instance(config(3, 4), false);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(terminalTask(first.tasks(), TaskStatus.FINISHED, hookUrl()).id());
    }
    get(first.outbox().start());
    instance(config(3, 4), true);

    for (String id : ids) {
      awaitState(id, WebhookDelivery.State.DELIVERED);
    }
    assertThat(overlaps.get()).as("POSTs of one delivery in flight at the same time").isZero();
    assertThat(hits).hasSize(20);
    assertThat(hits.stream().map(Hit::deliveryId).distinct()).hasSize(20);
  }

  @Test
  @DisplayName("a claim whose holder died passes on when it expires: the delivery is made then, with the same id")
  void deadClaimPassesOn() throws Exception {
    Instance survivor = instance(config(5, 4), false);
    Task task = terminalTask(survivor.tasks(), TaskStatus.FINISHED, hookUrl());
    WebhookDelivery owed = WebhookDelivery.fromDocument(record(task.id()));
    long lockedUntil = System.currentTimeMillis() + 700;
    assertThat(get(survivor.tasks().claimWebhook(task.id(), owed, "dead-claim", "dead-instance", lockedUntil)))
        .isTrue();
    assertThat(get(survivor.tasks().claimWebhook(task.id(), owed, "late-claim", "other", lockedUntil)))
        .as("a second claim on the same read").isFalse();

    get(survivor.outbox().start());

    awaitState(task.id(), WebhookDelivery.State.DELIVERED);
    assertThat(hitsFor(task.id())).hasSize(1);
    assertThat(hitsFor(task.id()).get(0).deliveryId()).isEqualTo(owed.id());
    assertThat(hitsFor(task.id()).get(0).atMs()).isGreaterThanOrEqualTo(lockedUntil);
    assertThat(record(task.id()).getInteger("attempts")).isEqualTo(2);
  }

  @Test
  @DisplayName("500 twice then 200: three POSTs with one delivery id, DELIVERED after 3 attempts, counted")
  void retriedUntilDelivered() throws Exception {
    script.add(500);
    script.add(500);
    Instance instance = instance(config(5, 4), true);
    Task task = terminalTask(instance.tasks(), TaskStatus.FAILED, hookUrl());
    instance.outbox().nudge();

    awaitState(task.id(), WebhookDelivery.State.DELIVERED);
    assertThat(hitsFor(task.id())).extracting(Hit::answered).containsExactly(500, 500, 204);
    assertThat(hitsFor(task.id())).extracting(Hit::deliveryId).containsOnly(hitsFor(task.id()).get(0).deliveryId());
    JsonObject record = record(task.id());
    assertThat(record.getInteger("attempts")).isEqualTo(3);
    assertThat(record.getString("claim")).isNull();
    assertThat(instance.counter(StillmotionMetrics.WEBHOOKS_RETRIED)).isEqualTo(2);
    assertThat(instance.counter(StillmotionMetrics.WEBHOOKS_DELIVERED)).isEqualTo(1);
  }

  @Test
  @DisplayName("a delivery that keeps failing is ABANDONED after the last attempt, with its error, and counted")
  void abandonedAfterLastAttempt() throws Exception {
    answer.set(503);
    Instance instance = instance(config(3, 4), true);
    Task task = terminalTask(instance.tasks(), TaskStatus.FINISHED, hookUrl());

    awaitState(task.id(), WebhookDelivery.State.ABANDONED);
    assertThat(hitsFor(task.id())).hasSize(3);
    JsonObject record = record(task.id());
    assertThat(record.getString("lastError")).contains("HTTP 503").contains("3 attempts");
    assertThat(record.getLong("abandonedAt")).isPositive();
    assertThat(instance.counter(StillmotionMetrics.WEBHOOKS_ABANDONED)).isEqualTo(1);
  }

  @Test
  @DisplayName("an answer retrying cannot change (410) abandons the delivery at once")
  void clientErrorAbandonsAtOnce() throws Exception {
    answer.set(410);
    Instance instance = instance(config(5, 4), true);
    Task task = terminalTask(instance.tasks(), TaskStatus.CANCELLED, hookUrl());

    awaitState(task.id(), WebhookDelivery.State.ABANDONED);
    assertThat(hitsFor(task.id())).hasSize(1);
    assertThat(record(task.id()).getString("lastError")).contains("HTTP 410");
  }

  @Test
  @DisplayName("one instance has at most WEBHOOK_CONCURRENCY attempts in flight")
  void boundedConcurrency() throws Exception {
    holdMs.set(200);
    Instance instance = instance(config(3, 3), false);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(terminalTask(instance.tasks(), TaskStatus.FINISHED, hookUrl()).id());
    }
    get(instance.outbox().start());

    for (String id : ids) {
      awaitState(id, WebhookDelivery.State.DELIVERED);
    }
    assertThat(maxInFlight.get()).isBetween(2, 3);
  }

  @Test
  @DisplayName("only a terminal task with a callback owes a webhook, and not while an attempt holds its claim")
  void whatIsDue() throws Exception {
    Instance instance = instance(config(3, 4), false);
    TaskStore tasks = instance.tasks();
    long now = System.currentTimeMillis();
    Task pending = Task.pending(UUID.randomUUID().toString(), "png", RenderOptions.defaults(), now)
        .withCallbackUrl(hookUrl());
    get(tasks.insert(pending));
    terminalTask(tasks, TaskStatus.FINISHED, null);
    Task finished = terminalTask(tasks, TaskStatus.FINISHED, hookUrl());

    List<TaskStore.DueWebhook> due = get(tasks.dueWebhooks(now + 1, 10));
    assertThat(due).extracting(d -> d.task().id()).containsExactly(finished.id());
    assertThat(record(pending.id()).getString("state")).isEqualTo("PENDING");

    assertThat(get(tasks.claimWebhook(finished.id(), due.get(0).delivery(), "c1", "me", now + 5_000))).isTrue();
    assertThat(get(tasks.dueWebhooks(now + 4_999, 10))).isEmpty();
    assertThat(get(tasks.dueWebhooks(now + 5_000, 10))).extracting(d -> d.task().id()).containsExactly(finished.id());
    assertThat(get(tasks.webhookDelivered(finished.id(), "another claim", now))).isFalse();
    assertThat(get(tasks.webhookDelivered(finished.id(), "c1", now))).isTrue();
    assertThat(get(tasks.dueWebhooks(now + 60_000, 10))).isEmpty();
  }
}
