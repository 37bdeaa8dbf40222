package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Names;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhooks owed by a worker JVM that is killed with SIGKILL before any of them got through. */
class WebhookChaosIT {

  private static final String SECRET = "chaos-webhook-secret";
  private static final int TASKS = 5;
  private static final Map<String, String> SHORT_VIDEO = Map.of("duration", "1", "size", "720x720", "fps", "24");
  /** Workers deliver; the gateway of the rig leaves it to them, so the kill decides who may. */
  private static final Map<String, String> DELIVERING = Map.of("WEBHOOK_CONCURRENCY", "8");

  record Hit(String taskId, MultiMap headers, Buffer body, boolean answered, long atMs) {
    String deliveryId() {
      return headers.get("X-Stillmotion-Delivery");
    }
  }

  @Test
  @DisplayName("kill -9 of a worker whose webhooks have not got through: another worker delivers every one, "
      + "with the same delivery ids, freshly signed")
  void webhooksSurviveKill() throws Exception {
    Map<String, String> env = Map.of("WEBHOOK_SECRET", SECRET, "WEBHOOK_ALLOW_PRIVATE", "true",
        "WEBHOOK_TIMEOUT_MS", "3000", "WEBHOOK_RETRY_MAX_MS", "2000", "WEBHOOK_CONCURRENCY", "0");
    try (ChaosRig rig = new ChaosRig(env)) {
      AtomicBoolean killed = new AtomicBoolean();
      List<Hit> hits = new CopyOnWriteArrayList<>();
      HttpServer receiver = get(rig.vertx.createHttpServer()
          .requestHandler(request -> request.body().onSuccess(body -> {
            // Until the kill nothing is answered: every attempt of the doomed worker hangs or times out.
            boolean answer = killed.get();
            hits.add(new Hit(body.toJsonObject().getString("id"), request.headers(), body, answer,
                System.currentTimeMillis()));
            if (answer) {
              request.response().setStatusCode(200).end();
            }
          }))
          .listen(0, "127.0.0.1"));
      String hookUrl = "http://127.0.0.1:" + receiver.actualPort() + "/hooks";

      Process doomed = rig.startWorker("doomed", DELIVERING);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        Map<String, String> fields = new java.util.HashMap<>(SHORT_VIDEO);
        fields.put("callbackUrl", hookUrl);
        ids.add(rig.uploadOk(ChaosRig.png(640, 480, i), fields));
      }
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
        for (String id : ids) {
          if (rig.task(id).status() != TaskStatus.FINISHED || hitsFor(hits, id).isEmpty()) {
            return false;
          }
        }
        return true;
      });
      int attemptsBeforeKill = hits.size();

      doomed.destroyForcibly().waitFor();
      killed.set(true);
      long killedAt = System.currentTimeMillis();
      rig.startWorker("survivor", DELIVERING);

      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
          .until(() -> ids.stream().allMatch(id -> hitsFor(hits, id).stream().anyMatch(Hit::answered)));
      long lastDelivered = hits.stream().filter(Hit::answered).mapToLong(Hit::atMs).max().orElseThrow();
      System.out.printf("webhooks across kill -9: %d of %d delivered (%d attempts hung or timed out before the "
          + "kill), the last %d ms after it%n", ids.stream()
              .filter(id -> hitsFor(hits, id).stream().anyMatch(Hit::answered)).count(), TASKS,
          attemptsBeforeKill, lastDelivered - killedAt);

      for (String id : ids) {
        List<Hit> forTask = hitsFor(hits, id);
        assertThat(forTask).extracting(Hit::deliveryId).as("one delivery id across the kill").containsOnly(
            forTask.get(0).deliveryId());
        Hit delivered = forTask.stream().filter(Hit::answered).findFirst().orElseThrow();
        assertThat(delivered.headers().get("X-Stillmotion-Event")).isEqualTo("task.finished");
        assertThat(delivered.headers().get("X-Stillmotion-Signature")).isEqualTo(signature(delivered));
        long signedAt = Long.parseLong(delivered.headers().get("X-Stillmotion-Timestamp"));
        assertThat(Math.abs(signedAt - delivered.atMs() / 1000)).isLessThanOrEqualTo(5);
        // The receiver has answered; the survivor records that right after.
        await().atMost(Duration.ofSeconds(30))
            .until(() -> "DELIVERED".equals(webhookRecord(rig, id).getString("state")));
        assertThat(webhookRecord(rig, id).getString("claimedBy")).isEqualTo("survivor");
      }
    }
  }

  private static JsonObject webhookRecord(ChaosRig rig, String id) throws Exception {
    return get(rig.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null))
        .getJsonObject("webhook");
  }

  private static List<Hit> hitsFor(List<Hit> hits, String id) {
    return hits.stream().filter(h -> id.equals(h.taskId())).toList();
  }

  /** What a receiver checks, written independently of the service's signer. */
  private static String signature(Hit hit) throws Exception {
    String timestamp = hit.headers().get("X-Stillmotion-Timestamp");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(hit.body().getBytes()));
  }
}
