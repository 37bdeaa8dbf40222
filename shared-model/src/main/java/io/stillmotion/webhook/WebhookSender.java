package io.stillmotion.webhook;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One attempt of one webhook delivery: a POST of the task's API JSON to its {@code callbackUrl},
 * signed by {@link WebhookSigner} at the moment it is sent, within {@code WEBHOOK_TIMEOUT_MS} all told.
 * Redirects are not followed (they could lead past the {@link SsrfGuard}), and the connection goes to
 * the very address the guard approved. Retrying is the {@link WebhookOutbox}'s business.
 */
public final class WebhookSender {

  public static final String EVENT_HEADER = "X-Stillmotion-Event";
  public static final String DELIVERY_HEADER = "X-Stillmotion-Delivery";

  /** How an attempt ended: delivered, worth another attempt, or never worth one. */
  public record Outcome(Kind kind, String detail) {
    public enum Kind { DELIVERED, RETRY, GIVE_UP }
  }

  private final Vertx vertx;
  private final WebhookConfig config;
  private final HttpClient http;

  public WebhookSender(Vertx vertx, WebhookConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.timeoutMs())
        .setKeepAlive(false)
        .setMaxRedirects(0));
  }

  /** POSTs the task once; the future always succeeds, with the outcome. */
  public Future<Outcome> send(Task task, String deliveryId) {
    URI url;
    try {
      url = SsrfGuard.check(task.callbackUrl(), true);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(giveUp("the stored callbackUrl is unusable: " + e.getMessage()));
    }
    AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    return SsrfGuard.resolve(vertx, url, config.allowPrivate())
        .compose(address -> post(url, address, task, deliveryId, request))
        .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
        .map(WebhookSender::classify)
        .otherwise(e -> {
          HttpClientRequest pending = request.get();
          if (pending != null) {
            pending.reset();
          }
          return e instanceof SsrfGuard.UnsafeUrlException ? giveUp(e.getMessage()) : retry(describe(e));
        });
  }

  public static String eventName(TaskStatus status) {
    return "task." + status.name().toLowerCase(Locale.ROOT);
  }

  /** The URL without query or user info, which may hold secrets: fit for logs. */
  public static String safe(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    } catch (IllegalArgumentException e) {
      return "(unparseable URL)";
    }
  }

  public Future<Void> close() {
    return http.close();
  }

  private Future<Integer> post(URI url, InetAddress address, Task task, String deliveryId,
      AtomicReference<HttpClientRequest> request) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    Buffer body = task.toApiJson().toBuffer();
    long timestamp = System.currentTimeMillis() / 1000;
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url.toASCIIString())
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setFollowRedirects(false)
        .setConnectTimeout(config.timeoutMs())
        .setIdleTimeout(config.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Stillmotion-Webhook/1")
        .putHeader(EVENT_HEADER, eventName(task.status()))
        .putHeader(DELIVERY_HEADER, deliveryId)
        .putHeader(WebhookSigner.TIMESTAMP_HEADER, String.valueOf(timestamp));
    if (config.secret() != null) {
      options.putHeader(WebhookSigner.HEADER, WebhookSigner.sign(config.secret(), timestamp, body.getBytes()));
    }
    return http.request(options)
        .compose(req -> {
          request.set(req);
          return req.send(body);
        })
        .compose(response -> {
          response.handler(ignored -> { });
          return response.end().map(v -> response.statusCode());
        });
  }

  private static Outcome classify(int status) {
    if (status >= 200 && status < 300) {
      return new Outcome(Outcome.Kind.DELIVERED, "HTTP " + status);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return retry("HTTP " + status);
    }
    return giveUp("HTTP " + status + " is not retried");
  }

  private String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "no answer within " + config.timeoutMs() + " ms";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static Outcome retry(String detail) {
    return new Outcome(Outcome.Kind.RETRY, detail);
  }

  private static Outcome giveUp(String detail) {
    return new Outcome(Outcome.Kind.GIVE_UP, detail);
  }
}
