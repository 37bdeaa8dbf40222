package io.stillmotion.standalone.chaos;

import io.stillmotion.model.TaskStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops and starts again on the same port while tasks are queued, rendering and being
 * uploaded: every accepted task still finishes, once. Against the embedded broker (messages in
 * memory, lost with it) and, when one is configured locally, the real RabbitMQ (durable queue).
 */
class BrokerOutageChaosIT {

  private static final Map<String, String> SHORT_VIDEO = Map.of("duration", "1", "size", "720x720", "fps", "24");

  @Test
  @DisplayName("broker restart mid-stream and uploads while it is down: all accepted tasks finish, one video each")
  void brokerRestart() throws Exception {
    restartMidStream(null);
  }

  @Test
  @DisplayName("the same against the real RabbitMQ on this machine, restarted with rabbitmqctl")
  void realRabbitMqRestart() throws Exception {
    String uri = ChaosRig.restartableRealBroker();
    Assumptions.assumeTrue(uri != null, "no local RabbitMQ to restart (TEST_AMQP_URI + rabbitmqctl)");
    restartMidStream(uri);
  }

  private void restartMidStream(String realBrokerUri) throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of(), realBrokerUri)) {
      rig.startWorker("w1", Map.of());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, i), SHORT_VIDEO));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> rig.count(TaskStatus.FINISHED) >= 1);

      rig.stopBroker();
      long downAt = System.currentTimeMillis();
      for (int i = 0; i < 4; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, 100 + i), SHORT_VIDEO));
      }
      // A real outage: the services have noticed the broker is gone before it comes back.
      await().atMost(Duration.ofSeconds(60)).until(() -> rig.gatewayReadiness() == 503);
      rig.startBroker();
      long upAt = System.currentTimeMillis();
      for (int i = 0; i < 2; i++) {
        ids.add(rig.uploadOk(ChaosRig.png(320, 240, 200 + i), SHORT_VIDEO));
      }

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (String id : ids) {
          if (!rig.task(id).status().isTerminal()) {
            return false;
          }
        }
        return true;
      });
      System.out.printf("broker down %d ms; all %d tasks terminal %d ms after it came back%n", upAt - downAt,
          ids.size(), System.currentTimeMillis() - upAt);
      for (String id : ids) {
        assertThat(rig.task(id).status()).as(id).isEqualTo(TaskStatus.FINISHED);
        assertThat(rig.videos(id)).as(id).isEqualTo(1);
      }
    }
  }
}
