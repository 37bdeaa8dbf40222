package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A burst of 200 uploads against two worker processes. */
class BurstChaosIT {

  private static final int TASKS = Integer.getInteger("burst.tasks", 200);
  private static final Map<String, String> SHORT_VIDEO = Map.of("duration", "1", "size", "720x720", "fps", "24");

  @Test
  @DisplayName("200 uploads, 2 workers: every task FINISHED, one video each, none stuck, in bounded time")
  void burst() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      rig.startWorker("burst-1", Map.of());
      rig.startWorker("burst-2", Map.of());
      byte[] image = ChaosRig.png(320, 240, 9);
      long start = System.currentTimeMillis();

      List<Future<HttpResponse<Buffer>>> uploads = new ArrayList<>();
      AtomicInteger busyAnswers = new AtomicInteger();
      for (int i = 0; i < TASKS; i++) {
        uploads.add(uploadAsClientsDo(rig, image, busyAnswers, 30));
      }
      get(Future.join(new ArrayList<>(uploads)), Duration.ofMinutes(5));
      List<String> ids = new ArrayList<>();
      int refused = 0;
      for (Future<HttpResponse<Buffer>> f : uploads) {
        if (f.succeeded() && f.result().statusCode() == 200) {
          ids.add(f.result().bodyAsJsonObject().getString("id"));
        } else {
          refused++;
          System.out.println("burst: refused: " + (f.succeeded()
              ? f.result().statusCode() + " " + f.result().bodyAsString() : f.cause().toString()));
        }
      }
      long acceptedIn = System.currentTimeMillis() - start;

      await().atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(1))
          .until(() -> rig.count(TaskStatus.PENDING) + rig.count(TaskStatus.PROCESSING) == 0);
      long doneIn = System.currentTimeMillis() - start;

      List<Long> latencies = new ArrayList<>();
      int finished = 0;
      int failed = 0;
      int duplicated = 0;
      for (String id : ids) {
        Task t = rig.task(id);
        if (t.status() == TaskStatus.FINISHED) {
          finished++;
          latencies.add(t.updatedAt() - t.createdAt());
        } else if (t.status() == TaskStatus.FAILED) {
          failed++;
        }
        if (rig.videos(id) > 1) {
          duplicated++;
        }
      }
      latencies.sort(Long::compare);
      long videos = get(rig.mongo.count("videos.files", new JsonObject().put("filename",
          new JsonObject().put("$regex", "\\.mp4$"))));
      System.out.printf("burst: 503 image_check_busy answered %d times, each retried after its Retry-After%n",
          busyAnswers.get());
      System.out.printf("burst: %d uploads accepted in %d ms (%d refused); accepted %d, finished %d, failed %d, "
              + "duplicated %d, videos %d; all done in %d ms; latency p50 %d ms, p99 %d ms%n",
          ids.size(), acceptedIn, refused, ids.size(), finished, failed, duplicated, videos, doneIn,
          percentile(latencies, 50), percentile(latencies, 99));

      assertThat(refused).isZero();
      assertThat(finished).isEqualTo(TASKS);
      assertThat(duplicated).isZero();
      assertThat(videos).isEqualTo(TASKS);
    }
  }

  /**
   * An upload as a well-behaved client makes it: a 503 (the gateway's upload check is full, by design
   * when 32 arrive at once) is retried after the Retry-After it names, up to {@code triesLeft} times.
   */
  private static Future<HttpResponse<Buffer>> uploadAsClientsDo(ChaosRig rig, byte[] image, AtomicInteger busy,
      int triesLeft) {
    return rig.upload(image, SHORT_VIDEO).compose(response -> {
      if (response.statusCode() != 503 || triesLeft <= 1) {
        return Future.succeededFuture(response);
      }
      busy.incrementAndGet();
      long waitMs = 1_000L * Math.max(1, parseSeconds(response.getHeader("Retry-After")));
      Promise<HttpResponse<Buffer>> retried = Promise.promise();
      rig.vertx.setTimer(waitMs, t -> uploadAsClientsDo(rig, image, busy, triesLeft - 1).onComplete(retried));
      return retried.future();
    });
  }

  private static long parseSeconds(String header) {
    try {
      return header == null ? 1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
