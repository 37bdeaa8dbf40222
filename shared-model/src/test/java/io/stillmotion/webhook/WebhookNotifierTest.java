package io.stillmotion.webhook;

import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierTest {

  private static Vertx vertx;
  private static HttpServer receiver;
  private static final List<MultiMap> received = new CopyOnWriteArrayList<>();
  private static final AtomicInteger status = new AtomicInteger(204);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(request.headers());
      request.response().setStatusCode(status.get()).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void reset() {
    received.clear();
    status.set(204);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Task task(TaskStatus state, String callbackUrl) {
    long now = System.currentTimeMillis();
    String id = UUID.randomUUID().toString();
    return new Task(id, state, 100, "/uploads/" + id + ".png", null, RenderOptions.defaults(), 1, now, now, null,
        null, callbackUrl);
  }

  private static String local() {
    return "http://127.0.0.1:" + receiver.actualPort() + "/hook";
  }

  @Test
  @DisplayName("without a secret the POST carries no signature, but the event and delivery headers")
  void unsigned() throws Exception {
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig(null, true), 10);
    await(notifier.notify(task(TaskStatus.FINISHED, local())));
    assertThat(received).hasSize(1);
    assertThat(received.get(0).get(WebhookSigner.HEADER)).isNull();
    assertThat(received.get(0).get(WebhookNotifier.EVENT_HEADER)).isEqualTo("task.finished");
    assertThat(received.get(0).get(WebhookNotifier.DELIVERY_HEADER)).isNotBlank();
  }

  @Test
  @DisplayName("a 4xx answer is not retried")
  void clientErrorNotRetried() throws Exception {
    status.set(410);
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig("s", true), 10);
    assertThatThrownBy(() -> await(notifier.notify(task(TaskStatus.FAILED, local()))))
        .isInstanceOf(ExecutionException.class);
    assertThat(received).hasSize(1);
  }

  @Test
  @DisplayName("5xx answers are retried up to the attempt limit")
  void serverErrorsRetried() throws Exception {
    status.set(500);
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig("s", true), 10);
    assertThatThrownBy(() -> await(notifier.notify(task(TaskStatus.CANCELLED, local()))))
        .isInstanceOf(ExecutionException.class);
    assertThat(received).hasSize(WebhookNotifier.MAX_ATTEMPTS);
    assertThat(received.stream().map(h -> h.get(WebhookNotifier.DELIVERY_HEADER)).distinct()).hasSize(1);
  }

  @Test
  @DisplayName("a refused connection is retried, then given up")
  void connectionRefused() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig("s", true), 10);
    long start = System.nanoTime();
    assertThatThrownBy(() -> await(notifier.notify(task(TaskStatus.FINISHED,
        "http://127.0.0.1:" + closedPort + "/hook")))).isInstanceOf(ExecutionException.class);
    // 10 + 20 + 40 + 80 ms of backoff between the five attempts
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(150);
  }

  @Test
  @DisplayName("a loopback target is refused at delivery time unless private targets are allowed")
  void ssrfGuardAtDelivery() throws Exception {
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig("s", false), 10);
    assertThatThrownBy(() -> await(notifier.notify(task(TaskStatus.FINISHED,
        "http://localhost:" + receiver.actualPort() + "/hook")))).isInstanceOf(ExecutionException.class);
    assertThat(received).isEmpty();
  }

  @Test
  @DisplayName("tasks that are not terminal or have no callback send nothing")
  void nothingToSend() throws Exception {
    WebhookNotifier notifier = new WebhookNotifier(vertx, new WebhookConfig("s", true), 10);
    await(notifier.notify(task(TaskStatus.PROCESSING, local())));
    await(notifier.notify(task(TaskStatus.FINISHED, null)));
    assertThat(received).isEmpty();
  }
}
