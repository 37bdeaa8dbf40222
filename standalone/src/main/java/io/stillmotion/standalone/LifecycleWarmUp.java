package io.stillmotion.standalone;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMedia;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the life of one task around its render once while the standalone system starts, through the
 * classes that own each part, so that the first real upload and its task do not pay for loading and
 * interpreting them: the upload stored in GridFS, the task inserted and published with a confirm, then
 * the worker's claim, heartbeat, read of the upload, its three results stored and the finish.
 *
 * <p>The database part runs while the embedded broker starts, on a scratch database of the embedded
 * server ({@code <MONGO_DB>-warm-up}), dropped at its end (and at its start, should a run have died in
 * it): the real collections and buckets are never touched. The broker part runs on a connection of
 * its own once the broker is up: a persistent, confirmed publish into a server-named queue, deleted
 * again. Its own daemon thread, never an event loop; readiness does not wait for it. Never with the
 * system property {@code stillmotion.lifecycleWarmUp=false} (the test suites set it).
 */
final class LifecycleWarmUp {

  private static final Logger log = LoggerFactory.getLogger(LifecycleWarmUp.class);
  /** About the size of a photo or a 5 s video: several GridFS chunks, written in one batch as theirs are. */
  private static final int FILE_BYTES = 900 * 1024;
  /** About the sizes of a 720p poster and its thumbnail. */
  private static final int POSTER_BYTES = 120 * 1024;
  private static final int THUMBNAIL_BYTES = 12 * 1024;
  private static final long STEP_TIMEOUT_S = 60;

  private LifecycleWarmUp() {
  }

  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("stillmotion.lifecycleWarmUp", "true"));
  }

  /**
   * Starts the database part now (with {@code embeddedDatabase}, the embedded server's connection; null:
   * none, a database of someone else's is not written to) and the broker part, on a thread of its own,
   * once {@code brokerUri} completes (null: none); completes with whether both ran to the end, never fails.
   */
  static CompletableFuture<Boolean> start(Vertx vertx, StillmotionConfig embeddedDatabase,
      CompletableFuture<String> brokerUri) {
    if (!enabled()) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> database = embeddedDatabase == null ? CompletableFuture.completedFuture(false)
        : onThread("database", () -> runDatabase(vertx, embeddedDatabase));
    CompletableFuture<Boolean> broker = brokerUri.thenCompose(uri -> uri == null
        ? CompletableFuture.completedFuture(false)
        : onThread("broker", () -> runBroker(vertx, uri)));
    return database.thenCombine(broker, Boolean::logicalAnd);
  }

  private static CompletableFuture<Boolean> onThread(String part, Supplier<Boolean> work) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> done.complete(work.get()), "stillmotion-warm-up-" + part);
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** The database name the warm-up writes to, and drops. */
  static String scratchDatabase(StillmotionConfig config) {
    return config.mongoDb() + "-warm-up";
  }

  /** Blocking: one task's database work on the scratch database; true when it ran to the end. */
  static boolean runDatabase(Vertx vertx, StillmotionConfig config) {
    long start = System.nanoTime();
    MongoClient mongo = MongoClient.create(vertx, config.mongoClientConfig().put("db_name", scratchDatabase(config)));
    Path file = null;
    try {
      dropDatabase(mongo);
      file = Files.createTempFile("stillmotion-warm-up", ".bin");
      byte[] bytes = new byte[FILE_BYTES];
      new Random(1).nextBytes(bytes);
      Files.write(file, bytes);
      taskLife(new TaskStore(mongo), new MediaStore(vertx, mongo), file, bytes);
      log.info("task life warmed up on the database in {} ms", (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (Exception e) {
      // Only speed is at stake: the first task warms what this could not.
      log.info("database warm-up skipped: {}", e.toString());
      return false;
    } finally {
      try {
        dropDatabase(mongo);
      } catch (Exception e) {
        log.info("warm-up database {} not dropped: {}", scratchDatabase(config), e.toString());
      }
      mongo.close();
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  /** What the gateway and the worker do with a task, in their order, through the owners' own methods. */
  private static void taskLife(TaskStore tasks, MediaStore media, Path file, byte[] bytes) throws Exception {
    String id = TaskMessage.newTaskId();
    Task pending = Task.pending(id, "jpg", RenderOptions.defaults(), System.currentTimeMillis());
    await(tasks.ensureIndexes());
    // The gateway: the upload, the task, the outbox's mark.
    await(media.putFile(Names.UPLOADS_BUCKET, pending.uploadFileName(), file));
    await(tasks.insert(pending));
    await(tasks.markPublished(id));
    await(tasks.find(id));
    // The worker: claim, the upload read back, heartbeats, the results stored, the finish.
    Task claimed = await(tasks.claim(id, "warm-up", System.currentTimeMillis()));
    if (claimed == null) {
      throw new IllegalStateException("the scratch task was not claimed");
    }
    String token = claimed.attemptToken();
    await(media.readAll(Names.UPLOADS_BUCKET, pending.uploadFileName()));
    await(tasks.heartbeat(id, token, 50, System.currentTimeMillis()));
    TaskMedia names = TaskMedia.forAttempt(id, token);
    List<String> stored = List.of(
        await(media.putFile(Names.VIDEOS_BUCKET, names.video(), file)),
        await(media.putBytes(Names.VIDEOS_BUCKET, names.poster(), Arrays.copyOf(bytes, POSTER_BYTES))),
        await(media.putBytes(Names.VIDEOS_BUCKET, names.thumbnail(), Arrays.copyOf(bytes, THUMBNAIL_BYTES))));
    await(tasks.finish(id, token, names, System.currentTimeMillis()));
    await(media.deleteOthers(Names.VIDEOS_BUCKET, id + ".", stored));
  }

  private static void dropDatabase(MongoClient mongo) throws Exception {
    await(mongo.runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)));
  }

  /** Blocking: a link of its own publishes into a scratch queue; true when the broker confirmed it. */
  static boolean runBroker(Vertx vertx, String uri) {
    long start = System.nanoTime();
    Promise<Void> connected = Promise.promise();
    BrokerLink link = new BrokerLink(vertx, BrokerLink.Options.of(uri, "warm-up")).onConnected(connected::tryComplete);
    try {
      await(link.start());
      await(connected.future());
      await(link.publishToScratchQueue());
      log.info("broker publish warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (Exception e) {
      log.info("broker warm-up skipped: {}", e.toString());
      return false;
    } finally {
      try {
        await(link.stop());
      } catch (Exception e) {
        log.debug("warm-up broker link not stopped: {}", e.toString());
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(STEP_TIMEOUT_S, TimeUnit.SECONDS);
  }
}
