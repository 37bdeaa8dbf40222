package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker JVM frozen with SIGSTOP (a long GC, a paused container, a laptop lid) past the heartbeat
 * timeout: another worker under the same WORKER_ID takes the task over and finishes it; then the
 * frozen one is resumed with SIGCONT and must not disturb the result.
 */
class WorkerPauseChaosIT {

  private static final Map<String, String> LONG_VIDEO = Map.of("duration", "6", "size", "1280x720", "fps", "30");
  private static final String SAME_ID = "worker-on-one-host";

  @Test
  @DisplayName("SIGSTOP past the heartbeat timeout, another attempt under the same worker id finishes, SIGCONT: "
      + "the video is still served and the task FINISHED")
  void pausedWorkerResumesLate() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      Process frozen = rig.startWorkerNamed("frozen", SAME_ID, Map.of(), List.of("-Xmx512m"));
      String id = rig.uploadOk(ChaosRig.png(1600, 900, 7), LONG_VIDEO);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
        Task t = rig.task(id);
        return t.status() == TaskStatus.PROCESSING && t.progress() >= 60;
      });
      signal("STOP", frozen);
      int progressAtStop = rig.task(id).progress();
      long stoppedAt = System.currentTimeMillis();

      rig.startWorkerNamed("successor", SAME_ID, Map.of(), List.of("-Xmx512m"));
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
          .until(() -> rig.task(id).status().isTerminal());
      Task won = rig.task(id);
      assertThat(won.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(won.attempts()).isEqualTo(2);
      byte[] before = served(rig, id);

      signal("CONT", frozen);
      long resumedAt = System.currentTimeMillis();
      // The resumed attempt finds out at its next write that the task is no longer its own.
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
          .until(() -> rig.workerLog("frozen").contains("no longer holds the task"));
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
          .until(() -> rig.workerLog("frozen").contains("stopped: no longer ours")
              || rig.workerLog("frozen").contains("deleting its own result"));

      Task after = rig.task(id);
      System.out.printf("SIGSTOP at %d%%, successor finished %d ms later; after SIGCONT the frozen attempt gave up "
          + "in %d ms: task %s, attempts %d, %d video(s), video %s%n", progressAtStop,
          won.updatedAt() - stoppedAt, System.currentTimeMillis() - resumedAt, after.status(), after.attempts(),
          rig.videos(id), after.media().video());
      assertThat(after.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(after.media()).isEqualTo(won.media());
      assertThat(served(rig, id)).as("the same video, still served").isEqualTo(before);
      assertThat(rig.videos(id)).isEqualTo(1);
    }
  }

  private static byte[] served(ChaosRig rig, String id) throws Exception {
    HttpResponse<Buffer> video = get(rig.http.get("/api/v1/video/" + id).send());
    assertThat(video.statusCode()).as("GET /api/v1/video").isEqualTo(200);
    assertThat(video.body().getString(4, 8)).isEqualTo("ftyp");
    return video.body().getBytes();
  }

  private static void signal(String signal, Process process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -" + signal).isZero();
  }
}
