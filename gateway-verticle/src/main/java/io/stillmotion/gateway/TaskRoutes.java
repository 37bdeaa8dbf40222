package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskIds;
import io.stillmotion.model.TaskMedia;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookConfig;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.webhook.SsrfGuard;
import io.stillmotion.webhook.WebhookOutbox;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything said about an existing task: its state, live events (SSE), cancellation, its video,
 * poster, thumbnail and original image, and the OpenAPI document. Owns the event relay and the
 * webhook outbox of the gateway. Creating tasks lives in {@link GatewayVerticle}.
 */
final class TaskRoutes {

  private static final Logger log = TaskMdc.logger(TaskRoutes.class);
  static final String CALLBACK_FIELD = "callbackUrl";
  private static final Map<String, String> IMAGE_TYPES = Map.of("jpg", "image/jpeg", "png", "image/png",
      "gif", "image/gif", "bmp", "image/bmp", "webp", "image/webp");

  private final Vertx vertx;
  private final TaskStore tasks;
  private final MediaHandler media;
  private final EventRelay relay;
  private final StreamResync resync;
  private final WebhookOutbox webhooks;
  private final Buffer openApi;

  TaskRoutes(Vertx vertx, StillmotionConfig config, TaskStore tasks, MediaHandler media, BrokerLink broker) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.media = media;
    this.relay = new EventRelay(broker);
    this.resync = new StreamResync(vertx, tasks);
    this.webhooks = new WebhookOutbox(vertx, tasks, config.webhooks(), config.workerId());
    this.openApi = readOpenApi();
  }

  Future<Void> start() {
    resync.start();
    // Once per service at start, as the worker does, and before the gateway takes requests: the embedded
    // server is not safe for an insert racing an index build (ConcurrentModificationException in its
    // index list). Never needed for the service to run: a failure is logged and the start goes on.
    return tasks.ensureIndexes()
        .recover(e -> {
          log.warn("task indexes not created ({}); queries run without them", e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> relay.start()).compose(v -> webhooks.start());
  }

  Future<Void> stop() {
    resync.stop();
    return relay.stop().eventually(webhooks::stop);
  }

  /** Open event streams of this gateway (each listens to the relay until it ends). */
  int openStreams() {
    return relay.listenerCount();
  }

  /**
   * Every GET route but the event stream answers HEAD too (RFC 9110 9.1: a server that has GET has
   * HEAD): the same status and headers, no body. Uptime monitors and link checkers send HEAD.
   */
  void mount(Router router, GatewayProtection protection) {
    ConcurrencyCap downloads = protection.downloads();
    router.route("/api/v1/task/:id").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::getTask);
    download(router, "/api/v1/video/:id", downloads, this::getVideo);
    download(router, "/api/v1/task/:id/poster", downloads, ctx -> getStill(ctx, TaskMedia::poster));
    download(router, "/api/v1/task/:id/thumbnail", downloads, ctx -> getStill(ctx, TaskMedia::thumbnail));
    router.delete("/api/v1/task/:id").handler(this::cancel);
    router.get("/api/v1/task/:id/events").handler(protection.eventStreams()).handler(this::events);
    download(router, "/api/v1/task/:id/image", downloads, this::image);
    router.route("/api/v1/openapi.json").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::openApi);
  }

  /** A file: GET within the cap on downloads at once; HEAD, which sends no bytes ({@link MediaHandler}), outside it. */
  private static void download(Router router, String path, ConcurrencyCap downloads, Handler<RoutingContext> handler) {
    router.get(path).handler(downloads).handler(handler);
    router.head(path).handler(handler);
  }

  /**
   * The optional {@code callbackUrl} form field of a new task, checked for shape and (unless private
   * targets are allowed) for naming localhost or a literal private address; null when absent.
   */
  static String callbackUrl(RoutingContext ctx, WebhookConfig config) {
    List<String> values = ctx.request().formAttributes().getAll(CALLBACK_FIELD);
    if (values.size() > 1) {
      throw ApiException.unprocessable("invalid_callbackUrl", "callbackUrl was given more than once.");
    }
    if (values.isEmpty() || values.get(0).isBlank()) {
      return null;
    }
    try {
      return SsrfGuard.check(values.get(0), config.allowPrivate()).toString();
    } catch (SsrfGuard.UnsafeUrlException e) {
      throw ApiException.unprocessable("invalid_callbackUrl", e.getMessage());
    }
  }

  /**
   * From the relay's cache when it is current there, else from the store (and kept when safe). The
   * cache is keyed by the ids we issue; an id in another case finds the task through {@link #findTask}.
   */
  private void getTask(RoutingContext ctx) {
    Buffer cached = relay.cache.json(ctx.pathParam("id"));
    if (cached != null) {
      jsonBuffer(ctx, cached);
      return;
    }
    long version = relay.cache.version();
    findTask(ctx).onSuccess(task -> jsonBuffer(ctx, relay.cache.put(task, version))).onFailure(ctx::fail);
  }

  private static void jsonBuffer(RoutingContext ctx, Buffer json) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(json);
  }

  private void getVideo(RoutingContext ctx) {
    findTask(ctx)
        .compose(task -> {
          if (task.status() != TaskStatus.FINISHED) {
            return Future.failedFuture(ApiException.notFound("video_not_ready",
                "The video is not available: the task is " + task.status() + "."));
          }
          // What the task document names: the winning attempt's file (or, for older tasks, the legacy name).
          return media.serve(ctx, Names.VIDEOS_BUCKET, task.media().video(), "video/mp4",
              "stillmotion-" + task.id() + ".mp4");
        })
        .onFailure(ctx::fail);
  }

  private void getStill(RoutingContext ctx, java.util.function.Function<TaskMedia, String> fileName) {
    findTask(ctx)
        .compose(task -> task.status() == TaskStatus.FINISHED
            ? media.serve(ctx, Names.VIDEOS_BUCKET, fileName.apply(task.media()), "image/jpeg", null)
            : Future.failedFuture(ApiException.notFound("image_not_ready",
                "The picture is not available: the task is " + task.status() + ".")))
        .onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    findTask(ctx)
        .compose(task -> switch (task.status()) {
          case CANCELLED -> Future.succeededFuture(task);
          case FINISHED, FAILED -> Future.failedFuture(alreadyOver(task));
          default -> tasks.cancel(task.id(), System.currentTimeMillis()).compose(cancelled -> cancelled != null
              ? Future.succeededFuture(announceCancelled(cancelled))
              : tasks.find(task.id()).compose(TaskRoutes::cancelledOrConflict));
        })
        .onSuccess(task -> GatewayVerticle.json(ctx, 200, task.toApiJson()))
        .onFailure(ctx::fail);
  }

  /** The task finished or failed between our read and the compare-and-set. */
  private static Future<Task> cancelledOrConflict(Task now) {
    if (now == null) {
      return Future.failedFuture(ApiException.taskNotFound());
    }
    return now.status() == TaskStatus.CANCELLED
        ? Future.succeededFuture(now)
        : Future.failedFuture(alreadyOver(now));
  }

  private static ApiException alreadyOver(Task task) {
    return new ApiException(409, "task_already_" + task.status().name().toLowerCase(Locale.ROOT),
        "The task is already " + task.status() + " and can no longer be cancelled.");
  }

  private Task announceCancelled(Task task) {
    log.info("[{}] cancelled on request", task.id());
    relay.publish(TaskEvent.of(task));
    webhooks.nudge();
    return task;
  }

  private void events(RoutingContext ctx) {
    findTask(ctx)
        .onSuccess(task -> new EventStream(vertx, ctx.response(), tasks, task.id())
            .start(task, relay, resync, ctx.request().connection()))
        .onFailure(ctx::fail);
  }

  /** The original upload: {@code ?index=n} picks a story's n-th picture (0, the default, is the first). */
  private void image(RoutingContext ctx) {
    findTask(ctx)
        .compose(task -> {
          List<String> names = task.imageNames();
          int index = imageIndex(ctx.queryParams().get("index"), names.size());
          String name = names.get(index);
          String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
          return media.serve(ctx, Names.UPLOADS_BUCKET, name,
              IMAGE_TYPES.getOrDefault(extension, "application/octet-stream"), null);
        })
        .onFailure(ctx::fail);
  }

  private static int imageIndex(String raw, int count) {
    if (raw == null) {
      return 0;
    }
    int index;
    try {
      index = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_index", "index must be a whole number: the image's position, from 0.")
          .with("field", "index");
    }
    if (index < 0 || index >= count) {
      throw ApiException.notFound("image_not_found", "The task has " + count + (count == 1 ? " image" : " images")
          + ": index goes from 0 to " + (count - 1) + ".").with("field", "index");
    }
    return index;
  }

  private void openApi(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(openApi);
  }

  private Future<Task> findTask(RoutingContext ctx) {
    String id = TaskIds.canonical(ctx.pathParam("id"));
    if (id == null) {
      return Future.failedFuture(ApiException.taskNotFound());
    }
    return tasks.find(id).compose(task -> task == null
        ? Future.failedFuture(ApiException.taskNotFound())
        : Future.succeededFuture(task));
  }

  private static Buffer readOpenApi() {
    try (InputStream in = TaskRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the gateway's classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
