package io.stillmotion.standalone.chaos;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.render.HostileImages;
import io.stillmotion.store.MediaStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile PNG, WebP and JPEG bodies against a gateway JVM and a worker JVM sized as in production
 * (576 MB heap, exit on OutOfMemoryError): through the gateway's upload check, and straight into the
 * worker's queue as if the gateway had not checked. Both processes must survive every one of them.
 */
class HostileImageChaosIT {

  private static final List<String> PRODUCTION_HEAP = List.of("-Xmx576m", "-XX:+ExitOnOutOfMemoryError",
      "-Djava.awt.headless=true");
  private static final Map<String, String> SHORT_VIDEO = Map.of("duration", "1", "size", "1280x720", "fps", "24");

  @Test
  @DisplayName("hostile images at 576 MB: the gateway refuses or accepts each, the worker fails or renders each, both live")
  void hostileBodies() throws Exception {
    try (ChaosRig rig = new ChaosRig(Map.of())) {
      Process gateway = rig.startGateway("gateway-576m", Map.of("UPLOAD_MAX_BYTES", "20971520"), PRODUCTION_HEAP);
      Process worker = rig.startWorker("worker-576m", Map.of(), PRODUCTION_HEAP);
      WebClient http = WebClient.create(rig.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(rig.gatewayPort("gateway-576m")));

      Map<String, byte[]> bodies = new LinkedHashMap<>();
      bodies.put("PNG, zTXt unpacking to 1 GiB", HostileImages.pngWithTextBomb(1024, false));
      bodies.put("palette PNG, zTXt unpacking to 1 GiB", HostileImages.pngWithTextBomb(1024, true));
      bodies.put("PNG, iCCP unpacking to 1 GiB", HostileImages.pngWithProfileBomb(1024));
      bodies.put("lossless WebP 16383x3051 (50 MP)", HostileImages.losslessWebp(16383, 3051));
      bodies.put("lossy WebP 16383x3051 (50 MP)", HostileImages.lossyWebp(16383, 3051));
      bodies.put("progressive JPEG 7000x7000 (49 MP)", HostileImages.progressiveJpeg(7000, 7000));

      List<String> report = new ArrayList<>();
      List<String> accepted = new ArrayList<>();
      for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
        HttpResponse<Buffer> response = get(upload(http, body.getValue()));
        String line = body.getKey() + " (" + body.getValue().length + " bytes) via gateway: " + response.statusCode()
            + " " + response.bodyAsString();
        report.add(line);
        assertThat(response.statusCode()).as(line).isIn(200, 422);
        if (response.statusCode() == 200) {
          accepted.add(response.bodyAsJsonObject().getString("id"));
        }
        assertThat(gateway.isAlive()).as("gateway alive after " + body.getKey()).isTrue();
      }

      List<String> direct = new ArrayList<>();
      for (byte[] body : bodies.values()) {
        direct.add(enqueueDirectly(rig, body));
      }
      List<String> all = new ArrayList<>(accepted);
      all.addAll(direct);
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (String id : all) {
          if (!rig.task(id).status().isTerminal()) {
            return false;
          }
        }
        return true;
      });
      List<String> names = new ArrayList<>(bodies.keySet());
      for (int i = 0; i < direct.size(); i++) {
        Task task = rig.task(direct.get(i));
        report.add(names.get(i) + " straight to the worker: " + task.status() + ", attempts " + task.attempts()
            + (task.message() == null ? "" : ": " + task.message()));
        assertThat(task.attempts()).as(names.get(i)).isEqualTo(1);
      }
      report.forEach(System.out::println);
      assertThat(gateway.isAlive()).as("gateway alive").isTrue();
      assertThat(worker.isAlive()).as("worker alive").isTrue();
      assertThat(rig.workerLog("worker-576m")).doesNotContain("OutOfMemoryError");
      assertThat(rig.workerLog("gateway-576m")).doesNotContain("OutOfMemoryError");
    }
  }

  private static io.vertx.core.Future<HttpResponse<Buffer>> upload(WebClient http, byte[] image) {
    MultipartForm form = MultipartForm.create();
    SHORT_VIDEO.forEach(form::attribute);
    form.binaryFileUpload("file", "hostile", Buffer.buffer(image), "application/octet-stream");
    return http.post("/api/v1/task").timeout(120_000).sendMultipartForm(form);
  }

  /** As if a gateway had not checked: the bytes stored, the task written, its message published. */
  private static String enqueueDirectly(ChaosRig rig, byte[] image) throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(SHORT_VIDEO), System.currentTimeMillis());
    get(new MediaStore(rig.vertx, rig.mongo).putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), image));
    get(rig.tasks.insert(task));
    RabbitMQClient rabbit = RabbitMQClient.create(rig.vertx, new RabbitMQOptions().setUri(rig.env.get("AMQP_URI")));
    get(rabbit.start());
    get(rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
    get(rabbit.stop());
    return id;
  }
}
