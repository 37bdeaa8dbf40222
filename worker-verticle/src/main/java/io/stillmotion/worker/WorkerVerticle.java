package io.stillmotion.worker;

import com.rabbitmq.client.AMQP;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.ImageGuard;
import io.stillmotion.render.RenderCancelledException;
import io.stillmotion.render.RenderException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.VideoEncoder;
import io.stillmotion.render.VideoRenderer;
import io.stillmotion.store.MediaNotFoundException;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.stillmotion.webhook.WebhookOutbox;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
  private static final long RETRY_DELAY_MS = 2_000;
  private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder()
      .contentType("application/json").deliveryMode(2).build();

  private final StillmotionConfig presetConfig;
  private StillmotionConfig config;
  private MongoClient mongo;
  private TaskStore tasks;
  private MediaStore media;
  private StillmotionMetrics metrics;
  private WebhookOutbox webhooks;
  private RabbitMQClient rabbit;
  private RabbitMQConsumer consumer;
  private WorkerExecutor renderPool;
  private VideoRenderer renderer;
  private StoryRender stories;
  private StaleTaskSweeper sweeper;
  private Path workDir;
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
    rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions(config.amqpClientConfig()));
    rabbit.addConnectionEstablishedCallback(this::onConnected);
    vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat());
    sweeper = new StaleTaskSweeper(vertx, mongo, config.reliability(), config.workerId(), this::publishTask,
        this::queueDepth);
    sweeper.start();
    rabbit.start().onFailure(e -> log.warn("AMQP broker not reachable yet ({}); will keep trying", e.getMessage()));
    log.info("worker {} started: concurrency {}, {} render threads", config.workerId(),
        config.workerConcurrency(), config.renderThreads());
    return Future.succeededFuture();
  }

  /** Runs on every (re)connection: the channel's prefetch and consumer do not survive it. */
  private void onConnected(Promise<Void> promise) {
    rabbit.queueDeclare(Names.TASK_QUEUE, true, false, false)
        .compose(ok -> rabbit.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false))
        .compose(v -> rabbit.basicQos(config.workerConcurrency()))
        .compose(v -> rabbit.basicConsumer(Names.TASK_QUEUE, new QueueOptions().setAutoAck(false)))
        .onSuccess(c -> {
          // Deliveries start before this future completes: the handler must be set right here.
          consumer = c;
          c.handler(this::onMessage);
          log.info("consuming {}", Names.TASK_QUEUE);
        })
        .<Void>mapEmpty()
        .onComplete(promise);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> cancelled = consumer == null ? Future.succeededFuture() : consumer.cancel().otherwiseEmpty();
    return cancelled
        .compose(v -> sweeper.stop())
        .compose(v -> GracefulStop.finishOrRelease(vertx, active, config.reliability().shutdownGraceMs()))
        .eventually(() -> rabbit.stop().otherwiseEmpty())
        .eventually(() -> webhooks.stop())
        .eventually(() -> {
          renderPool.close();
          renderer.close();
          mongo.close();
          return deleteQuietly(workDir);
        });
  }

  private void onMessage(RabbitMQMessage msg) {
    long tag = msg.envelope().getDeliveryTag();
    if (stopping) {
      rabbit.basicNack(tag, false, true);
      return;
    }
    TaskMessage message;
    try {
      message = TaskMessage.fromBuffer(msg.body());
    } catch (IllegalArgumentException e) {
      log.warn("dropping a message that is not a task ({}): {}", e.getMessage(), abbreviate(msg.body()));
      ack(tag);
      return;
    }
    String id = message.taskId();
    tasks.claim(id, config.workerId(), System.currentTimeMillis())
        .onSuccess(task -> {
          if (task == null) {
            log.info("[{}] not pending (already taken, finished, cancelled or unknown): acking", id);
            ack(tag);
          } else {
            process(new ActiveTask(task, tag));
          }
        })
        .onFailure(e -> {
          log.warn("[{}] could not claim ({}); handing the message back in {} ms", id, e.getMessage(), RETRY_DELAY_MS);
          vertx.setTimer(RETRY_DELAY_MS, t -> rabbit.basicNack(tag, false, true));
        });
  }

  private void process(ActiveTask job) {
    Task task = job.task;
    active.put(task.id(), job);
    log.info("[{}] rendering attempt {}: {}", task.id(), task.attempts(), task.options().toJson().encode());
    publishEvent(task.id(), TaskStatus.PROCESSING, 0, null);
    rendered(task, job)
        .compose(result -> store(job, result))
        .onComplete(done -> {
          active.remove(task.id());
          if (done.succeeded()) {
            ack(job.deliveryTag);
          } else {
            handleFailure(job, done.cause());
          }
        });
  }

  /** A single image read into memory; a story's pictures copied to local files, read back one at a time. */
  private Future<RenderResult> rendered(Task task, RenderListener listener) {
    if (task.story() == null) {
      return media.readAll(Names.UPLOADS_BUCKET, task.uploadFileName())
          .compose(image -> renderPool.executeBlocking(
              TaskMdc.wrap(task.id(), () -> render(image.getBytes(), task, listener)), false));
    }
    return stories.fetch(task, workDir).compose(inputs -> renderPool
        .executeBlocking(TaskMdc.wrap(task.id(), () -> stories.render(task, inputs, workDir, listener)), false)
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

  private Future<Void> publishTask(Buffer message) {
    if (!rabbit.isConnected()) {
      return Future.failedFuture("broker not connected");
    }
    return rabbit.basicPublish("", Names.TASK_QUEUE, PERSISTENT, message);
  }

  /** Messages waiting in the work queue (declaring it is idempotent and never closes the channel). */
  private Future<Long> queueDepth() {
    if (!rabbit.isConnected()) {
      return Future.failedFuture("broker not connected");
    }
    return rabbit.queueDeclare(Names.TASK_QUEUE, true, false, false).map(ok -> (long) ok.getMessageCount());
  }

  private Future<Void> store(ActiveTask job, RenderResult result) {
    String id = job.task.id();
    Path scratch = workDir.resolve(id);
    return media.putFile(Names.VIDEOS_BUCKET, Names.videoFileName(id), result.video())
        .compose(v -> media.putBytes(Names.VIDEOS_BUCKET, Names.posterFileName(id), result.posterJpeg(), scratch))
        .compose(v -> media.putBytes(Names.VIDEOS_BUCKET, Names.thumbnailFileName(id), result.thumbnailJpeg(), scratch))
        .compose(v -> tasks.finish(id, config.workerId(), System.currentTimeMillis()))
        .compose(finished -> {
          if (finished) {
            log.info("[{}] finished: {} frames, {} bytes in {} ms", id, result.frames(), result.videoBytes(),
                result.elapsedMillis());
            metrics.taskFinished(job.task.options().size(), result.frames(), result.elapsedMillis());
            job.terminalPublished = true;
            publishEvent(id, TaskStatus.FINISHED, 100, null);
            webhooks.nudge();
            return Future.succeededFuture();
          }
          log.info("[{}] was cancelled or taken over while storing; discarding the result", id);
          return deleteResult(id);
        })
        .eventually(() -> deleteQuietly(result.video(), scratch));
  }

  private Future<Void> deleteResult(String id) {
    return Future.all(
            media.delete(Names.VIDEOS_BUCKET, Names.videoFileName(id)),
            media.delete(Names.VIDEOS_BUCKET, Names.posterFileName(id)),
            media.delete(Names.VIDEOS_BUCKET, Names.thumbnailFileName(id)))
        .mapEmpty();
  }

  private void handleFailure(ActiveTask job, Throwable failure) {
    Task task = job.task;
    // Pinned to the task that ran out (a JVM with ExitOnOutOfMemoryError has ended instead; see README).
    Throwable cause = failure instanceof OutOfMemoryError oom ? VideoRenderer.outOfMemory(oom) : failure;
    long now = System.currentTimeMillis();
    if (cause instanceof RenderCancelledException) {
      if (job.isReleased()) {
        log.info("[{}] released on shutdown; back to the queue", task.id());
        tasks.release(task.id(), config.workerId(), null, now)
            .onComplete(r -> rabbit.basicNack(job.deliveryTag, false, true));
      } else {
        log.info("[{}] stopped: no longer ours (cancelled or reclaimed)", task.id());
        ack(job.deliveryTag);
      }
      return;
    }
    boolean permanent = cause instanceof RenderException re && re.isPermanent()
        || cause instanceof MediaNotFoundException;
    if (!permanent && task.attempts() < config.reliability().maxAttempts()) {
      long backoff = RETRY_DELAY_MS * (1L << Math.max(0, task.attempts() - 1));
      log.warn("[{}] attempt {} failed ({}); retrying in {} ms", task.id(), task.attempts(), cause.toString(), backoff);
      metrics.taskRetried();
      tasks.release(task.id(), config.workerId(), null, now)
          .onComplete(r -> vertx.setTimer(backoff, t -> republish(task.id(), job.deliveryTag)));
      return;
    }
    String message = userMessage(cause);
    log.warn("[{}] failed for good after {} attempt(s): {}", task.id(), task.attempts(), cause.toString(),
        permanent ? null : cause);
    metrics.taskFailed();
    tasks.fail(task.id(), config.workerId(), message, now)
        .onComplete(r -> {
          job.terminalPublished = true;
          publishEvent(task.id(), TaskStatus.FAILED, job.progress(), message);
          if (r.succeeded() && r.result()) {
            webhooks.nudge();
          }
          ack(job.deliveryTag);
        });
  }

  /** Puts a fresh message for the task on the queue, then acks the old one (never the reverse). */
  private void republish(String taskId, long deliveryTag) {
    rabbit.basicPublish("", Names.TASK_QUEUE, PERSISTENT, new TaskMessage(taskId).toBuffer())
        .onComplete(r -> {
          if (r.succeeded()) {
            ack(deliveryTag);
          } else {
            rabbit.basicNack(deliveryTag, false, true);
          }
        });
  }

  private static String userMessage(Throwable cause) {
    if (cause instanceof RenderException re) {
      return re.getMessage();
    }
    if (cause instanceof MediaNotFoundException) {
      return "The uploaded image is no longer stored; please upload it again.";
    }
    return "Rendering failed on our side after several attempts. Please try again later.";
  }

  /** Writes progress and the heartbeat of every active task; notices tasks taken away from us. */
  private void heartbeat() {
    long now = System.currentTimeMillis();
    for (ActiveTask job : active.values()) {
      int progress = job.progress();
      tasks.progress(job.task.id(), config.workerId(), progress, now)
          .onSuccess(held -> {
            if (!held && !job.isCancelled()) {
              log.info("[{}] no longer held by this worker: stopping", job.task.id());
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
    if (!rabbit.isConnected()) {
      return;
    }
    TaskEvent event = new TaskEvent(taskId, status, progress, message, System.currentTimeMillis());
    rabbit.basicPublish(Names.EVENTS_EXCHANGE, Names.eventRoutingKey(taskId), event.toBuffer())
        .onFailure(e -> log.debug("[{}] event not published: {}", taskId, e.getMessage()));
  }

  private void ack(long tag) {
    rabbit.basicAck(tag, false).onFailure(e -> log.warn("ack failed ({}); the message will be redelivered",
        e.getMessage()));
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
    RabbitMQConsumer current = consumer;
    return !stopping && rabbit.isConnected() && current != null && !current.isCancelled();
  }

  @Override
  public JsonArray currentTasks() {
    return new JsonArray(active.values().stream().map(ActiveTask::statusJson).toList());
  }

  private static String abbreviate(Buffer body) {
    String s = body.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
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
