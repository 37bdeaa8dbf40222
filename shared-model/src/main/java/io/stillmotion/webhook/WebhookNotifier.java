package io.stillmotion.webhook;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Delivers a task's terminal state to its {@code callbackUrl}: a POST of the task's API JSON, signed
 * with {@link WebhookSigner}, retried with exponential backoff on timeouts, connection errors, 429
 * and 5xx. Everything is asynchronous and fire-and-forget for the caller: a slow or dead receiver
 * never holds up rendering, acking or an HTTP answer. Redirects are not followed (they could lead
 * past the {@link SsrfGuard}).
 */
public final class WebhookNotifier {

  private static final Logger log = TaskMdc.logger(WebhookNotifier.class);
  public static final String EVENT_HEADER = "X-Stillmotion-Event";
  public static final String DELIVERY_HEADER = "X-Stillmotion-Delivery";
  public static final int MAX_ATTEMPTS = 5;
  private static final long TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final WebhookConfig config;
  private final long firstRetryDelayMs;
  private final HttpClient http;

  public WebhookNotifier(Vertx vertx, WebhookConfig config) {
    this(vertx, config, 1_000);
  }

  /** @param firstRetryDelayMs delay before the second attempt; it doubles for each further one */
  public WebhookNotifier(Vertx vertx, WebhookConfig config, long firstRetryDelayMs) {
    this.vertx = vertx;
    this.config = config;
    this.firstRetryDelayMs = firstRetryDelayMs;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) TIMEOUT_MS)
        .setKeepAlive(false)
        .setMaxRedirects(0));
  }

  /** Looks the task up and, when it is terminal and has a callback URL, delivers it in the background. */
  public void notifyStored(TaskStore tasks, String taskId) {
    tasks.find(taskId)
        .onSuccess(task -> {
          if (task != null) {
            notify(task);
          }
        })
        .onFailure(e -> log.warn("[{}] webhook skipped: task not readable ({})", taskId, e.getMessage()));
  }

  /**
   * Delivers the task's state in the background when it is terminal and has a callback URL.
   *
   * @return completes when delivered (or nothing to do); fails once every attempt failed
   */
  public Future<Void> notify(Task task) {
    if (task.callbackUrl() == null || !task.status().isTerminal()) {
      return Future.succeededFuture();
    }
    URI url;
    try {
      url = SsrfGuard.check(task.callbackUrl(), true);
    } catch (IllegalArgumentException e) {
      log.warn("[{}] webhook skipped: stored callbackUrl is unusable ({})", task.id(), e.getMessage());
      return Future.failedFuture(e);
    }
    Buffer body = task.toApiJson().toBuffer();
    Delivery delivery = new Delivery(task.id(), url, eventName(task.status()), body, UUID.randomUUID().toString());
    Promise<Void> done = Promise.promise();
    attempt(delivery, 1, done);
    return done.future();
  }

  public static String eventName(TaskStatus status) {
    return "task." + status.name().toLowerCase(Locale.ROOT);
  }

  public Future<Void> close() {
    return http.close();
  }

  private record Delivery(String taskId, URI url, String event, Buffer body, String id) {
  }

  private void attempt(Delivery d, int attempt, Promise<Void> done) {
    SsrfGuard.resolve(vertx, d.url(), config.allowPrivate())
        .compose(address -> post(d, address))
        .timeout(TIMEOUT_MS + 2_000, TimeUnit.MILLISECONDS)
        .onSuccess(status -> {
          if (status >= 200 && status < 300) {
            log.info("[{}] webhook {} delivered to {} (attempt {}, HTTP {})", d.taskId(), d.event(), safe(d.url()),
                attempt, status);
            done.complete();
          } else if (status == 429 || status >= 500) {
            retry(d, attempt, done, "HTTP " + status);
          } else {
            giveUp(d, attempt, done, "HTTP " + status + " is not retried");
          }
        })
        .onFailure(e -> {
          if (e instanceof SsrfGuard.UnsafeUrlException) {
            giveUp(d, attempt, done, e.getMessage());
          } else {
            retry(d, attempt, done, e.toString());
          }
        });
  }

  private Future<Integer> post(Delivery d, InetAddress address) {
    URI url = d.url();
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url.toString())
        // Connect to the address the guard approved, not to whatever DNS answers next.
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setFollowRedirects(false)
        .setConnectTimeout(TIMEOUT_MS)
        .setIdleTimeout(TIMEOUT_MS)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Stillmotion-Webhook/1")
        .putHeader(EVENT_HEADER, d.event())
        .putHeader(DELIVERY_HEADER, d.id());
    if (config.secret() != null) {
      options.putHeader(WebhookSigner.HEADER, WebhookSigner.sign(config.secret(), d.body().getBytes()));
    }
    return http.request(options)
        .compose(request -> request.send(d.body()))
        .compose(response -> {
          response.handler(ignored -> { });
          return response.end().map(v -> response.statusCode());
        });
  }

  private void retry(Delivery d, int attempt, Promise<Void> done, String reason) {
    if (attempt >= MAX_ATTEMPTS) {
      giveUp(d, attempt, done, reason);
      return;
    }
    long delay = firstRetryDelayMs << (attempt - 1);
    log.info("[{}] webhook {} attempt {} failed ({}); retrying in {} ms", d.taskId(), d.event(), attempt, reason,
        delay);
    vertx.setTimer(delay, t -> attempt(d, attempt + 1, done));
  }

  private void giveUp(Delivery d, int attempt, Promise<Void> done, String reason) {
    log.warn("[{}] webhook {} to {} abandoned after {} attempt(s): {}", d.taskId(), d.event(), safe(d.url()),
        attempt, reason);
    done.fail(reason);
  }

  /** The URL without query or user info, which may hold secrets. */
  private static String safe(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
  }
}
