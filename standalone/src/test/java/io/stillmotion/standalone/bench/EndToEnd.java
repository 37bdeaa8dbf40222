package io.stillmotion.standalone.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.await;

/**
 * Upload to FINISHED through the HTTP API, the way a client sees it (the task's event stream, which
 * ends after its terminal state), next to ffmpeg's CLI doing the same job from the same JPEG (zoompan →
 * libx264 veryfast → MP4 with faststart). Also reads the worker's own render time from its log line,
 * to compare with the engine alone.
 */
final class EndToEnd {

  private static final double SECONDS = 5;
  private static final int FPS = 30;
  private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
  private static final Path CURL = Path.of("/usr/bin/curl");

  /**
   * One video: seconds from the start of the upload to FINISHED, the POST alone, the worker's render,
   * and the CPU seconds this JVM spent meanwhile (every thread: HTTP, stores, broker, render, GC, JIT).
   */
  record Run(double totalSeconds, double postSeconds, double renderSeconds, double cpuSeconds,
      Map<String, Double> cpuByThread) {
  }

  /** ffmpeg's run: wall seconds and the CPU seconds of the process (user + system). */
  record Cli(double seconds, double cpuSeconds) {
  }

  private final WebClient http;
  private final byte[] photo;
  private final Path photoFile;
  private static final ListAppender<ILoggingEvent> WORKER_LOG = new ListAppender<>();

  EndToEnd(WebClient http, Path photoFile) throws Exception {
    this.http = http;
    this.photoFile = photoFile;
    this.photo = Files.readAllBytes(photoFile);
  }

  /**
   * From now on, keeps the worker's lines and the start's (warm-ups, the gateway's request lines): call it
   * before the service starts, or the warm-ups' lines are gone.
   */
  static void captureLogs() {
    WORKER_LOG.start();
    for (String name : new String[] {"io.stillmotion.worker.WorkerVerticle", "io.stillmotion.http",
        "io.stillmotion.worker.RenderWarmUp", "io.stillmotion.gateway.UploadWarmUp",
        "io.stillmotion.standalone.LifecycleWarmUp"}) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.setLevel(Level.INFO);
      logger.setAdditive(false);
      logger.addAppender(WORKER_LOG);
    }
  }

  /**
   * The service's own account of the start: its warm-ups' lines, the first upload as the gateway timed it
   * and the moment the worker began rendering it (the render warm-up should stop right after).
   */
  List<String> startLines() {
    List<String> lines = new ArrayList<>();
    boolean firstPost = true;
    boolean firstRender = true;
    for (ILoggingEvent event : List.copyOf(WORKER_LOG.list)) {
      String message = event.getFormattedMessage();
      if (event.getLoggerName().endsWith("WarmUp")) {
        lines.add(String.format(Locale.ROOT, "%tT.%<tL %s", event.getTimeStamp(), message));
      } else if (firstPost && message.startsWith("POST /api/v1/task ")) {
        lines.add(String.format(Locale.ROOT, "%tT.%<tL first upload on the server: %s", event.getTimeStamp(), message));
        firstPost = false;
      } else if (firstRender && message.contains("rendering attempt")) {
        lines.add(String.format(Locale.ROOT, "%tT.%<tL the worker starts rendering it", event.getTimeStamp()));
        firstRender = false;
      }
    }
    return lines;
  }

  static boolean ffmpegAvailable() {
    return Files.isExecutable(FFMPEG);
  }

  static boolean curlAvailable() {
    return Files.isExecutable(CURL);
  }

  /**
   * As {@link #video}, but from another process, as a real client uploads: {@code curl} posts the photo
   * and then reads the task's event stream. The JVM's own client would bill its first use (class loading,
   * interpreted multipart encoding) to the service: it shares this JVM with it.
   */
  Run videoFromOutside(String size, int port) throws Exception {
    ThreadCpu cpuBefore = ThreadCpu.now();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    String base = "http://127.0.0.1:" + port + "/api/v1/";
    String answer = curl("-F", "size=" + size, "-F", "file=@" + photoFile + ";type=image/jpeg", base + "task");
    double post = (System.nanoTime() - start) / 1e9;
    if (!answer.startsWith("{\"id\":\"")) {
      throw new IllegalStateException("upload refused: " + answer);
    }
    String id = answer.substring(7, answer.indexOf('"', 7));
    String events = curl("-N", "--max-time", "1800", base + "task/" + id + "/events");
    String last = events.substring(events.lastIndexOf("\"status\":\"") + 10);
    if (!last.startsWith("FINISHED\"")) {
      throw new IllegalStateException(id + " did not finish: " + last);
    }
    double total = (System.nanoTime() - start) / 1e9;
    return new Run(total, post, renderSeconds(id), (processCpuNanos() - cpuStart) / 1e9,
        ThreadCpu.now().since(cpuBefore));
  }

  /** {@code curl -sS} with the arguments given; its standard output. */
  private static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "-sS"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes());
    int rc = process.waitFor();
    if (rc != 0) {
      throw new IllegalStateException("curl failed: exit " + rc + ": " + output);
    }
    return output;
  }

  /** Uploads the photo with the size given ({@code 1280x720} is the default) and waits for FINISHED. */
  Run video(String size) throws Exception {
    ThreadCpu cpuBefore = ThreadCpu.now();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    MultipartForm form = MultipartForm.create().attribute("size", size)
        .binaryFileUpload("file", photoFile.getFileName().toString(), Buffer.buffer(photo), "image/jpeg");
    HttpResponse<Buffer> accepted = await(http.post("/api/v1/task").sendMultipartForm(form));
    double post = (System.nanoTime() - start) / 1e9;
    if (accepted.statusCode() != 200) {
      throw new IllegalStateException("upload refused: " + accepted.bodyAsString());
    }
    String id = accepted.bodyAsJsonObject().getString("id");
    // The task's event stream ends after its terminal state: no polling, which would load this JVM.
    String events = await(http.get("/api/v1/task/" + id + "/events").timeout(TimeUnit.MINUTES.toMillis(30)).send())
        .bodyAsString();
    String last = events.substring(events.lastIndexOf("\"status\":\"") + 10);
    if (!last.startsWith("FINISHED\"")) {
      throw new IllegalStateException(id + " did not finish: " + last);
    }
    double total = (System.nanoTime() - start) / 1e9;
    return new Run(total, post, renderSeconds(id), (processCpuNanos() - cpuStart) / 1e9,
        ThreadCpu.now().since(cpuBefore));
  }

  /** The worker's "[id] finished: n frames, b bytes in ms" line. */
  private double renderSeconds(String id) {
    for (ILoggingEvent event : List.copyOf(WORKER_LOG.list)) {
      Object[] args = event.getArgumentArray();
      if (event.getMessage().contains("finished:") && args != null && args.length == 4 && id.equals(args[0])) {
        return ((Number) args[3]).longValue() / 1e3;
      }
    }
    return Double.NaN;
  }

  /** ffmpeg's CLI: the same JPEG, 5 s at 30 fps, zoompan, libx264 veryfast, MP4 with faststart. */
  Cli ffmpeg(int width, int height) throws Exception {
    Path out = Files.createTempFile("stillmotion-ffmpeg", ".mp4");
    int frames = (int) (SECONDS * FPS);
    String filter = String.format(Locale.ROOT, "scale=%d:-2,zoompan=z='min(zoom+%.5f,1.2)':x='iw/2-(iw/zoom/2)':"
        + "y='ih/2-(ih/zoom/2)':d=%d:s=%dx%d:fps=%d", width * 2, 0.2 / frames, frames, width, height, FPS);
    try {
      // bash's `times` prints the CPU time of its children: ffmpeg's own, however many threads it ran.
      String command = String.join(" ", FFMPEG.toString(), "-v", "error", "-y", "-i", "'" + photoFile + "'", "-vf",
          "\"" + filter + "\"", "-frames:v", String.valueOf(frames), "-c:v", "libx264", "-preset", "veryfast",
          "-pix_fmt", "yuv420p", "-movflags", "+faststart", "'" + out + "'") + " && times";
      long start = System.nanoTime();
      Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      int rc = process.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (rc != 0) {
        throw new IllegalStateException("ffmpeg failed: exit " + rc + ": " + output);
      }
      String[] lines = output.strip().split("\n");
      String[] children = lines[lines.length - 1].trim().split("\\s+");
      return new Cli(seconds, bashTime(children[0]) + bashTime(children[1]));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Seconds of {@code n} uploads of the photo one after another, POST answer only. */
  List<Double> posts(int n) throws Exception {
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      MultipartForm form = MultipartForm.create().attribute("duration", "1")
          .binaryFileUpload("file", photoFile.getFileName().toString(), Buffer.buffer(photo), "image/jpeg");
      HttpResponse<Buffer> response = await(http.post("/api/v1/task").timeout(TimeUnit.MINUTES.toMillis(2))
          .sendMultipartForm(form));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("upload refused: " + response.bodyAsString());
      }
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    return seconds;
  }

  /** {@code 1m2.345s} → 62.345. */
  private static double bashTime(String value) {
    int m = value.indexOf('m');
    return Double.parseDouble(value.substring(0, m)) * 60 + Double.parseDouble(value.substring(m + 1,
        value.length() - 1));
  }

  static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
