package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.telemetry.Telemetry;
import io.stillmotion.store.DiskReserve;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP side of Stillmotion: accepts uploads, stores them, records and publishes tasks, answers
 * task status, serves videos and the web UI. Stateless: run as many as you like behind a load
 * balancer.
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger log = TaskMdc.logger(GatewayVerticle.class);
  /** Room for the multipart envelope and option fields on top of the file itself. */
  private static final long MULTIPART_OVERHEAD = 256 * 1024;
  /** Largest form field: a story document of 20 shots with long captions fits well within it. */
  private static final int MAX_FORM_FIELD_BYTES = 64 * 1024;

  private final StillmotionConfig presetConfig;
  private StillmotionConfig config;
  private MongoClient mongo;
  private TaskStore tasks;
  private MediaStore media;
  private BrokerLink broker;
  private TaskPublisher publisher;
  private GatewayProtection protection;
  private StillmotionMetrics metrics;
  private TaskRoutes taskRoutes;
  private ImageProbe probe;
  private TaskIntake intake;
  private HttpServer server;
  private final AtomicBoolean uploadSeen = new AtomicBoolean();

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
    broker = new BrokerLink(vertx, BrokerLink.Options.of(config.requireAmqpUri(), "gateway").withEvents());
    taskRoutes = new TaskRoutes(vertx, config, tasks, new MediaHandler(media), broker);
    publisher = new TaskPublisher(vertx, broker, tasks);
    metrics = StillmotionMetrics.of(vertx);
    probe = new ImageProbe(vertx, config.maxPixels(), config.decode(),
        config.protection().imageCheckThreads(), config.protection().imageCheckQueue());
    intake = new TaskIntake(vertx, probe, media, tasks, publisher, metrics);
    QueueDepthGauge.start(vertx, publisher::queueDepth, metrics);
    return broker.start()
        .compose(v -> publisher.start())
        .compose(v -> taskRoutes.start())
        .compose(v -> vertx.createHttpServer(serverOptions()).invalidRequestHandler(new InvalidRequestHandler())
            .requestHandler(router()).listen(config.httpPort(), config.httpHost()))
        .onSuccess(s -> {
          server = s;
          log.info("gateway listening on {} port {}", config.httpHost(), s.actualPort());
          warnIfOpen();
          UploadWarmUp.start(vertx, config, probe, tasks, media, uploadSeen::get);
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture()
        // Stops accepting at once, lets requests in flight (uploads) finish within the grace period.
        : server.shutdown(config.reliability().shutdownGraceMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return closed.compose(v -> publisher.stop()).eventually(() -> taskRoutes.stop())
        .eventually(() -> broker.stop())
        .eventually(() -> {
          probe.close();
          return mongo.close();
        });
  }

  /** Ready for the broker's part: connected, and the event subscription live on this connection. */
  private boolean brokerReady() {
    return broker.isConnected() && broker.subscribed();
  }

  private void warnIfOpen() {
    if (config.reachableFromOtherMachines() && config.protection().apiToken() == null) {
      log.warn("HTTP_HOST={} without API_TOKEN: anyone who can reach this address can create tasks and read "
          + "every upload and video; set API_TOKEN (see the README)", config.httpHost());
    }
  }

  /**
   * Starts this JVM's upload warm-up now, before any gateway is deployed (see {@link UploadWarmUp}):
   * for a process that has more to start first. A gateway deployed later starts no second one.
   */
  public static void warmUpUploadsEarly(Vertx vertx, StillmotionConfig config) {
    UploadWarmUp.startEarly(vertx, config);
  }

  /** The port actually bound (useful with HTTP_PORT=0). */
  public int actualPort() {
    return server.actualPort();
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        .setMaxFormAttributeSize(MAX_FORM_FIELD_BYTES)
        .setCompressionSupported(true)
        // Nothing sent or received for this long (a client that stopped reading a download, a dead
        // peer): the connection is closed and whatever it held is freed.
        .setIdleTimeout(protection.idleTimeoutSeconds());
  }

  /**
   * A query string that does not decode ({@code ?x=%ZZ}) is the client's mistake: a 400 here, for
   * every route, rather than a 500 from whichever handler reads a parameter first.
   */
  private static void wellFormedQuery(RoutingContext ctx) {
    if (ctx.request().query() != null) {
      try {
        ctx.request().params();
      } catch (IllegalArgumentException e) {
        ctx.fail(ApiException.badRequest("malformed_query", "The query string is not valid: each % must be "
            + "followed by two hexadecimal digits that encode UTF-8."));
        return;
      }
    }
    ctx.next();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new RequestLog());
    router.route().handler(this::securityHeaders);
    router.route().handler(GatewayVerticle::wellFormedQuery);
    protection.mountGuards(router);
    router.route("/api/v1/ping").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> json(ctx, 200, new JsonObject().put("message", "pong")));
    router.post("/api/v1/task").handler(uploadSeenMark()).handler(protection.uploads())
        .handler(protection.crossSite()).handler(protection.rateLimit()).handler(protection.backpressure())
        .handler(new DiskGuard(new DiskReserve(vertx, config.protection().minFreeDiskBytes(),
            "uploads are refused (503 storage_full)", Path.of(config.dataDir())), uploadBodyLimit()))
        .handler(protection.uploadPace())
        .handler(AbortedUpload.MARK_BODY_START).handler(uploadBodyHandler()).handler(this::createTask)
        .failureHandler(new AbortedUpload(uploadBodyLimit(), MAX_FORM_FIELD_BYTES));
    taskRoutes.mount(router, protection);
    HealthRoutes.mount(router, vertx, mongo, this::brokerReady, Telemetry.registry(vertx));
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
        .setBodyLimit(uploadBodyLimit())
        .setDeleteUploadedFilesOnEnd(true)
        .setHandleFileUploads(true);
  }

  /** One image, or a story's images and soundtrack: TaskRequest checks each file and the total. */
  private long uploadBodyLimit() {
    return Math.max(config.uploadMaxBytes(), config.storyMaxBytes()) + MULTIPART_OVERHEAD;
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

  /** The start-up's upload warm-up gives way to real uploads; first in the chain, before any guard. */
  private PlatformHandler uploadSeenMark() {
    return ctx -> {
      uploadSeen.lazySet(true);
      ctx.next();
    };
  }

  private void createTask(RoutingContext ctx) {
    ctx.put(AbortedUpload.BODY_READ, true);
    intake.accept(TaskRequest.read(ctx, config))
        .onSuccess(id -> json(ctx, 200, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
