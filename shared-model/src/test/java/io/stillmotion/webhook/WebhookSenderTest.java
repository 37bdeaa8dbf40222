package io.stillmotion.webhook;

import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.stillmotion.webhook.WebhookSender.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** One attempt of a webhook: what is sent, and how each kind of answer is judged. */
class WebhookSenderTest {

  private static Vertx vertx;
  private static HttpServer receiver;
  private static final List<MultiMap> headers = new CopyOnWriteArrayList<>();
  private static final List<Buffer> bodies = new CopyOnWriteArrayList<>();
  private static final List<String> uris = new CopyOnWriteArrayList<>();
  private static final AtomicInteger status = new AtomicInteger(204);
  private static final AtomicBoolean silent = new AtomicBoolean();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      headers.add(request.headers());
      uris.add(request.uri());
      bodies.add(body);
      if (!silent.get()) {
        request.response().setStatusCode(status.get()).end();
      }
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void reset() {
    headers.clear();
    bodies.clear();
    uris.clear();
    status.set(204);
    silent.set(false);
  }

  private static WebhookConfig config(String secret, boolean allowPrivate) {
    return new WebhookConfig(secret, allowPrivate, 5, 500, 10, 4);
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

  private static Outcome send(WebhookConfig config, Task task) throws Exception {
    WebhookSender sender = new WebhookSender(vertx, config);
    try {
      return await(sender.send(task, "delivery-1"));
    } finally {
      await(sender.close());
    }
  }

  @Test
  @DisplayName("a 2xx answer is delivered; the POST carries the task, event, delivery id and timestamp")
  void delivered() throws Exception {
    Task task = task(TaskStatus.FINISHED, local());
    Outcome outcome = send(config(null, true), task);
    assertThat(outcome.kind()).isEqualTo(Outcome.Kind.DELIVERED);
    assertThat(headers).hasSize(1);
    MultiMap h = headers.get(0);
    assertThat(h.get(WebhookSender.EVENT_HEADER)).isEqualTo("task.finished");
    assertThat(h.get(WebhookSender.DELIVERY_HEADER)).isEqualTo("delivery-1");
    assertThat(Long.parseLong(h.get(WebhookSigner.TIMESTAMP_HEADER)))
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
    assertThat(h.get(WebhookSigner.HEADER)).as("unsigned without a secret").isNull();
    assertThat(bodies.get(0).toJsonObject()).isEqualTo(task.toApiJson());
  }

  @Test
  @DisplayName("a callback URL's non-ASCII path and query go out percent-encoded, as HTTP's request line needs")
  void nonAsciiPath() throws Exception {
    String url = SsrfGuard.check("http://127.0.0.1:" + receiver.actualPort() + "/höök?q=ä", true).toString();
    assertThat(send(config(null, true), task(TaskStatus.FINISHED, url)).kind()).isEqualTo(Outcome.Kind.DELIVERED);
    assertThat(uris).containsExactly("/h%C3%B6%C3%B6k?q=%C3%A4");
  }

  @Test
  @DisplayName("with a secret the signature covers the timestamp header's seconds and the exact body")
  void signed() throws Exception {
    send(config("s3cret", true), task(TaskStatus.CANCELLED, local()));
    MultiMap h = headers.get(0);
    long now = System.currentTimeMillis() / 1000;
    assertThat(h.get(WebhookSigner.HEADER)).startsWith("t=" + h.get(WebhookSigner.TIMESTAMP_HEADER) + ",v1=");
    assertThat(WebhookSigner.verify("s3cret", bodies.get(0).getBytes(), h.get(WebhookSigner.HEADER), now, 60))
        .isEqualTo(WebhookSigner.Verdict.VALID);
  }

  @Test
  @DisplayName("429, 408 and 5xx are worth retrying; another 4xx is not")
  void statusesJudged() throws Exception {
    for (int retried : new int[] {429, 408, 500, 503}) {
      status.set(retried);
      assertThat(send(config("s", true), task(TaskStatus.FAILED, local())).kind()).isEqualTo(Outcome.Kind.RETRY);
    }
    status.set(410);
    Outcome gone = send(config("s", true), task(TaskStatus.FAILED, local()));
    assertThat(gone.kind()).isEqualTo(Outcome.Kind.GIVE_UP);
    assertThat(gone.detail()).contains("410");
  }

  @Test
  @DisplayName("a refused connection and a receiver that never answers are worth retrying")
  void networkFailuresRetried() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThat(send(config("s", true), task(TaskStatus.FINISHED, "http://127.0.0.1:" + closedPort + "/hook")).kind())
        .isEqualTo(Outcome.Kind.RETRY);

    silent.set(true);
    Outcome silence = send(config("s", true), task(TaskStatus.FINISHED, local()));
    assertThat(silence.kind()).isEqualTo(Outcome.Kind.RETRY);
    assertThat(silence.detail()).contains("no answer within 500 ms");
  }

  @Test
  @DisplayName("a loopback target is refused at delivery time unless private targets are allowed, and never retried")
  void ssrfGuardAtDelivery() throws Exception {
    Outcome refused = send(config("s", false), task(TaskStatus.FINISHED,
        "http://localhost:" + receiver.actualPort() + "/hook"));
    assertThat(refused.kind()).isEqualTo(Outcome.Kind.GIVE_UP);
    assertThat(headers).isEmpty();
  }
}
