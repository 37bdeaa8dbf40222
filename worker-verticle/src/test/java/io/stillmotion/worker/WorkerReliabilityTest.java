package io.stillmotion.worker;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMedia;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.RenderCancelledException;
import io.stillmotion.render.RenderException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dead workers, transient failures and shutdowns: every task still ends FINISHED or FAILED. */
class WorkerReliabilityTest {

  private static WorkerTestBed bed;
  private String deployment;

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "worker-reliability-test",
        Map.of("WORKER_ID", "reliable-worker", "RENDER_THREADS", "2", "HEARTBEAT_TIMEOUT_MS", "1000"), true);
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  @AfterEach
  void undeploy() throws Exception {
    if (deployment != null) {
      get(bed.vertx.undeploy(deployment));
      deployment = null;
    }
  }

  static StillmotionConfig config(Map<String, String> extra) {
    return bed.config(extra);
  }

  private void deploy(WorkerVerticle worker) throws Exception {
    deployment = get(bed.vertx.deployVerticle(worker));
  }

  private static String storeTask() throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720",
        "fps", "24")), System.currentTimeMillis());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), WorkerVerticleTest.png(200, 150)));
    get(bed.tasks.insert(task));
    return id;
  }

  private static String submit() throws Exception {
    String id = storeTask();
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
    return id;
  }

  private static Task awaitStatus(String id, TaskStatus... wanted) {
    Task[] result = new Task[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      result[0] = get(bed.tasks.find(id));
      return result[0] != null && java.util.Arrays.asList(wanted).contains(result[0].status());
    });
    return result[0];
  }

  /** A worker whose renders fail transiently a number of times, and can be held until the test lets them go. */
  static final class FlakyWorker extends WorkerVerticle {
    final AtomicInteger failuresLeft;
    final CountDownLatch proceed;
    /** Counted down when a render begins (its inputs read). */
    final CountDownLatch rendering = new CountDownLatch(1);

    FlakyWorker(StillmotionConfig config, int failures) {
      this(config, failures, new CountDownLatch(0));
    }

    FlakyWorker(StillmotionConfig config, int failures, CountDownLatch proceed) {
      super(config);
      this.failuresLeft = new AtomicInteger(failures);
      this.proceed = proceed;
    }

    @Override
    protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
      rendering.countDown();
      while (!proceed.await(20, TimeUnit.MILLISECONDS)) {
        if (listener.isCancelled()) {
          throw new RenderCancelledException();
        }
      }
      if (failuresLeft.getAndDecrement() > 0) {
        throw new RenderException("simulated: out of scratch space", false);
      }
      return super.render(image, task, listener);
    }
  }

  @Test
  @DisplayName("a task left PROCESSING by a worker that died is taken back after the heartbeat timeout and finished")
  void deadWorkersTaskIsFinished() throws Exception {
    String id = storeTask();
    long stale = System.currentTimeMillis() - 5_000;
    get(bed.mongo.updateCollection(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), new JsonObject()
        .put("$set", new JsonObject().put("status", "PROCESSING").put("workerId", "killed-worker")
            .put("heartbeatAt", stale).put("attempts", 1).put("published", true))));

    deploy(new WorkerVerticle(config(Map.of())));

    Task done = awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED);
    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files",
        new JsonObject().put("filename", videoNameOf(id))))).isEqualTo(1);
  }

  @Test
  @DisplayName("a transient render failure is retried with backoff and the task finishes on the next attempt")
  void transientFailureIsRetried() throws Exception {
    deploy(new FlakyWorker(config(Map.of()), 1));
    String id = submit();

    Task done = awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED);

    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(done.attempts()).isEqualTo(2);
  }

  @Test
  @DisplayName("a failure that keeps coming back ends FAILED after TASK_MAX_ATTEMPTS attempts, with a message")
  void persistentTransientFailureGivesUp() throws Exception {
    deploy(new FlakyWorker(config(Map.of("TASK_MAX_ATTEMPTS", "2")), Integer.MAX_VALUE));
    String id = submit();

    Task failed = awaitStatus(id, TaskStatus.FAILED, TaskStatus.FINISHED);

    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.message()).isNotBlank();
  }

  @Test
  @DisplayName("a stopping worker lets the current render finish within the grace period")
  void shutdownFinishesCurrentTask() throws Exception {
    CountDownLatch renderMayFinish = new CountDownLatch(1);
    FlakyWorker worker = new FlakyWorker(config(Map.of("SHUTDOWN_GRACE_MS", "20000")), 0, renderMayFinish);
    deploy(worker);
    String id = submit();
    awaitStatus(id, TaskStatus.PROCESSING);

    Future<Void> stopped = bed.vertx.undeploy(deployment);
    deployment = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> !worker.consuming());
    renderMayFinish.countDown();
    get(stopped);

    Task task = get(bed.tasks.find(id));
    assertThat(task.status()).isEqualTo(TaskStatus.FINISHED);
  }

  @Test
  @DisplayName("a render that outlasts the grace period is released to PENDING and another worker finishes it")
  void shutdownReleasesLongTask() throws Exception {
    deploy(new FlakyWorker(config(Map.of("SHUTDOWN_GRACE_MS", "300")), 0, new CountDownLatch(1)));
    String id = submit();
    awaitStatus(id, TaskStatus.PROCESSING);

    get(bed.vertx.undeploy(deployment));
    deployment = null;

    Task released = get(bed.tasks.find(id));
    assertThat(released.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(released.attempts()).isEqualTo(1);
    deploy(new WorkerVerticle(config(Map.of())));
    Task done = awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED);
    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(done.attempts()).isEqualTo(2);
  }

  @Test
  @DisplayName("a render that runs out of memory fails that task at once, with what to do about it")
  void outOfMemoryIsPinnedToTheTask() throws Exception {
    deploy(new WorkerVerticle(config(Map.of())) {
      @Override
      protected RenderResult render(byte[] image, Task task, RenderListener listener) {
        throw new OutOfMemoryError("simulated: Java heap space");
      }
    });
    String id = submit();

    Task failed = awaitStatus(id, TaskStatus.FAILED);

    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.message()).contains("needs more memory than this worker has");
  }

  @Test
  @DisplayName("a result that cannot be stored in full leaves none of its files behind")
  void partlyStoredResultIsDeleted() throws Exception {
    deploy(new WorkerVerticle(config(Map.of("TASK_MAX_ATTEMPTS", "1"))) {
      @Override
      protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
        RenderResult result = super.render(image, task, listener);
        Files.delete(result.video());
        return result;
      }
    });
    String id = submit();

    Task failed = awaitStatus(id, TaskStatus.FAILED);

    assertThat(failed.attempts()).isEqualTo(1);
    JsonObject ofTask = new JsonObject().put("filename", new JsonObject().put("$regex", "^" + id + "\\."));
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files", ofTask))).as("files stored for the task").isZero();
  }

  /** Waits (at most 60 s, on a render thread) until this attempt's poster is stored; whether it was. */
  private static boolean posterStoredBeforeRenderEnds(Task task) throws Exception {
    String poster = TaskMedia.forAttempt(task.id(), task.attemptToken()).poster();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (get(bed.media.stat(Names.VIDEOS_BUCKET, poster)) != null) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  @DisplayName("the poster and thumbnail are stored while the video is still being rendered, and are the finished task's")
  void stillsStoredDuringTheRender() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean storedEarly = new java.util.concurrent.atomic.AtomicBoolean();
    deploy(new WorkerVerticle(config(Map.of())) {
      @Override
      protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
        RenderResult result = super.render(image, task, listener);
        // The render has not returned yet: the worker cannot have started storing its result.
        storedEarly.set(posterStoredBeforeRenderEnds(task));
        return result;
      }
    });
    String id = submit();

    Task done = awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED);

    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(storedEarly).as("poster stored before the render returned").isTrue();
    assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, done.media().poster()))).isNotNull();
    assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, done.media().thumbnail()))).isNotNull();
    JsonObject ofTask = new JsonObject().put("filename", new JsonObject().put("$regex", "^" + id + "\\."));
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files", ofTask))).as("video, poster, thumbnail").isEqualTo(3);
  }

  @Test
  @DisplayName("a render that fails after its poster and thumbnail were stored leaves none of its files behind")
  void stillsOfAFailedRenderAreDeleted() throws Exception {
    deploy(new WorkerVerticle(config(Map.of("TASK_MAX_ATTEMPTS", "1"))) {
      @Override
      protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
        RenderResult result = super.render(image, task, listener);
        assertThat(posterStoredBeforeRenderEnds(task)).isTrue();
        Files.delete(result.video());
        throw new RenderException("simulated: the muxer failed at the very end", true);
      }
    });
    String id = submit();

    Task failed = awaitStatus(id, TaskStatus.FAILED);

    assertThat(failed.message()).contains("simulated");
    JsonObject ofTask = new JsonObject().put("filename", new JsonObject().put("$regex", "^" + id + "\\."));
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files", ofTask))).as("files stored for the task").isZero();
  }

  /** What the task document says its video is: the file the winning attempt recorded, else the legacy name. */
  private static String videoNameOf(String id) throws Exception {
    JsonObject doc = get(bed.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null));
    JsonObject result = doc.getJsonObject("result");
    return result != null && result.getString("video") != null ? result.getString("video") : Names.videoFileName(id);
  }

  /**
   * An attempt that renders, then stands still before storing (a JVM paused under SIGSTOP, a long GC)
   * until the test lets it go, and never looks at cancellation meanwhile (a paused process cannot).
   */
  static final class PausedBeforeStoring extends WorkerVerticle {
    final CountDownLatch rendered = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);

    PausedBeforeStoring(StillmotionConfig config) {
      super(config);
    }

    @Override
    protected RenderResult render(byte[] image, Task task, RenderListener listener) throws Exception {
      RenderResult result = super.render(image, task, new RenderListener() {
        @Override
        public void onProgress(int framesDone, int totalFrames) {
          listener.onProgress(framesDone, totalFrames);
        }

        @Override
        public boolean isCancelled() {
          return false;
        }
      });
      rendered.countDown();
      resume.await(60, TimeUnit.SECONDS);
      return result;
    }
  }

  @Test
  @DisplayName("a late attempt under the same worker id cannot delete the video of the attempt that finished")
  void lateAttemptKeepsWinnersVideo() throws Exception {
    PausedBeforeStoring late = new PausedBeforeStoring(config(Map.of()));
    String lateDeployment = get(bed.vertx.deployVerticle(late));
    try {
      String id = submit();
      assertThat(late.rendered.await(60, TimeUnit.SECONDS)).isTrue();
      // What the sweeper does once the paused attempt's heartbeat is stale: the task is up for grabs again.
      get(bed.mongo.updateCollection(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), new JsonObject()
          .put("$set", new JsonObject().put("status", "PENDING").put("workerId", null).put("attempt", null)
              .put("progress", 0))));
      deploy(new WorkerVerticle(config(Map.of())));
      get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
      Task won = awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED);
      assertThat(won.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(won.attempts()).isEqualTo(2);
      String winnersVideo = videoNameOf(id);
      assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, winnersVideo))).isNotNull();

      late.resume.countDown();
      await().atMost(Duration.ofSeconds(60)).until(() -> late.currentTasks().isEmpty());

      Task after = get(bed.tasks.find(id));
      assertThat(after.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(videoNameOf(id)).isEqualTo(winnersVideo);
      assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, winnersVideo))).as("the winner's video").isNotNull();
    } finally {
      late.resume.countDown();
      get(bed.vertx.undeploy(lateDeployment));
    }
  }

  /** The real RabbitMQ of this machine, whose per-queue unacked count rabbitmqctl reads. */
  private static boolean unackedCountReadable() {
    return TestInfra.usesRealBroker() && TestInfra.amqpUri().contains("@127.0.0.1:")
        && Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl"));
  }

  private static long unacked(String queue) throws Exception {
    String path = java.net.URI.create(TestInfra.amqpUri()).getPath();
    String vhost = path == null || path.length() <= 1 ? "/" : path.substring(1);
    Process p = new ProcessBuilder("/usr/sbin/rabbitmqctl", "-q", "list_queues", "-p", vhost, "name",
        "messages_unacknowledged").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length == 2 && f[0].equals(queue))
        .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElse(-1L);
  }

  @Test
  @DisplayName("a retry waiting out its backoff holds neither the message nor the prefetch slot, and the backoff is capped")
  void retryDoesNotHoldTheLine() throws Exception {
    deploy(new FlakyWorker(config(Map.of("TASK_MAX_ATTEMPTS", "100", "RETRY_MAX_DELAY_MS", "600000")), 1));
    String failing = storeTask();
    // Many attempts already: an uncapped exponential backoff would now be far longer than any consumer timeout.
    get(bed.mongo.updateCollection(Names.TASKS_COLLECTION, new JsonObject().put("_id", failing), new JsonObject()
        .put("$set", new JsonObject().put("attempts", 19))));
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(failing).toBuffer()));
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Task t = get(bed.tasks.find(failing));
      return t.attempts() == 20 && t.status() == TaskStatus.PENDING;
    });

    if (unackedCountReadable()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> unacked(Names.TASK_QUEUE) == 0);
    }
    String next = submit();

    // One render slot (WORKER_CONCURRENCY=1): the next task runs only if the retry let its message go.
    Task done = awaitStatus(next, TaskStatus.FINISHED, TaskStatus.FAILED);
    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    JsonObject waiting = get(bed.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", failing), null));
    assertThat(waiting.getString("status")).isEqualTo("PENDING");
    assertThat(waiting.getLong("notBefore", 0L) - System.currentTimeMillis())
        .as("backoff capped at RETRY_MAX_DELAY_MS").isBetween(1L, 600_000L);
  }
}
