package io.stillmotion.worker;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.DiskReserve;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker whose disk is short of MIN_FREE_DISK_MB takes no task; once there is room, the task is rendered. */
class WorkerDiskTest {

  private static WorkerTestBed bed;
  private static final ListAppender<ILoggingEvent> diskLog = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "worker-disk-test",
        Map.of("WORKER_ID", "disk-worker", "RENDER_THREADS", "2"), true);
    diskLog.start();
    ((Logger) LoggerFactory.getLogger(DiskReserve.class)).addAppender(diskLog);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(DiskReserve.class)).detachAppender(diskLog);
    bed.close();
  }

  @Test
  @DisplayName("short of disk space, a worker leaves the task PENDING and unattempted; with room it renders it")
  void waitsForRoom() throws Exception {
    // More than any disk has: this worker's disk is always short.
    String shortOfRoom = get(bed.vertx.deployVerticle(
        new WorkerVerticle(bed.config(Map.of("MIN_FREE_DISK_MB", String.valueOf(1L << 30))))));
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720", "fps", "24")),
        System.currentTimeMillis());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), WorkerVerticleTest.png(320, 240)));
    get(bed.tasks.insert(task));
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));

    // The worker checks the disk when the message arrives, before it claims anything.
    await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(diskLog.list).stream()
        .anyMatch(e -> e.getFormattedMessage().contains("tasks stay queued")));
    Task waiting = get(bed.tasks.find(id));
    assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(waiting.attempts()).isZero();

    get(bed.vertx.undeploy(shortOfRoom));
    String withRoom = get(bed.vertx.deployVerticle(new WorkerVerticle(bed.config(Map.of("MIN_FREE_DISK_MB", "0")))));
    try {
      Task[] done = new Task[1];
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
        done[0] = get(bed.tasks.find(id));
        return done[0].status().isTerminal();
      });
      assertThat(done[0].status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(done[0].attempts()).isEqualTo(1);
    } finally {
      get(bed.vertx.undeploy(withRoom));
    }
  }
}
