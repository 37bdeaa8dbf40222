package io.stillmotion.standalone;

import io.stillmotion.gateway.GatewayVerticle;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.telemetry.Telemetry;
import io.stillmotion.worker.WorkerHealthServer;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway and a worker, each in its own Vert.x as in production, against the real {@code mongo}
 * and {@code rabbitmq} images. Skipped (not failed) where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealInfrastructureTest {

  @Container
  private static final GenericContainer<?> MONGO = new GenericContainer<>("mongo:7")
      .withExposedPorts(27017)
      .waitingFor(Wait.forLogMessage(".*Waiting for connections.*", 1))
      .withStartupTimeout(Duration.ofMinutes(2));

  @Container
  private static final GenericContainer<?> RABBITMQ = new GenericContainer<>("rabbitmq:3.13-management")
      .withExposedPorts(5672)
      .waitingFor(Wait.forLogMessage(".*Server startup complete.*", 1))
      .withStartupTimeout(Duration.ofMinutes(2));

  private static Vertx gatewayVertx;
  private static Vertx workerVertx;
  private static WebClient gateway;
  private static WebClient worker;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("stillmotion-real");
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("HEALTH_PORT", "0");
    env.put("MONGO_URI", "mongodb://" + MONGO.getHost() + ":" + MONGO.getMappedPort(27017));
    env.put("AMQP_URI", "amqp://guest:guest@" + RABBITMQ.getHost() + ":" + RABBITMQ.getMappedPort(5672));
    env.put("DATA_DIR", dataDir.toString());
    env.put("WEB_ROOT", dataDir.resolve("no-ui").toString());
    env.put("WORKER_ID", "containers-worker");
    env.put("RENDER_THREADS", "2");
    StillmotionConfig config = StillmotionConfig.fromEnv(env);

    gatewayVertx = Telemetry.createVertx();
    GatewayVerticle gatewayVerticle = new GatewayVerticle(config);
    get(gatewayVertx.deployVerticle(gatewayVerticle));
    gateway = client(gatewayVertx, gatewayVerticle.actualPort());

    workerVertx = Telemetry.createVertx();
    WorkerVerticle workerVerticle = new WorkerVerticle(config);
    get(workerVertx.deployVerticle(workerVerticle));
    WorkerHealthServer health = new WorkerHealthServer("127.0.0.1", 0, workerVerticle, Telemetry.registry(workerVertx));
    get(workerVertx.deployVerticle(health));
    worker = client(workerVertx, health.actualPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (workerVertx != null) {
      get(workerVertx.close());
    }
    if (gatewayVertx != null) {
      get(gatewayVertx.close());
    }
  }

  private static WebClient client(Vertx vertx, int port) {
    return WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  private static HttpResponse<Buffer> fetch(WebClient client, String path) throws Exception {
    return get(client.get(path).send());
  }

  private static Path photo() throws Exception {
    BufferedImage image = new BufferedImage(480, 320, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.MAGENTA, 480, 320, Color.GREEN));
    g.fillRect(0, 0, 480, 320);
    g.dispose();
    Path file = dataDir.resolve("photo.png");
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  @Test
  @DisplayName("the gateway and the worker are ready against real MongoDB and RabbitMQ")
  void ready() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(fetch(gateway, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(fetch(worker, "/health/ready").statusCode()).isEqualTo(200);
    });
  }

  @Test
  @DisplayName("an image uploaded through the gateway is rendered by the worker and served as an MP4")
  void uploadToFinished() throws Exception {
    MultipartForm form = MultipartForm.create()
        .attribute("duration", "1").attribute("fps", "24").attribute("size", "720x720")
        .binaryFileUpload("file", "photo.png", photo().toString(), "image/png");
    HttpResponse<Buffer> created = get(gateway.post("/api/v1/task").sendMultipartForm(form));
    assertThat(created.statusCode()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getString("id");

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
        "FINISHED".equals(fetch(gateway, "/api/v1/task/" + id).bodyAsJsonObject().getString("status")));

    HttpResponse<Buffer> video = fetch(gateway, "/api/v1/video/" + id);
    assertThat(video.statusCode()).isEqualTo(200);
    assertThat(video.body().getString(4, 8)).isEqualTo("ftyp");
    assertThat(fetch(gateway, "/metrics").bodyAsString()).contains("stillmotion_tasks_accepted_total 1.0");
    assertThat(fetch(worker, "/metrics").bodyAsString()).contains("stillmotion_tasks_finished_total 1.0");
  }
}
