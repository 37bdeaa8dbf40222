package io.stillmotion.standalone;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Stories through HTTP on the whole system: what comes out is decoded by ffmpeg (when installed)
 * and measured — frame count and length, transitions that blend or cut, captions in their shots'
 * frames, a short MP3 looped to the video's length.
 */
class StoryEndToEndTest {

  private static final int FPS = 24;
  private static RunningSystem system;
  private static WebClient http;
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    system = RunningSystem.start("stillmotion-stories");
    http = system.http;
    dataDir = system.dataDir;
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  /** A plain picture of one colour with a faint pattern, so each shot is told by its colour. */
  static byte[] plain(Color color, int width, int height, String format) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.setColor(color.darker());
    for (int x = 0; x < width; x += 40) {
      g.drawLine(x, 0, x, height);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  static byte[] music() throws Exception {
    try (InputStream in = StoryEndToEndTest.class.getResourceAsStream("/audio/tone-2s.mp3")) {
      return in.readAllBytes();
    }
  }

  private static String create(List<byte[]> images, Map<String, String> fields, byte[] audio) throws Exception {
    MultipartForm form = MultipartForm.create();
    for (int i = 0; i < images.size(); i++) {
      Path file = Files.createTempFile(dataDir, "picture", ".png");
      Files.write(file, images.get(i));
      form.binaryFileUpload("file", "picture" + i + ".png", file.toString(), "image/png");
    }
    fields.forEach(form::attribute);
    if (audio != null) {
      form.binaryFileUpload("audio", "music.mp3", Buffer.buffer(audio), "audio/mpeg");
    }
    HttpResponse<Buffer> created = get(http.post("/api/v1/task").sendMultipartForm(form));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    return created.bodyAsJsonObject().getString("id");
  }

  private static JsonObject finished(String id, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(500))
        .until(() -> get(http.get("/api/v1/task/" + id).send()).bodyAsJsonObject().getString("status"),
            s -> s.equals("FINISHED") || s.equals("FAILED"));
    JsonObject task = new JsonObject();
    try {
      task = get(http.get("/api/v1/task/" + id).send()).bodyAsJsonObject();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(task.getString("status")).as(task.getString("message")).isEqualTo("FINISHED");
    return task;
  }

  private static Path video(String id) throws Exception {
    Path file = dataDir.resolve(id + ".mp4");
    Files.write(file, get(http.get("/api/v1/video/" + id).send()).body().getBytes());
    return file;
  }

  @Test
  @DisplayName("three pictures, a crossfade, a cut, captions and a short MP3: measured frame by frame")
  void storyFrameByFrame() throws Exception {
    assumeThat(Ffmpeg.available()).as("ffmpeg and ffprobe installed").isTrue();
    String doc = """
        {"shots": [
          {"duration": 2, "effect": "zoom-in", "caption": "ONE"},
          {"duration": 2, "effect": "zoom-in", "transition": {"type": "crossfade", "duration": 1}},
          {"duration": 2, "effect": "zoom-in", "caption": "THREE", "transition": {"type": "cut"}}]}""";
    String id = create(List.of(plain(new Color(200, 40, 40), 800, 800, "png"),
        plain(new Color(40, 200, 40), 800, 800, "png"), plain(new Color(40, 40, 200), 800, 800, "png")),
        Map.of("story", doc, "size", "720x720", "fps", String.valueOf(FPS)), music());
    JsonObject task = finished(id, Duration.ofMinutes(3));
    assertThat(task.getJsonArray("images")).hasSize(3);
    Path mp4 = video(id);

    Ffmpeg.Streams streams = Ffmpeg.streams(mp4);
    assertThat(streams.problems()).as("ffprobe and a full decode report nothing").isEmpty();
    assertThat(streams.videoFrames()).isEqualTo(6 * FPS);
    assertThat(streams.videoSeconds()).isCloseTo(6.0, within(1.0 / FPS));
    assertThat(streams.audioCodec()).isEqualTo("mp3");
    assertThat(streams.audioSeconds()).as("the 2 s tone looped to the video's length, within one audio frame")
        .isCloseTo(streams.videoSeconds(), within(streams.audioFrameSeconds() + 1e-3));

    List<int[]> means = Ffmpeg.meanColours(mp4, 16);
    assertThat(means).hasSize(6 * FPS);
    // Shot 1 → 2: a crossfade of 1 s centred on 2 s (frames 36-60): in the middle, red and green blend.
    int[] middle = means.get(2 * FPS);
    assertThat(middle[0]).as("red in the crossfade's middle").isBetween(80, 160);
    assertThat(middle[1]).as("green in the crossfade's middle").isBetween(80, 160);
    for (int f = 38; f < 58; f++) {
      assertThat(means.get(f + 1)[0]).as("red fades out, frame %d", f + 1).isLessThanOrEqualTo(means.get(f)[0] + 2);
    }
    // Shot 2 → 3: a cut at 4 s: green up to frame 95, blue from frame 96, nothing in between.
    for (int f = 80; f < 112; f++) {
      int[] c = means.get(f);
      boolean green = c[1] > c[2] + 100;
      boolean blue = c[2] > c[1] + 100;
      assertThat(f < 4 * FPS ? green : blue).as("frame %d is %s only: %d,%d,%d", f, f < 96 ? "green" : "blue",
          c[0], c[1], c[2]).isTrue();
    }
    // Captions: bright text in the lower part of shots 1 and 3 only.
    double one = Ffmpeg.lowerThirdContrast(mp4, FPS);
    double none = Ffmpeg.lowerThirdContrast(mp4, 3 * FPS);
    double three = Ffmpeg.lowerThirdContrast(mp4, 5 * FPS);
    assertThat(one).as("caption ONE under shot 1").isGreaterThan(none + 20);
    assertThat(three).as("caption THREE under shot 3").isGreaterThan(none + 20);
  }

  @Test
  @DisplayName("twenty 40-megapixel photos are accepted and rendered within memory, one shot's source at a time")
  void twentyLargePhotos() throws Exception {
    byte[] large = largePhoto(8000, 5000);
    List<byte[]> twenty = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      twenty.add(large);
    }
    String id = create(twenty, Map.of("duration", "20", "size", "720x720", "fps", String.valueOf(FPS),
        "quality", "low", "transition", "cut"), null);
    JsonObject task = finished(id, Duration.ofMinutes(6));
    JsonArray shots = task.getJsonObject("story").getJsonArray("shots");
    assertThat(shots).hasSize(20);
    Path mp4 = video(id);
    assertThat(Files.size(mp4)).isGreaterThan(10_000);
    if (Ffmpeg.available()) {
      Ffmpeg.Streams streams = Ffmpeg.streams(mp4);
      assertThat(streams.problems()).isEmpty();
      assertThat(streams.videoFrames()).isEqualTo(20 * FPS);
      assertThat(streams.audioCodec()).as("no soundtrack, no audio stream").isNull();
    }
  }

  /** A JPEG of {@code width x height} with a gradient and a grid: big in pixels, modest in bytes. */
  static byte[] largePhoto(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, new Color(250, 180, 60), width, height, new Color(30, 60, 160)));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    for (int x = 0; x < width; x += 250) {
      g.drawLine(x, 0, x, height);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  /** ffprobe and ffmpeg, as the independent judges of what we wrote. */
  static final class Ffmpeg {

    record Streams(int videoFrames, double videoSeconds, String audioCodec, double audioSeconds,
        double audioFrameSeconds, List<String> problems) {
    }

    static boolean available() {
      try {
        return run(List.of("ffprobe", "-version")).exit == 0 && run(List.of("ffmpeg", "-version")).exit == 0;
      } catch (Exception e) {
        return false;
      }
    }

    static Streams streams(Path mp4) throws Exception {
      Result probe = run(List.of("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json",
          mp4.toString()));
      Result decode = run(List.of("ffmpeg", "-v", "error", "-i", mp4.toString(), "-f", "null", "-"));
      List<String> problems = new ArrayList<>();
      if (!probe.err.isBlank()) {
        problems.add("ffprobe: " + probe.err);
      }
      if (!decode.err.isBlank() || decode.exit != 0) {
        problems.add("ffmpeg: " + decode.err);
      }
      JsonArray streams = new JsonObject(probe.out).getJsonArray("streams");
      JsonObject video = null;
      JsonObject audio = null;
      for (Object s : streams) {
        JsonObject stream = (JsonObject) s;
        if ("video".equals(stream.getString("codec_type"))) {
          video = stream;
        } else if ("audio".equals(stream.getString("codec_type"))) {
          audio = stream;
        }
      }
      assertThat(video).as("a video stream").isNotNull();
      int frames = Integer.parseInt(video.getString("nb_read_frames"));
      double seconds = Double.parseDouble(video.getString("duration"));
      if (audio == null) {
        return new Streams(frames, seconds, null, 0, 0, problems);
      }
      int sampleRate = Integer.parseInt(audio.getString("sample_rate"));
      int samplesPerFrame = "mp3".equals(audio.getString("codec_name")) ? (sampleRate < 32000 ? 576 : 1152) : 1024;
      return new Streams(frames, seconds, audio.getString("codec_name"), Double.parseDouble(audio.getString("duration")),
          (double) samplesPerFrame / sampleRate, problems);
    }

    /** The mean R, G, B of every frame (decoded at {@code side} x {@code side}). */
    static List<int[]> meanColours(Path mp4, int side) throws Exception {
      byte[] raw = rawFrames(mp4, "scale=" + side + ":" + side, null);
      int frameBytes = side * side * 3;
      List<int[]> means = new ArrayList<>();
      for (int at = 0; at + frameBytes <= raw.length; at += frameBytes) {
        long[] sum = new long[3];
        for (int p = 0; p < side * side; p++) {
          for (int c = 0; c < 3; c++) {
            sum[c] += raw[at + p * 3 + c] & 0xFF;
          }
        }
        int n = side * side;
        means.add(new int[] {(int) (sum[0] / n), (int) (sum[1] / n), (int) (sum[2] / n)});
      }
      return means;
    }

    /** How much brighter the brightest pixels of the frame's lower third are than its median: text stands out. */
    static double lowerThirdContrast(Path mp4, int frame) throws Exception {
      int side = 90;
      byte[] raw = rawFrames(mp4, "select=eq(n\\," + frame + "),scale=" + side + ":" + side, 1);
      List<Integer> luma = new ArrayList<>();
      for (int y = side * 2 / 3; y < side; y++) {
        for (int x = 0; x < side; x++) {
          int p = (y * side + x) * 3;
          luma.add((299 * (raw[p] & 0xFF) + 587 * (raw[p + 1] & 0xFF) + 114 * (raw[p + 2] & 0xFF)) / 1000);
        }
      }
      luma.sort(null);
      return luma.get(luma.size() * 995 / 1000) - luma.get(luma.size() / 2);
    }

    private static byte[] rawFrames(Path mp4, String filter, Integer frames) throws Exception {
      List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-i", mp4.toString(), "-vf", filter));
      if (frames != null) {
        command.addAll(List.of("-frames:v", String.valueOf(frames)));
      }
      command.addAll(List.of("-vsync", "0", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"));
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = process.getInputStream().readAllBytes();
      assertThat(process.waitFor()).isZero();
      return out;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command) throws Exception {
      Process process = new ProcessBuilder(command).start();
      java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          return e.toString();
        }
      });
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.waitFor(), out, err.get());
    }
  }
}
