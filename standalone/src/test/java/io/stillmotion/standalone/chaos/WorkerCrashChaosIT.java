package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Workers die (SIGKILL) or are stopped (SIGTERM) in the middle of a render. */
class WorkerCrashChaosIT {

  private static final Map<String, String> LONG_VIDEO = Map.of("duration", "8", "size", "1280x720", "fps", "30");

  @Test
  @DisplayName("kill -9 of a worker mid-render: the task is reclaimed and finished by another worker, one video")
  void killedWorker() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      Process doomed = rig.startWorker("doomed", Map.of());
      String id = rig.uploadOk(ChaosRig.png(1600, 900, 1), LONG_VIDEO);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
        Task t = rig.task(id);
        return t.status() == TaskStatus.PROCESSING && t.progress() >= 5;
      });
      int progressAtKill = rig.task(id).progress();

      doomed.destroyForcibly().waitFor();
      long killedAt = System.currentTimeMillis();
      rig.startWorker("survivor", Map.of());

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
          .until(() -> rig.task(id).status().isTerminal());
      Task done = rig.task(id);
      System.out.printf("kill -9 at %d%%: task %s after %d ms, attempts %d%n", progressAtKill, done.status(),
          System.currentTimeMillis() - killedAt, done.attempts());
      assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(done.attempts()).isEqualTo(2);
      assertThat(rig.videos(id)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("SIGTERM of a worker mid-render: it finishes the render within the grace period, then exits")
  void terminatedWorker() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      Process worker = rig.startWorker("polite", Map.of("SHUTDOWN_GRACE_MS", "120000"));
      String id = rig.uploadOk(ChaosRig.png(1200, 800, 2), LONG_VIDEO);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> rig.task(id).status() == TaskStatus.PROCESSING);

      worker.destroy();
      worker.waitFor();

      Task task = rig.task(id);
      assertThat(task.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(task.attempts()).isEqualTo(1);
      assertThat(rig.workerLog("polite")).contains("STOPPED");
    }
  }

  @Test
  @DisplayName("SIGTERM with a short grace period: the render is released to PENDING and another worker finishes it")
  void terminatedWorkerReleases() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      Process worker = rig.startWorker("hasty", Map.of("SHUTDOWN_GRACE_MS", "500"));
      String id = rig.uploadOk(ChaosRig.png(1200, 800, 3), LONG_VIDEO);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> rig.task(id).status() == TaskStatus.PROCESSING);

      worker.destroy();
      worker.waitFor();
      assertThat(rig.task(id).status()).isEqualTo(TaskStatus.PENDING);

      rig.startWorker("next", Map.of());
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
          .until(() -> rig.task(id).status().isTerminal());
      assertThat(rig.task(id).status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(rig.task(id).attempts()).isEqualTo(2);
      assertThat(rig.videos(id)).isEqualTo(1);
    }
  }
}
