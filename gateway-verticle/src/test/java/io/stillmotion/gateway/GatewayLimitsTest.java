package io.stillmotion.gateway;

import io.stillmotion.model.DecodeConfig;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.render.HostileImages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.gateway.GatewayFixture.assertJsonError;
import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Everything a gateway holds for a client is bounded: event streams, downloads and uploads at once
 * (503 with Retry-After when full), the image check's pool (503 when full) and time, a connection
 * gone quiet (idle timeout) and an upload that trickles in (minimum pace).
 */
class GatewayLimitsTest {

  private static GatewayFixture gw;
  /** Without keep-alive: a pooled connection the 5 s idle timeout just closed would fail a request. */
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture("limits-test", Map.of(
        "MAX_EVENT_STREAMS", "1",
        "MAX_CONCURRENT_DOWNLOADS", "1",
        "HTTP_IDLE_TIMEOUT_S", "5",
        "IMAGE_CHECK_TIME_LIMIT_MS", "2000",
        "UPLOAD_MIN_BYTES_PER_SECOND", "1000",
        "MAX_PIXELS", "50000000"));
    http = WebClient.create(gw.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gw.gateway.actualPort()).setKeepAlive(false));
  }

  private static HttpResponse<Buffer> upload(byte[] image) throws Exception {
    return gw.upload(http.post("/api/v1/task"), "file", "image", "application/octet-stream", image, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  private static void assertBusy(HttpResponse<Buffer> response, String code) {
    assertJsonError(response, 503, code);
    assertThat(response.getHeader("Retry-After")).isNotBlank();
  }

  @Test
  @DisplayName("event streams beyond MAX_EVENT_STREAMS are 503 with Retry-After; a slot comes back when a stream ends")
  void eventStreamCap() throws Exception {
    String id = upload(GatewayFixture.png(64, 64)).bodyAsJsonObject().getString("id");
    String path = "/api/v1/task/" + id + "/events";
    SseClient first = SseClient.open(gw.vertx, gw.gateway.actualPort(), path, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> !first.events.isEmpty());

    assertBusy(get(http.get(path).send()), "too_many_streams");

    first.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      SseClient next = SseClient.open(gw.vertx, gw.gateway.actualPort(), path, null);
      next.close();
      return next.response.statusCode() == 200;
    });
  }

  @Test
  @DisplayName("downloads beyond MAX_CONCURRENT_DOWNLOADS are 503; a client that stops reading is cut off by the idle timeout")
  void downloadCapAndStalledReader() throws Exception {
    // Stored directly: bigger than every socket buffer on the way, so a client that never reads stalls it.
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "bmp", RenderOptions.fromFields(Map.of()), System.currentTimeMillis());
    byte[] big = new byte[24 << 20];
    new Random(7).nextBytes(big);
    get(new MediaStore(gw.vertx, gw.mongo).putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), big));
    get(new TaskStore(gw.mongo).insert(task));
    String path = "/api/v1/task/" + id + "/image";
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", gw.gateway.actualPort()));
      stalled.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> stalled.getInputStream().available() >= 12);
      // The stalled request holds the download slot: it was answered 200 and its body is on its way.
      byte[] statusLine = stalled.getInputStream().readNBytes(12);
      assertThat(new String(statusLine, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

      assertBusy(get(http.get(path).send()), "too_many_downloads");
      // And it keeps holding it while it reads nothing: the gateway waits for the client rather than
      // queueing the rest of the file in memory. (It once wrote all 24 MB into the connection's buffer
      // within 0.2 s, the client having read 4 KB, and gave the slot back.)
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(4))
          .until(() -> get(http.get(path).send()).statusCode() == 503);

      // Never read: the idle timeout closes the connection and frees the slot.
      await().atMost(Duration.ofSeconds(30)).until(() -> get(http.get(path).send()).statusCode() == 200);
    }
  }

  @Test
  @DisplayName("an upload trickling in below UPLOAD_MIN_BYTES_PER_SECOND is answered 408 and its connection closed")
  void tricklingUpload() throws Exception {
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket socket = new Socket("127.0.0.1", gw.gateway.actualPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/task HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
          + "Content-Length: 100000\r\n\r\n--xyz\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // One byte every 400 ms keeps the connection from ever being idle, at 2.5 bytes/s.
      trickle.scheduleAtFixedRate(() -> {
        try {
          out.write('x');
          out.flush();
        } catch (Exception closed) {
          trickle.shutdown();
        }
      }, 0, 400, TimeUnit.MILLISECONDS);
      socket.setSoTimeout(30_000);
      String answer = readUntilClosed(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 408").contains("upload_too_slow");
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  @DisplayName("an image whose check runs past IMAGE_CHECK_TIME_LIMIT_MS is 422 image_decode_timeout")
  void checkTimeLimit(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    // 1 ms: the check of a 24-megapixel progressive JPEG (our entropy pass, about 0.1 s) cannot meet it
    ImageProbe probe = new ImageProbe(gw.vertx, 50_000_000, new DecodeConfig(256, 1, 200), 1, 0);
    Path jpeg = dir.resolve("big.jpg");
    Files.write(jpeg, HostileImages.progressiveJpeg(6000, 4000));
    Future<ImageProbe.ImageInfo> checked = probe.probe(jpeg);
    await().atMost(Duration.ofSeconds(60)).until(checked::isComplete);
    assertThat(checked.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(422);
      assertThat(e.code()).isEqualTo("image_decode_timeout");
    });
    probe.close();
  }

  @Test
  @DisplayName("when every image-check thread is busy and the queue is full, an upload is 503 image_check_busy at once")
  void checkPoolFull(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ImageProbe probe = new ImageProbe(gw.vertx, 4_000_000, new DecodeConfig(64, 5_000, 5_000), 1, 0);
    Path fifo = dir.resolve("slow-upload");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Future<ImageProbe.ImageInfo> first = probe.probe(fifo);
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.inFlight() == 1);

    Future<ImageProbe.ImageInfo> second = probe.probe(dir.resolve("any.png"));

    assertThat(second.failed()).isTrue();
    assertThat(second.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.code()).isEqualTo("image_check_busy");
    });
    Files.write(fifo, GatewayFixture.png(64, 64));
    assertThat(get(first).width()).isEqualTo(64);
    probe.close();
  }

  private static String readUntilClosed(InputStream in) throws Exception {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        answer.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // closed by the server after its answer
    }
    return answer.toString(StandardCharsets.US_ASCII);
  }
}
