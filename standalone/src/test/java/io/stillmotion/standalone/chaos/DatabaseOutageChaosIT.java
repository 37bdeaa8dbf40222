package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MongoDB restarted while videos render (compose's {@code docker compose restart mongo}, an upgrade, a
 * network cut), for longer than the heartbeat timeout: renders that end during the outage keep their
 * video and store it once the database is back, renders still running are not taken away from the live
 * workers that run them, the gateway answers 503 meanwhile, and every task ends FINISHED in its first
 * attempt, its video served.
 */
class DatabaseOutageChaosIT {

  private static final Map<String, String> VIDEO = Map.of("duration", "4", "size", "1280x720", "fps", "30");
  private static final long HEARTBEAT_TIMEOUT_MS = 3_000;

  @Test
  @DisplayName("MongoDB down for three heartbeat timeouts mid-render: every task FINISHED in its first attempt")
  void databaseRestartMidRender() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of("HEARTBEAT_TIMEOUT_MS", String.valueOf(HEARTBEAT_TIMEOUT_MS)), null, true)) {
      Process first = rig.startWorker("worker-a", Map.of());
      Process second = rig.startWorker("worker-b", Map.of());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(1600, 900, i), VIDEO));
      }
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
          .until(() -> ids.stream().anyMatch(id -> progress(rig, id) >= 40));

      rig.stopDatabase();
      long stoppedAt = System.currentTimeMillis();
      HttpResponse<Buffer> upload = get(rig.upload(ChaosRig.png(640, 360, 9), VIDEO));
      assertThat(upload.statusCode()).as("an upload while MongoDB is down").isEqualTo(503);
      assertThat(upload.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("service_unavailable");
      // A render ends while the database is away, and the outage outlasts the heartbeat timeout.
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
          .until(() -> (rig.workerLog("worker-a") + rig.workerLog("worker-b"))
              .contains("MongoDB is out of reach while storing the video")
              && System.currentTimeMillis() - stoppedAt > 3 * HEARTBEAT_TIMEOUT_MS);
      long outageMs = System.currentTimeMillis() - stoppedAt;
      rig.startDatabase();

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250)).until(() -> {
        for (String id : ids) {
          Task t = taskOrNull(rig, id);
          if (t == null || !t.status().isTerminal()) {
            return false;
          }
        }
        return true;
      });
      System.out.printf("MongoDB down %d ms; attempts per task after it: %s%n", outageMs,
          ids.stream().map(id -> taskOrNull(rig, id).attempts()).toList());
      for (String id : ids) {
        Task done = rig.task(id);
        assertThat(done.status()).as("task %s", id).isEqualTo(TaskStatus.FINISHED);
        assertThat(done.attempts()).as("attempts of task %s: the outage is not the render's fault", id).isEqualTo(1);
        assertThat(rig.videos(id)).as("videos stored for %s", id).isEqualTo(1);
        HttpResponse<Buffer> video = get(rig.http.get("/api/v1/video/" + id).send());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.body().getString(4, 8)).isEqualTo("ftyp");
      }
      assertThat(first.isAlive()).isTrue();
      assertThat(second.isAlive()).isTrue();
      assertThat(rig.errorLines("worker-a") + rig.errorLines("worker-b")).isZero();
      assertThat(rig.uploadOk(ChaosRig.png(640, 360, 10), VIDEO)).isNotBlank();
    }
  }

  private static int progress(ChaosRig rig, String id) {
    Task t = taskOrNull(rig, id);
    return t == null || t.status() != TaskStatus.PROCESSING ? -1 : t.progress();
  }

  /** The task, or null while the database does not answer. */
  private static Task taskOrNull(ChaosRig rig, String id) {
    try {
      return rig.task(id);
    } catch (Exception unreachable) {
      return null;
    }
  }
}
