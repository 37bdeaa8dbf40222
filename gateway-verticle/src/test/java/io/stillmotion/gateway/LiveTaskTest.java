package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Gateway and a real worker together: live progress over SSE, cancelling a render, signed webhooks. */
class LiveTaskTest {

  private static final String SECRET = "test-webhook-secret";
  private static TestSystem system;
  private static HttpServer receiver;
  private static final List<Received> deliveries = new CopyOnWriteArrayList<>();
  private static final AtomicInteger failuresToSend = new AtomicInteger();

  record Received(MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    system = TestSystem.withWorker("live-task-test",
        TestSystem.map("WEBHOOK_SECRET", SECRET, "WEBHOOK_ALLOW_PRIVATE", "true", "WORKER_CONCURRENCY", "1"),
        HalfwayWorker::new);
    receiver = get(system.vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          deliveries.add(new Received(request.headers(), body));
          request.response().setStatusCode(failuresToSend.getAndDecrement() > 0 ? 503 : 204).end();
        }))
        .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  @BeforeEach
  void reset() {
    deliveries.clear();
    failuresToSend.set(0);
  }

  private static String hookUrl() {
    return "http://127.0.0.1:" + receiver.actualPort() + "/hooks/stillmotion";
  }

  /** The signature a receiver expects: over the timestamp header's seconds, a dot and the raw body. */
  private static String expectedSignature(Received hook) throws Exception {
    String timestamp = hook.headers().get("X-Stillmotion-Timestamp");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(hook.body().getBytes()));
  }

  private static List<Received> deliveriesFor(String id) {
    return deliveries.stream().filter(d -> id.equals(d.json().getString("id"))).toList();
  }

  /**
   * A worker that, while {@link #halfway} holds a latch, stops each render half-way until the latch
   * opens: the test sees the task mid-render however fast this machine renders.
   */
  static final class HalfwayWorker extends WorkerVerticle {
    static final AtomicReference<CountDownLatch> halfway = new AtomicReference<>();

    HalfwayWorker(StillmotionConfig config) {
      super(config);
    }

    @Override
    protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
      return super.render(image, task, new RenderListener() {
        @Override
        public void onProgress(int framesDone, int totalFrames) {
          listener.onProgress(framesDone, totalFrames);
          CountDownLatch latch = halfway.get();
          if (latch == null || framesDone * 2 < totalFrames) {
            return;
          }
          try {
            while (!latch.await(20, TimeUnit.MILLISECONDS) && !listener.isCancelled()) {
              // held until the test has seen the task mid-render
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public boolean isCancelled() {
          return listener.isCancelled();
        }
      });
    }
  }

  private static boolean midRender(SseClient.Event event) {
    int progress = event.json().getInteger("progress");
    return progress > 0 && progress < 100;
  }

  @Test
  @DisplayName("the event stream shows the task at once, progress in order, and ends after FINISHED")
  void progressOverSse() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HalfwayWorker.halfway.set(release);
    SseClient sse;
    String id;
    try {
      id = system.create(Map.of("duration", "2", "size", "720x720", "fps", "30"));
      sse = SseClient.open(system.vertx, system.port(), "/api/v1/task/" + id + "/events", null);
      await().atMost(Duration.ofSeconds(60)).until(() -> sse.events.stream().anyMatch(LiveTaskTest::midRender));
    } finally {
      HalfwayWorker.halfway.set(null);
      release.countDown();
    }

    get(sse.ended.future());

    List<JsonObject> states = sse.events.stream().map(SseClient.Event::json).toList();
    assertThat(sse.events).allMatch(e -> e.name().equals("task"));
    assertThat(states.get(0).getString("id")).isEqualTo(id);
    assertThat(states.get(0).getString("status")).isIn("PENDING", "PROCESSING");
    assertThat(states.get(states.size() - 1).getString("status")).isEqualTo("FINISHED");
    assertThat(states.get(states.size() - 1).getString("videoUrl")).isEqualTo("/api/v1/video/" + id);
    List<Integer> progress = states.stream().map(s -> s.getInteger("progress")).toList();
    assertThat(progress).isSorted();
    assertThat(progress).anyMatch(p -> p > 0 && p < 100);
    List<Long> ids = sse.events.stream().map(e -> Long.parseLong(e.id())).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(states.stream().map(s -> s.getString("status")).toList())
        .containsSubsequence("PROCESSING", "FINISHED");
    sse.close();

    SseClient late = SseClient.open(system.vertx, system.port(), "/api/v1/task/" + id + "/events",
        String.valueOf(ids.get(0)));
    get(late.ended.future());
    assertThat(late.events).hasSize(1);
    assertThat(late.events.get(0).json().getString("status")).isEqualTo("FINISHED");
    late.close();
  }

  @Test
  @DisplayName("a task cancelled mid-render stops within a second, stores no video, frees the worker, "
      + "and its callback hears task.cancelled")
  void cancelMidRender() throws Exception {
    String id = system.create(Map.of("duration", "30", "size", "1080x1080", "fps", "30", "callbackUrl", hookUrl()));
    system.awaitTask(id, Duration.ofSeconds(60), t -> t.status() == TaskStatus.PROCESSING && t.progress() > 0);

    HttpResponse<Buffer> cancelled = get(system.http.delete("/api/v1/task/" + id).send());
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("CANCELLED");
    int progressAtCancel = cancelled.bodyAsJsonObject().getInteger("progress");

    // The worker is free again as soon as it noticed: a short task behind it finishes quickly.
    String next = system.create(Map.of("duration", "1", "size", "720x720", "fps", "24"));
    Task done = system.awaitTask(next, Duration.ofSeconds(30), t -> t.status().isTerminal());
    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);

    Task after = get(system.tasks.find(id));
    assertThat(after.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(after.progress()).isLessThan(100).isGreaterThanOrEqualTo(progressAtCancel);
    assertThat(get(system.mongo.count(Names.VIDEOS_BUCKET + ".files", new io.vertx.core.json.JsonObject()
        .put("filename", new io.vertx.core.json.JsonObject().put("$regex", "^" + id + "\\.")))))
        .as("no file of the cancelled task is left").isZero();

    await().atMost(Duration.ofSeconds(30)).until(() -> !deliveriesFor(id).isEmpty());
    Received hook = deliveriesFor(id).get(0);
    assertThat(hook.headers().get("X-Stillmotion-Event")).isEqualTo("task.cancelled");
    assertThat(hook.headers().get("X-Stillmotion-Signature")).isEqualTo(expectedSignature(hook));
    assertThat(hook.json().getString("status")).isEqualTo("CANCELLED");
    assertThat(get(system.http.delete("/api/v1/task/" + id).send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a finished task is POSTed to its callbackUrl, signed, and retried after a 503")
  void webhookOnFinish() throws Exception {
    failuresToSend.set(1);
    String id = system.create(Map.of("duration", "1", "size", "720x720", "fps", "24", "callbackUrl", hookUrl()));
    system.awaitTask(id, Duration.ofSeconds(60), t -> t.status().isTerminal());

    await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesFor(id).size() >= 2);
    List<Received> received = deliveriesFor(id);
    for (Received hook : received) {
      assertThat(hook.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(hook.headers().get("X-Stillmotion-Event")).isEqualTo("task.finished");
      assertThat(hook.headers().get("X-Stillmotion-Signature")).isEqualTo(expectedSignature(hook));
      assertThat(hook.json().getString("status")).isEqualTo("FINISHED");
      assertThat(hook.json().getString("videoUrl")).isEqualTo("/api/v1/video/" + id);
    }
    assertThat(received.get(1).headers().get("X-Stillmotion-Delivery"))
        .isEqualTo(received.get(0).headers().get("X-Stillmotion-Delivery"));
    assertThat(received.get(0).body()).isEqualTo(received.get(1).body());
  }

  @Test
  @DisplayName("a task that fails for good is POSTed to its callbackUrl as task.failed")
  void webhookOnFailure() throws Exception {
    String id = system.submitRaw("this is not a picture".getBytes(StandardCharsets.UTF_8), hookUrl());
    Task failed = system.awaitTask(id, Duration.ofSeconds(60), t -> t.status().isTerminal());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);

    await().atMost(Duration.ofSeconds(30)).until(() -> !deliveriesFor(id).isEmpty());
    Received hook = deliveriesFor(id).get(0);
    assertThat(hook.headers().get("X-Stillmotion-Event")).isEqualTo("task.failed");
    assertThat(hook.headers().get("X-Stillmotion-Signature")).isEqualTo(expectedSignature(hook));
    assertThat(hook.json().getString("status")).isEqualTo("FAILED");
    assertThat(hook.json().getString("message")).isNotBlank();
  }
}
