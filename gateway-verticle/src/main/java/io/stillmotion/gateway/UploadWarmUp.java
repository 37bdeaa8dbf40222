package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.render.SamplePhoto;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Sends one made-up photo through the way an upload takes when the gateway starts, so that the first
 * real upload does not pay for loading and interpreting it: that upload took 0.36-0.40 s on the
 * server against about 0.1 s for the next ones. A private server on a loopback port of its own
 * (never the gateway's: no request log line, rate limit or task metric; Vert.x's own HTTP server
 * meters may see one request) receives the multipart body
 * through {@link BodyHandler}, reads it with {@link TaskRequest} and checks the image with the
 * gateway's own {@link ImageProbe}; then the database client looks up a task and an upload that do
 * not exist. Nothing is stored or published. Runs on its own daemon thread, never on an event loop,
 * and does not hold readiness back; it does not start, or stops before the database, once a real
 * upload has arrived. Never with the system property {@code stillmotion.uploadWarmUp=false} (the
 * test suites set it).
 */
final class UploadWarmUp {

  private static final Logger log = LoggerFactory.getLogger(UploadWarmUp.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private UploadWarmUp() {
  }

  /**
   * Starts the warm-up unless switched off or this JVM already ran one (compiled code is shared by every
   * gateway in it); completes with whether it ran to the end (never fails).
   */
  static CompletableFuture<Boolean> start(Vertx vertx, StillmotionConfig config, ImageProbe probe, TaskStore tasks,
      MediaStore media, BooleanSupplier uploadSeen) {
    return startOnce(() -> run(vertx, config, probe, tasks, media, uploadSeen));
  }

  /**
   * The upload part alone, before the gateway exists, with an image check pool of its own: a process
   * with more to start first (the standalone jar's embedded database and broker) calls it then, so that
   * the JIT works meanwhile. A gateway started afterwards adds no second warm-up.
   */
  static CompletableFuture<Boolean> startEarly(Vertx vertx, StillmotionConfig config) {
    return startOnce(() -> runEarly(vertx, config));
  }

  /** Blocking: the early warm-up; true when its upload was accepted. */
  static boolean runEarly(Vertx vertx, StillmotionConfig config) {
    long start = System.nanoTime();
    ImageProbe probe = earlyProbe(vertx, config);
    try {
      int status = upload(vertx, config, probe);
      log.info("upload path warmed up in {} ms (upload answered {})", (System.nanoTime() - start) / 1_000_000, status);
      return status == 200;
    } catch (Exception e) {
      log.info("upload warm-up skipped: {}", e.toString());
      return false;
    } finally {
      probe.close();
    }
  }

  /**
   * The early warm-up's image check: one thread of a pool named apart from the gateway's, which may
   * be made while this one is still open and must still get its {@code IMAGE_CHECK_THREADS}.
   */
  static ImageProbe earlyProbe(Vertx vertx, StillmotionConfig config) {
    return new ImageProbe(vertx, ImageProbe.POOL + "-warm-up", config.maxPixels(), config.decode(), 1, 1);
  }

  /** Whether this JVM has started a warm-up. */
  static boolean started() {
    return STARTED.get();
  }

  private static CompletableFuture<Boolean> startOnce(Supplier<Boolean> warmUp) {
    if (!Boolean.parseBoolean(System.getProperty("stillmotion.uploadWarmUp", "true"))
        || !STARTED.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> done.complete(warmUp.get()), "stillmotion-upload-warm-up");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** Blocking: the warm-up upload and look-ups; true when it ran to the end. */
  static boolean run(Vertx vertx, StillmotionConfig config, ImageProbe probe, TaskStore tasks, MediaStore media,
      BooleanSupplier uploadSeen) {
    long start = System.nanoTime();
    try {
      if (uploadSeen.getAsBoolean()) {
        log.info("upload warm-up skipped: an upload has arrived");
        return false;
      }
      int status = upload(vertx, config, probe);
      if (uploadSeen.getAsBoolean()) {
        log.info("upload warm-up stopped after {} ms: an upload has arrived", (System.nanoTime() - start) / 1_000_000);
        return false;
      }
      tasks.find(TaskMessage.newTaskId()).await(30, TimeUnit.SECONDS);
      media.stat(Names.UPLOADS_BUCKET, "warm-up-" + TaskMessage.newTaskId()).await(30, TimeUnit.SECONDS);
      log.info("upload path warmed up in {} ms (upload answered {})", (System.nanoTime() - start) / 1_000_000, status);
      return status == 200;
    } catch (Exception e) {
      // Only speed is at stake: the first upload warms what this could not.
      log.info("upload warm-up skipped: {}", e.toString());
      return false;
    }
  }

  /** The made-up photo through a private server: body handler, request reading, image check, JSON answer. */
  private static int upload(Vertx vertx, StillmotionConfig config, ImageProbe probe) throws Exception {
    Path dir = Files.createTempDirectory("stillmotion-upload-warm-up");
    Router router = Router.router(vertx);
    router.post("/upload").handler(BodyHandler.create(dir.toString()).setDeleteUploadedFilesOnEnd(true))
        .handler(ctx -> {
          TaskRequest request = TaskRequest.read(ctx, config);
          probe.probe(request.images().get(0))
              .onSuccess(info -> GatewayVerticle.json(ctx, 200, new JsonObject().put("format", info.format())))
              .onFailure(ctx::fail);
        });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();
    try {
      Buffer body = AotTraining.multipart(SamplePhoto.jpeg(1600, 1000));
      return client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/upload")
          .compose(request -> request.putHeader("content-type", AotTraining.CONTENT_TYPE).send(body))
          .compose(response -> response.body().map(answer -> response.statusCode()))
          .await(60, TimeUnit.SECONDS);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      server.close().await(10, TimeUnit.SECONDS);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
