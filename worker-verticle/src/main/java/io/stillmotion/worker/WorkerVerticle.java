package io.stillmotion.worker;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.broker.TaskDelivery;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMedia;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.ImageGuard;
import io.stillmotion.render.RenderCancelledException;
import io.stillmotion.render.RenderException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.VideoEncoder;
import io.stillmotion.render.VideoRenderer;
import io.stillmotion.store.DiskReserve;
import io.stillmotion.store.MediaNotFoundException;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.StoreErrors;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.webhook.WebhookOutbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Takes tasks from the work queue (manual ack, prefetch = concurrency), claims each in MongoDB with
 * a compare-and-set, renders it on worker threads, stores the video and marks it FINISHED, and only
 * then acks. Any number of workers compete for the queue; a redelivered message is harmless because
 * the claim only succeeds on a PENDING task.
 */
public class WorkerVerticle extends VerticleBase implements WorkerState {

  private static final Logger log = TaskMdc.logger(WorkerVerticle.class);
  /** Heartbeat and progress write interval; also how fast a cancel is noticed. */
  private static final long HEARTBEAT_MS = 500;
  /** How long to wait before handing back a message whose task could not be claimed (database trouble). */
  private static final long CLAIM_RETRY_DELAY_MS = 2_000;
  /** How long a message waits before it is handed back while the disk is short (a full disk is not cleared in seconds). */
  private static final long DISK_RETRY_DELAY_MS = 5_000;
  /** The first wait before a database step of an attempt is tried again while MongoDB is out of reach; it doubles. */
  private static final long DATABASE_RETRY_MS = 500;
  /** The longest wait between two tries of such a step. */
  private static final long DATABASE_RETRY_MAX_MS = 5_000;
  /** How far workers' clocks may disagree before a retry's message arrives "too early" somewhere. */
  private static final long CLOCK_MARGIN_MS = 500;

  private final StillmotionConfig presetConfig;
  private StillmotionConfig config;
  private MongoClient mongo;
  private TaskStore tasks;
  private MediaStore media;
  private StillmotionMetrics metrics;
  private WebhookOutbox webhooks;
  private BrokerLink broker;
  private WorkerExecutor renderPool;
  private VideoRenderer renderer;
  private StoryRender stories;
  private StaleTaskSweeper sweeper;
  private Path workDir;
  private DiskReserve disk;
  private volatile boolean stopping;
  private final Map<String, ActiveTask> active = new ConcurrentHashMap<>();

  /** Configured from environment variables (the runnable jar). */
  public WorkerVerticle() {
    this(null);
  }

  /** Configured explicitly (standalone and tests). */
  public WorkerVerticle(StillmotionConfig config) {
    this.presetConfig = config;
  }

  @Override
  public Future<?> start() throws Exception {
    config = presetConfig != null ? presetConfig : StillmotionConfig.fromEnv();
    workDir = Files.createTempDirectory("stillmotion-render");
    // The render's scratch files, and with the embedded database (standalone) its files too.
    disk = new DiskReserve(vertx, config.protection().minFreeDiskBytes(), "tasks stay queued", workDir,
        Path.of(config.dataDir()));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
    tasks = new TaskStore(mongo);
    media = new MediaStore(vertx, mongo);
    metrics = StillmotionMetrics.of(vertx);
    metrics.activeTasks(active::size);
    webhooks = new WebhookOutbox(vertx, tasks, config.webhooks(), config.workerId());
    webhooks.start();
    renderer = new VideoRenderer(config.renderThreads(),
        VideoEncoder.fromConfigName(config.videoEncoder()).orElseThrow(), imageGuard(config));
    stories = new StoryRender(vertx, media, renderer);
    RenderWarmUp.startOnce(renderer, workDir, () -> !active.isEmpty());
    renderPool = vertx.createSharedWorkerExecutor("stillmotion-render-" + deploymentID(),
        config.workerConcurrency(), 2, TimeUnit.HOURS);
    broker = new BrokerLink(vertx, brokerOptions(config)).onTask(this::onMessage);
    vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat());
    sweeper = new StaleTaskSweeper(vertx, mongo, config.reliability(), config.workerId(), broker::publishTask,
        broker::queueDepth, this::announceSweptFailure);
    sweeper.start();
    // Before the first task is taken (the embedded server is not safe for a write racing an index
    // build); a failure is logged and the worker starts anyway: no query needs the indexes to run.
    return tasks.ensureIndexes()
        .recover(e -> {
          log.warn("task indexes not created ({}); queries run without them", e.getMessage());
          return Future.succeededFuture();
        })
        .onComplete(v -> {
          broker.start();
          log.info("worker {} started: concurrency {}, {} render threads", config.workerId(),
              config.workerConcurrency(), config.renderThreads());
        });
  }

  /**
   * Prefetch = concurrency. A message is parked only when delivered far more often than a task may be
   * attempted: the attempt limit in MongoDB decides a task's fate, parking only stops a loop.
   */
  static BrokerLink.Options brokerOptions(StillmotionConfig config) {
    return BrokerLink.Options.of(config.requireAmqpUri(), "worker " + config.workerId())
        .consumingTasks(config.workerConcurrency(), Math.max(20, 2 * config.reliability().maxAttempts() + 5));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return broker.stopConsuming()
        .compose(v -> sweeper.stop())
        .compose(v -> GracefulStop.finishOrRelease(vertx, active, config.reliability().shutdownGraceMs()))
        .eventually(() -> broker.stop())
        .eventually(() -> webhooks.stop())
        .eventually(() -> {
          renderPool.close();
          renderer.close();
          mongo.close();
          return deleteQuietly(workDir);
        });
  }

  private void onMessage(TaskDelivery delivery) {
    if (stopping) {
      delivery.retryLater();
      return;
    }
    disk.hasRoomFor(0).onComplete(room -> {
      if (room.succeeded() && !room.result()) {
        // Nothing is claimed or written while the disk is short: the task stays PENDING, its message is
        // handed back (not counted towards parking) and tried again, here or by another worker.
        vertx.setTimer(DISK_RETRY_DELAY_MS, t -> delivery.retryLater());
      } else {
        claim(delivery);
      }
    });
  }

  /** 0.5 s, 1 s, 2 s, 4 s, then 5 s between tries of a database step while MongoDB is out of reach. */
  private static long databaseRetryDelay(int tries) {
    return Math.min(DATABASE_RETRY_MAX_MS, DATABASE_RETRY_MS << Math.min(tries, 4));
  }

  /**
   * Claims the task under an attempt token chosen here, tried again with the same token while MongoDB is
   * out of reach (for up to a heartbeat timeout), so that a claim applied whose answer was lost is found to
   * be this one's instead of leaving the task PROCESSING under nobody until the sweeper takes it back.
   */
  private void claim(TaskDelivery delivery) {
    claim(delivery, TaskStore.newAttemptToken(),
        System.currentTimeMillis() + config.reliability().heartbeatTimeoutMs(), 0);
  }

  private void claim(TaskDelivery delivery, String token, long triedUntil, int tries) {
    String id = delivery.taskId();
    if (stopping) {
      delivery.retryLater();
      return;
    }
    tasks.claim(id, config.workerId(), System.currentTimeMillis(), token)
        .onSuccess(task -> {
          if (task == null) {
            log.info("[{}] not pending (already taken, finished, cancelled or unknown): acking", id);
            delivery.ack();
          } else {
            process(task, delivery);
          }
        })
        .onFailure(e -> {
          if (StoreErrors.unreachable(e) && !stopping && System.currentTimeMillis() < triedUntil) {
            if (tries == 0) {
              log.warn("[{}] MongoDB is out of reach while claiming ({}); trying again with the same attempt token",
                  id, e.getMessage());
            }
            vertx.setTimer(databaseRetryDelay(tries), t -> claim(delivery, token, triedUntil, tries + 1));
            return;
          }
          log.warn("[{}] could not claim ({}); handing the message back in {} ms", id, e.getMessage(),
              CLAIM_RETRY_DELAY_MS);
          vertx.setTimer(CLAIM_RETRY_DELAY_MS, t -> delivery.retryLater());
        });
  }

  private void process(Task task, TaskDelivery delivery) {
    ActiveTask job = new ActiveTask(task, delivery,
        (which, poster, thumbnail) -> context.runOnContext(v -> storeStillsEarly(which, poster, thumbnail)));
    active.put(task.id(), job);
    log.info("[{}] rendering attempt {}: {}", task.id(), task.attempts(), task.options().toJson().encode());
    publishEvent(task.id(), TaskStatus.PROCESSING, 0, null);
    rendered(task, job)
        .compose(result -> store(job, result), failure -> deleteStills(job).transform(r -> Future.failedFuture(failure)))
        .transform(done -> {
          if (done.succeeded()) {
            job.delivery.ack();
            return Future.succeededFuture();
          }
          return handleFailure(job, done.cause());
        })
        // Active (heartbeats going) until the attempt has settled the task, however long MongoDB was away.
        .onComplete(settled -> active.remove(task.id()));
  }

  /**
   * Runs a database step of an attempt (reading its inputs, storing its result, recording how it ended)
   * again and again while MongoDB is out of reach, so that a database restart or a network cut costs the
   * attempt nothing: what was rendered is kept, the task stays active here and its heartbeats resume with
   * the database, so no sweeper takes it away. Any other failure, or the attempt losing the task (a
   * cancel, this worker stopping), ends the waiting with that failure.
   */
  private <T> Future<T> untilStored(ActiveTask job, String step, Supplier<Future<T>> write) {
    return untilStored(job, step, write, 0);
  }

  private <T> Future<T> untilStored(ActiveTask job, String step, Supplier<Future<T>> write, int tries) {
    return write.get()
        .onSuccess(done -> {
          if (tries > 0) {
            if (step.equals(job.waitingForDatabase)) {
              job.waitingForDatabase = null;
            }
            log.info("[{}] MongoDB answers again: {} done after {} tries", job.task.id(), step, tries + 1);
          }
        })
        .recover(e -> {
          if (!StoreErrors.unreachable(e)) {
            return Future.failedFuture(e);
          }
          if (job.isCancelled()) {
            return Future.failedFuture(new RenderCancelledException());
          }
          if (tries == 0) {
            job.waitingForDatabase = step;
            log.warn("[{}] MongoDB is out of reach while {} ({}); trying again every {}-{} ms, the attempt keeps the task",
                job.task.id(), step, e.getMessage(), DATABASE_RETRY_MS, DATABASE_RETRY_MAX_MS);
          }
          Promise<T> later = Promise.promise();
          vertx.setTimer(databaseRetryDelay(tries), t -> untilStored(job, step, write, tries + 1).onComplete(later));
          return later.future();
        });
  }

  /**
   * The poster and thumbnail, stored while the video is still being encoded, under this attempt's
   * names: at the end only the video is left to store. Unless the attempt already settled its stills.
   */
  private void storeStillsEarly(ActiveTask job, byte[] poster, byte[] thumbnail) {
    if (!job.stillsSettled && job.stillsPuts == null) {
      job.stillsPuts = putStills(job, poster, thumbnail);
    }
  }

  private List<Future<String>> putStills(ActiveTask job, byte[] poster, byte[] thumbnail) {
    TaskMedia names = TaskMedia.forAttempt(job.task.id(), job.token());
    return List.of(
        media.putBytes(Names.VIDEOS_BUCKET, names.poster(), poster),
        media.putBytes(Names.VIDEOS_BUCKET, names.thumbnail(), thumbnail));
  }

  /** A render that failed after its stills were stored early: they are nobody's, deleted by id. */
  private Future<Void> deleteStills(ActiveTask job) {
    job.stillsSettled = true;
    if (job.stillsPuts == null) {
      return Future.succeededFuture();
    }
    List<Future<String>> puts = job.stillsPuts;
    return Future.join(puts).transform(all -> deleteResult(job.task.id(),
        puts.stream().filter(Future::succeeded).map(Future::result).toList()));
  }

  /** A single image read into memory; a story's pictures copied to local files, read back one at a time. */
  private Future<RenderResult> rendered(Task task, ActiveTask job) {
    if (task.story() == null) {
      return untilStored(job, "reading the upload", () -> media.readAll(Names.UPLOADS_BUCKET, task.uploadFileName()))
          .compose(image -> renderPool.executeBlocking(
              TaskMdc.wrap(task.id(), () -> render(image.getBytes(), task, job)), false));
    }
    return untilStored(job, "reading the story's uploads", () -> stories.fetch(task, workDir)).compose(inputs -> renderPool
        .executeBlocking(TaskMdc.wrap(task.id(), () -> stories.render(task, inputs, workDir, job)), false)
        .eventually(() -> deleteQuietly(inputs.dir())));
  }

  /** The limits every source image is decoded within here, whatever the gateway checked. */
  static ImageGuard imageGuard(StillmotionConfig config) {
    return new ImageGuard(new ImageGuard.Limits(ImageGuard.MIN_SIDE, config.maxPixels(),
        config.decode().memoryBytes(), config.decode().decodeTimeLimitMs()));
  }

  /** Renders on a render thread; tests override it to simulate failures. */
  protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
    return renderer.render(image, task.options().toSpec(), workDir, listener);
  }

  /**
   * Stores the result under names unique to this attempt (the video, and the poster and thumbnail
   * unless they were stored while the video was encoded), then finishes the task with them: only that
   * finish, conditioned on the attempt's token, makes them the task's. An attempt that lost the task
   * meanwhile (paused, reclaimed, cancelled), or could not store all three, deletes what it stored, by
   * id, and touches nothing else.
   */
  private Future<Void> store(ActiveTask job, RenderResult result) {
    String id = job.task.id();
    TaskMedia names = TaskMedia.forAttempt(id, job.token());
    job.stillsSettled = true;
    List<Future<String>> early = job.stillsPuts;
    List<Future<String>> puts = List.of(
        untilStored(job, "storing the video", () -> media.putFile(Names.VIDEOS_BUCKET, names.video(), result.video())),
        still(job, early == null ? null : early.get(0), names.poster(), result.posterJpeg()),
        still(job, early == null ? null : early.get(1), names.thumbnail(), result.thumbnailJpeg()));
    List<String> stored = new ArrayList<>();
    return Future.join(puts)
        .transform(all -> {
          puts.stream().filter(Future::succeeded).map(Future::result).forEach(stored::add);
          return all.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(all.cause());
        })
        // Nothing recorded yet: what was stored is nobody's.
        .recover(e -> deleteResult(id, stored).transform(r -> Future.<Void>failedFuture(e)))
        .compose(v -> untilStored(job, "recording the finished video", () -> finish(job, names))
            // Given up while MongoDB was away (this worker stopping): the finish may have been applied with
            // its answer lost, so the files stay; if it was not, the attempt that wins deletes them.
            .recover(e -> e instanceof RenderCancelledException ? Future.<Task>failedFuture(e)
                : deleteResult(id, stored).transform(r -> Future.<Task>failedFuture(e))))
        .compose(finished -> {
          if (finished != null) {
            log.info("[{}] finished: {} frames, {} bytes in {} ms", id, result.frames(), result.videoBytes(),
                result.elapsedMillis());
            metrics.taskFinished(job.task.options().size(), result.frames(), result.elapsedMillis());
            job.terminalPublished = true;
            // With the final state in it: the gateways need not read the task again to show it.
            publishEvent(TaskEvent.of(finished));
            webhooks.nudge();
            return deleteEarlierAttempts(id, stored);
          }
          log.info("[{}] attempt {} no longer holds the task (cancelled or taken over); deleting its own result",
              id, job.task.attempts());
          return deleteResult(id, stored);
        })
        .eventually(() -> deleteQuietly(result.video()));
  }

  /** A still stored early (tried again if MongoDB was out of reach then), or stored now. */
  private Future<String> still(ActiveTask job, Future<String> early, String name, byte[] jpeg) {
    Supplier<Future<String>> put = () -> media.putBytes(Names.VIDEOS_BUCKET, name, jpeg);
    if (early == null) {
      return untilStored(job, "storing the stills", put);
    }
    return early.recover(e -> StoreErrors.unreachable(e) ? untilStored(job, "storing the stills", put) : early);
  }

  /**
   * Finishes the task with this attempt's files: the task, or null when the attempt no longer holds it.
   * A finish that was applied but whose answer was lost with the connection is recognised when tried
   * again (the task is FINISHED with exactly these files), so it is never taken for a lost task whose
   * files could be deleted.
   */
  private Future<Task> finish(ActiveTask job, TaskMedia names) {
    String id = job.task.id();
    return tasks.finish(id, job.token(), names, System.currentTimeMillis())
        .compose(finished -> finished != null ? Future.succeededFuture(finished) : tasks.find(id)
            .map(task -> task != null && task.status() == TaskStatus.FINISHED && names.equals(task.result())
                ? task : null));
  }

  /**
   * After the winning finish: files of earlier attempts that died before removing their own. None of
   * them is the task's (only the winner's are recorded on it), so this is tidying, never a loss.
   */
  private Future<Void> deleteEarlierAttempts(String id, List<String> kept) {
    return media.deleteOthers(Names.VIDEOS_BUCKET, id + ".", kept)
        .onSuccess(n -> {
          if (n > 0) {
            log.info("[{}] deleted {} file(s) left by earlier attempts", id, n);
          }
        })
        .<Void>mapEmpty()
        .otherwise(e -> {
          log.warn("[{}] files of earlier attempts not deleted ({})", id, e.getMessage());
          return null;
        });
  }

  /** Deletes files this attempt stored, by their ids: never a file of another attempt. */
  private Future<Void> deleteResult(String id, List<String> fileIds) {
    return Future.join(fileIds.stream().map(fileId -> media.deleteByIdEventually(Names.VIDEOS_BUCKET, fileId)).toList())
        .onFailure(e -> log.warn("[{}] could not delete this attempt's files {} ({})", id, fileIds, e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Settles a failed attempt: the task released, retried later or FAILED, then the message acked or handed back. */
  private Future<Void> handleFailure(ActiveTask job, Throwable failure) {
    Task task = job.task;
    job.settling = true;
    // Pinned to the task that ran out (a JVM with ExitOnOutOfMemoryError has ended instead; see README).
    Throwable cause = failure instanceof OutOfMemoryError oom ? VideoRenderer.outOfMemory(oom) : failure;
    long now = System.currentTimeMillis();
    if (cause instanceof RenderCancelledException) {
      if (job.isReleased()) {
        log.info("[{}] released on shutdown; back to the queue", task.id());
        return tasks.release(task.id(), job.token(), null, now)
            .transform(r -> {
              job.delivery.retryLater();
              return Future.succeededFuture();
            });
      }
      log.info("[{}] stopped: no longer ours (cancelled or reclaimed)", task.id());
      job.delivery.ack();
      return Future.succeededFuture();
    }
    boolean permanent = cause instanceof RenderException re && re.isPermanent()
        || cause instanceof MediaNotFoundException;
    if (!permanent && task.attempts() < config.reliability().maxAttempts()) {
      return retryLater(job, cause, now);
    }
    String message = userMessage(cause, task.attempts());
    log.warn("[{}] failed for good after {} attempt(s): {}", task.id(), task.attempts(), cause.toString(),
        permanent ? null : cause);
    metrics.taskFailed();
    return untilStored(job, "recording the failure", () -> tasks.fail(task.id(), job.token(), message, now))
        .transform(r -> {
          if (r.succeeded() && r.result()) {
            job.terminalPublished = true;
            publishEvent(task.id(), TaskStatus.FAILED, job.progress(), message);
            webhooks.nudge();
          }
          job.delivery.ack();
          return Future.succeededFuture();
        });
  }

  /**
   * A transient failure with attempts left: the task goes back to PENDING with a not-before time
   * (capped exponential backoff), the message is acked at once, so neither it nor the prefetch slot is
   * held during the wait, and a fresh message is published when the wait is over. If this worker dies
   * meanwhile, the sweeper publishes the task once it is due and its message is missing.
   */
  private Future<Void> retryLater(ActiveTask job, Throwable cause, long now) {
    Task task = job.task;
    long delay = config.reliability().retryDelayMs(task.attempts());
    log.warn("[{}] attempt {} failed ({}); retrying in {} ms", task.id(), task.attempts(), cause.toString(), delay);
    return untilStored(job, "releasing the task for a retry",
            () -> tasks.release(task.id(), job.token(), null, now + delay, now))
        .transform(released -> {
          job.delivery.ack();
          if (released.succeeded() && released.result()) {
            metrics.taskRetried();
            // Back to PENDING is news too: event streams and the gateways' task caches re-read it.
            publishEvent(task.id(), TaskStatus.PENDING, 0, null);
            // A little after notBefore: the worker that takes the message judges "due" by its own clock.
            vertx.setTimer(delay + CLOCK_MARGIN_MS, t -> republish(task.id()));
          } else if (released.failed()) {
            log.warn("[{}] could not release for a retry ({}); the sweeper takes it back after the heartbeat timeout",
                task.id(), released.cause().getMessage());
          }
          return Future.<Void>succeededFuture();
        });
  }

  /** Puts a fresh message for a task whose retry is due on the queue, and records when. */
  private void republish(String taskId) {
    broker.publishTask(taskId)
        .compose(v -> tasks.markQueued(taskId, System.currentTimeMillis()))
        .onFailure(e -> log.warn("[{}] retry not published ({}); the sweeper will publish it", taskId,
            e.getMessage()));
  }

  /** A task the sweeper FAILED (its attempts stopped, the last one too) is announced like any other. */
  private void announceSweptFailure(Task task, String message) {
    publishEvent(task.id(), TaskStatus.FAILED, task.progress(), message);
    webhooks.nudge();
  }

  private static String userMessage(Throwable cause, int attempts) {
    if (cause instanceof RenderException re) {
      return re.getMessage();
    }
    if (cause instanceof MediaNotFoundException) {
      return "The uploaded image is no longer stored; please upload it again.";
    }
    return "Rendering failed on our side " + attempts + (attempts == 1 ? " time" : " times")
        + ". Please try again later; if it keeps failing, tell us the task id.";
  }

  /**
   * Writes progress and the heartbeat of every active task; notices tasks taken away from us. At most
   * one heartbeat per task is in flight: a tick skips a task whose previous write has not answered.
   */
  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (ActiveTask job : active.values()) {
      int progress = job.progress();
      if (job.heartbeatInFlight || job.terminalPublished) {
        continue;
      }
      job.heartbeatInFlight = true;
      tasks.heartbeat(job.task.id(), job.token(), progress, now)
          .onComplete(r -> job.heartbeatInFlight = false)
          .onSuccess(held -> {
            // A write that raced this attempt's own finish or fail is no news.
            if (!held && !job.isCancelled() && !job.terminalPublished && !job.settling) {
              log.info("[{}] attempt {} no longer holds the task: stopping", job.task.id(), job.task.attempts());
              job.cancel();
            }
          });
      if (progress != job.lastPublished && !job.terminalPublished) {
        job.lastPublished = progress;
        publishEvent(job.task.id(), TaskStatus.PROCESSING, progress, null);
      }
    }
  }

  private void publishEvent(String taskId, TaskStatus status, int progress, String message) {
    publishEvent(new TaskEvent(taskId, status, progress, message, System.currentTimeMillis()));
  }

  private void publishEvent(TaskEvent event) {
    broker.publishEvent(event)
        .onFailure(e -> log.debug("[{}] event not published: {}", event.taskId(), e.getMessage()));
  }

  @Override
  public String workerId() {
    return config.workerId();
  }

  @Override
  public Future<Void> pingMongo() {
    return mongo.runCommand("ping", new JsonObject().put("ping", 1)).mapEmpty();
  }

  @Override
  public boolean consuming() {
    return !stopping && broker.consuming();
  }

  @Override
  public JsonArray currentTasks() {
    return new JsonArray(active.values().stream().map(ActiveTask::statusJson).toList());
  }

  private Future<Void> deleteQuietly(Path... paths) {
    return vertx.executeBlocking(() -> {
      for (Path p : paths) {
        try (var walk = Files.exists(p) ? Files.walk(p) : java.util.stream.Stream.<Path>empty()) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
          log.debug("could not delete {}: {}", p, e.getMessage());
        }
      }
      return null;
    });
  }
}
