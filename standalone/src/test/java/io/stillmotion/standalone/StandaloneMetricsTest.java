package io.stillmotion.standalone;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The one-JVM run has one metrics registry: the gateway's /metrics shows the worker's meters too. */
class StandaloneMetricsTest {

  private static RunningSystem system;
  private static WebClient http;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    system = RunningSystem.start("stillmotion-metrics");
    http = system.http;
    dataDir = system.dataDir;
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  @Test
  @DisplayName("after one task the gateway's /metrics counts it accepted (gateway) and finished (worker)")
  void oneRegistry() throws Exception {
    Path image = dataDir.resolve("grey.png");
    ImageIO.write(new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
    MultipartForm form = MultipartForm.create().attribute("duration", "1").attribute("size", "720x720")
        .binaryFileUpload("file", "grey.png", image.toString(), "image/png");
    String id = get(http.post("/api/v1/task").sendMultipartForm(form)).bodyAsJsonObject().getString("id");

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      HttpResponse<Buffer> metrics = get(http.get("/metrics").send());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.bodyAsString())
          .contains("stillmotion_tasks_accepted_total 1.0")
          .contains("stillmotion_tasks_finished_total 1.0")
          .contains("vertx_http_server_requests_total{")
          .doesNotContain(id);
    });
  }
}
