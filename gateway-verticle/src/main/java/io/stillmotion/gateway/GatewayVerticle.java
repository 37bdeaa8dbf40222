package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.slf4j.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of Stillmotion: accepts uploads, stores them, records and publishes tasks, answers
 * task status, serves videos and the web UI. Stateless: run as many as you like behind a load
 * balancer.
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger log = TaskMdc.logger(GatewayVerticle.class);
  /** Room for the multipart envelope and option fields on top of the file itself. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private final StillmotionConfig presetConfig;
  private StillmotionConfig config;
  private MongoClient mongo;
  private TaskStore tasks;
  private MediaStore media;
  private TaskPublisher publisher;
  private GatewayProtection protection;
  private StillmotionMetrics metrics;
  private TaskRoutes taskRoutes;
  private ImageProbe probe;
  private HttpServer server;

  /** Configured from environment variables (the runnable jar). */
  public GatewayVerticle() {
    this(null);
  }

  /** Configured explicitly (standalone and tests). */
  public GatewayVerticle(StillmotionConfig config) {
    this.presetConfig = config;
  }

  @Override
  public Future<?> start() {
    config = presetConfig != null ? presetConfig : StillmotionConfig.fromEnv();
    // Fail fast while the database is unreachable: clients get a 503 in ~2 s, not a 5 s hang.
    mongo = MongoClient.create(vertx, config.mongoClientConfig().put("serverSelectionTimeoutMS", 2000));
    protection = new GatewayProtection(vertx, config.protection(), mongo);
    tasks = new TaskStore(mongo);
    media = new MediaStore(vertx, mongo);
    taskRoutes = new TaskRoutes(vertx, config, tasks, new MediaHandler(media));
    probe = new ImageProbe(vertx, config.maxPixels(), config.decode(), config.protection().imageCheckThreads(),
        config.protection().imageCheckQueue());
    publisher = new TaskPublisher(vertx, new RabbitMQOptions(config.amqpClientConfig()), tasks);
    metrics = StillmotionMetrics.of(vertx);
    QueueDepthGauge.start(vertx, publisher::queueDepth, metrics);
    return publisher.start()
        .compose(v -> taskRoutes.start())
        .compose(v -> vertx.createHttpServer(serverOptions()).invalidRequestHandler(new InvalidRequestHandler())
            .requestHandler(router()).listen(config.httpPort(), config.httpHost()))
        .onSuccess(s -> {
          server = s;
          log.info("gateway listening on {} port {}", config.httpHost(), s.actualPort());
          warnIfOpen();
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture()
        // Stops accepting at once, lets requests in flight (uploads) finish within the grace period.
        : server.shutdown(config.reliability().shutdownGraceMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return closed.compose(v -> publisher.stop()).eventually(() -> taskRoutes.stop())
        .eventually(() -> {
          probe.close();
          return mongo.close();
        });
  }

  private void warnIfOpen() {
    if (config.reachableFromOtherMachines() && config.protection().apiToken() == null) {
      log.warn("HTTP_HOST={} without API_TOKEN: anyone who can reach this address can create tasks and read "
          + "every upload and video; set API_TOKEN (see the README)", config.httpHost());
    }
  }

  /** The port actually bound (useful with HTTP_PORT=0). */
  public int actualPort() {
    return server.actualPort();
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        .setCompressionSupported(true)
        // Nothing sent or received for this long (a client that stopped reading a download, a dead
        // peer): the connection is closed and whatever it held is freed.
        .setIdleTimeout(protection.idleTimeoutSeconds());
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestLog());
    router.route().handler(this::securityHeaders);
    protection.mountGuards(router);
    router.get("/api/v1/ping").handler(ctx -> json(ctx, 200, new JsonObject().put("message", "pong")));
    router.post("/api/v1/task").handler(protection.uploads()).handler(protection.crossSite())
        .handler(protection.rateLimit()).handler(protection.backpressure()).handler(protection.uploadPace())
        .handler(uploadBodyHandler()).handler(this::createTask);
    taskRoutes.mount(router, protection);
    HealthRoutes.mount(router, vertx, mongo, publisher::isConnected, Telemetry.registry(vertx));
    router.route("/api/*").failureHandler(new FailureHandler());
    router.route("/health/*").failureHandler(new FailureHandler());
    mountWebUi(router);
    FailureHandler failures = new FailureHandler();
    router.errorHandler(404, failures).errorHandler(405, failures).errorHandler(500, failures)
        .errorHandler(413, failures).errorHandler(400, failures).errorHandler(431, failures);
    return router;
  }

  private BodyHandler uploadBodyHandler() {
    return BodyHandler.create(Path.of(config.dataDir(), "incoming").toString())
        .setBodyLimit(config.uploadMaxBytes() + MULTIPART_OVERHEAD)
        .setDeleteUploadedFilesOnEnd(true)
        .setHandleFileUploads(true);
  }

  private void mountWebUi(Router router) {
    Path root = Path.of(config.webRoot()).toAbsolutePath();
    if (Files.isDirectory(root)) {
      router.route("/*").handler(StaticHandler.create(FileSystemAccess.ROOT, root.toString())
          .setIndexPage("index.html")
          .setCachingEnabled(true));
      log.info("serving the web UI from {}", root);
    } else {
      log.info("no web UI at {} (build it with: cd frontend && npm ci && npm run build)", root);
    }
  }

  private void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
            + "media-src 'self' blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'");
    ctx.next();
  }

  private void createTask(RoutingContext ctx) {
    FileUpload upload = singleImageUpload(ctx);
    RenderOptions options = RenderOptions.fromFields(formFields(ctx));
    String callbackUrl = TaskRoutes.callbackUrl(ctx, config.webhooks());
    Path file = Path.of(upload.uploadedFileName());
    probe.probe(file)
        .compose(image -> accept(file, image, options, callbackUrl))
        .onSuccess(id -> json(ctx, 200, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  private FileUpload singleImageUpload(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      throw new ApiException(415, "multipart_required",
          "Send the image as multipart/form-data with the picture in a field named \"file\".");
    }
    List<FileUpload> uploads = ctx.fileUploads();
    List<FileUpload> named = uploads.stream().filter(u -> "file".equals(u.name())).toList();
    if (named.isEmpty()) {
      throw ApiException.badRequest("missing_file", "No image received: put it in a form field named \"file\".");
    }
    if (uploads.size() > 1) {
      throw ApiException.badRequest("too_many_files", "Send exactly one image per task, in the field \"file\".");
    }
    FileUpload upload = named.get(0);
    if (upload.size() == 0) {
      throw ApiException.badRequest("empty_file", "The uploaded file is empty.");
    }
    if (upload.size() > config.uploadMaxBytes()) {
      throw ApiException.tooLarge("The image is larger than the limit of " + config.uploadMaxBytes() + " bytes.");
    }
    return upload;
  }

  private static Map<String, String> formFields(RoutingContext ctx) {
    Map<String, String> fields = new HashMap<>();
    for (String name : RenderOptions.FIELDS) {
      List<String> values = ctx.request().formAttributes().getAll(name);
      if (values.size() > 1) {
        throw ApiException.unprocessable("invalid_" + name, name + " was given more than once.");
      }
      if (!values.isEmpty()) {
        fields.put(name, values.get(0));
      }
    }
    return fields;
  }

  /** Stores the image, records the task, publishes it; on any failure leaves nothing behind. */
  private Future<String> accept(Path file, ImageProbe.ImageInfo image, RenderOptions options, String callbackUrl) {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, image.extension(), options, System.currentTimeMillis()).withCallbackUrl(callbackUrl);
    return media.putFile(Names.UPLOADS_BUCKET, task.uploadFileName(), file)
        .compose(v -> tasks.insert(task)
            .recover(e -> media.delete(Names.UPLOADS_BUCKET, task.uploadFileName())
                .eventually(() -> Future.failedFuture(e))))
        .compose(v -> publisher.publish(id).otherwiseEmpty())
        .map(id)
        .onSuccess(v -> metrics.taskAccepted(fileSize(file)))
        .onSuccess(v -> log.info("[{}] accepted {}x{} {} ({} bytes), options {}", id, image.width(), image.height(),
            image.format(), fileSize(file), options.toJson().encode()));
  }

  private static long fileSize(Path file) {
    return file.toFile().length();
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
