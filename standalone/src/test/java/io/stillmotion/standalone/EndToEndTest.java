package io.stillmotion.standalone;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole system in one JVM, on the embedded default, driven over HTTP like a user would. */
class EndToEndTest {

  private static RunningSystem system;
  private static WebClient http;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    system = RunningSystem.start("stillmotion-e2e");
    http = system.http;
    dataDir = system.dataDir;
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  static byte[] photoLikePng(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new RadialGradientPaint(width / 2f, height / 2f, Math.max(width, height) / 2f,
        new float[] {0f, 0.5f, 1f}, new Color[] {Color.YELLOW, Color.ORANGE, new Color(20, 40, 120)}));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    for (int i = 0; i < 20; i++) {
      g.drawLine(i * width / 20, 0, width - i * width / 20, height);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private HttpResponse<Buffer> upload(String fileName, byte[] bytes, boolean withFile) throws Exception {
    MultipartForm form = MultipartForm.create();
    if (withFile) {
      Path file = Files.createTempFile(dataDir, "upload", ".bin");
      Files.write(file, bytes);
      form.binaryFileUpload("file", fileName, file.toString(), "application/octet-stream");
    } else {
      form.attribute("note", "no file here");
    }
    return get(http.post("/api/v1/task").sendMultipartForm(form));
  }

  private JsonObject task(String id) throws Exception {
    return get(http.get("/api/v1/task/" + id).send()).bodyAsJsonObject();
  }

  @Test
  @DisplayName("an uploaded PNG becomes a 5 s, 30 fps, 1280x720 H.264 MP4 that can be fetched whole and by range")
  void uploadToVideo() throws Exception {
    HttpResponse<Buffer> created = upload("sunset.png", photoLikePng(1600, 1000), true);
    assertThat(created.statusCode()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getString("id");

    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
        .until(() -> task(id).getString("status"), s -> s.equals("FINISHED") || s.equals("FAILED"));
    JsonObject done = task(id);
    assertThat(done.getString("status")).isEqualTo("FINISHED");
    assertThat(done.getInteger("progress")).isEqualTo(100);
    assertThat(done.getString("videoUrl")).isEqualTo("/api/v1/video/" + id);

    HttpResponse<Buffer> video = get(http.get("/api/v1/video/" + id).send());
    assertThat(video.statusCode()).isEqualTo(200);
    assertThat(video.getHeader("Content-Type")).isEqualTo("video/mp4");
    byte[] mp4 = video.body().getBytes();
    assertThat(video.getHeader("Content-Length")).isEqualTo(String.valueOf(mp4.length));
    Path file = dataDir.resolve(id + ".mp4");
    Files.write(file, mp4);
    try (MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(NIOUtils.readableChannel(file.toFile()))) {
      DemuxerTrack track = demuxer.getVideoTrack();
      DemuxerTrackMeta meta = track.getMeta();
      assertThat(meta.getCodec()).isEqualTo(org.jcodec.common.Codec.H264);
      assertThat(meta.getVideoCodecMeta().getSize().getWidth()).isEqualTo(1280);
      assertThat(meta.getVideoCodecMeta().getSize().getHeight()).isEqualTo(720);
      assertThat(meta.getTotalFrames()).isEqualTo(150);
      assertThat(meta.getTotalDuration()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.05));
    }

    HttpResponse<Buffer> range = get(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=1000-1999").send());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body().getBytes()).isEqualTo(Arrays.copyOfRange(mp4, 1000, 2000));

    HttpResponse<Buffer> poster = get(http.get("/api/v1/task/" + id + "/poster").send());
    assertThat(poster.statusCode()).isEqualTo(200);
    assertThat(ImageIO.read(new java.io.ByteArrayInputStream(poster.body().getBytes())).getWidth()).isEqualTo(1280);
  }

  @Test
  @DisplayName("a text file, an empty upload and a missing file field get 4xx JSON errors and create no task")
  void badUploadsCreateNothing() throws Exception {
    List<HttpResponse<Buffer>> responses = List.of(
        upload("notes.png", "just some text, not an image".getBytes(), true),
        upload("empty.jpg", new byte[0], true),
        upload(null, null, false));
    for (HttpResponse<Buffer> response : responses) {
      assertThat(response.statusCode()).isBetween(400, 499);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).isNotBlank();
    }
    // The body handler deletes refused uploads asynchronously, just after the response is sent.
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dataDir.resolve("incoming"))
        || Files.list(dataDir.resolve("incoming")).count() == 0);
  }
}
