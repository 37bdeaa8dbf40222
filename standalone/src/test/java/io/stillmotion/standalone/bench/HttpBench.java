package io.stillmotion.standalone.bench;

import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.standalone.StandaloneApp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.stillmotion.testing.Futures.await;

/**
 * HTTP load on the whole system in one JVM ({@code make bench}): starts the standalone app on a
 * fresh data directory and drives it over loopback with a fixed number of requests in flight, one
 * endpoint at a time: {@code GET /api/v1/ping} (the ceiling: no database), {@code GET
 * /api/v1/task/{id}} (one indexed read), {@code POST /api/v1/task} (a 320x240 PNG: sniff, decode
 * check, GridFS write, insert, confirmed publish). Prints requests/s, p50/p99 latency and errors.
 * Tunables: {@code -Dbench.seconds=10 -Dbench.concurrency=32}. Runs in its own JVM ({@code exec:exec}):
 * the embedded broker cannot start inside Maven's class loader ({@code exec:java}).
 */
public final class HttpBench {

  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);

  private record Result(String name, int requests, int errors, double perSecond, double p50Ms, double p99Ms) {
  }

  private HttpBench() {
  }

  public static void main(String[] args) throws Exception {
    // A log line per request and per task would measure the console, not the service.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path dataDir = Files.createTempDirectory("stillmotion-bench");
    StandaloneApp app = StandaloneApp.start(StillmotionConfig.fromEnv(Map.of(
        "HTTP_PORT", "0",
        "DATA_DIR", dataDir.toString(),
        "WEB_ROOT", dataDir.resolve("no-ui").toString(),
        "RATE_LIMIT_PER_MINUTE", "0",
        "MAX_QUEUED_TASKS", "10000000",
        "RENDER_THREADS", "1")));
    Vertx vertx = Vertx.vertx();
    try {
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(app.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
      byte[] image = png(320, 240);
      String taskId = await(upload(http, image)).bodyAsJsonObject().getString("id");

      System.out.printf("%nHTTP bench: %d s per endpoint, %d requests in flight, loopback, %d cores%n", SECONDS,
          CONCURRENCY, Runtime.getRuntime().availableProcessors());
      run(vertx, "warm-up", () -> http.get("/api/v1/ping").send(), 2);
      Result ping = run(vertx, "GET /api/v1/ping", () -> http.get("/api/v1/ping").send(), SECONDS);
      Result task = run(vertx, "GET /api/v1/task/{id}", () -> http.get("/api/v1/task/" + taskId).send(), SECONDS);
      Result post = run(vertx, "POST /api/v1/task", () -> upload(http, image), SECONDS);

      System.out.printf("%n| %-22s | %8s | %9s | %8s | %8s | %6s |%n", "endpoint", "requests", "req/s", "p50 ms",
          "p99 ms", "errors");
      System.out.println("|------------------------|----------|-----------|----------|----------|--------|");
      for (Result r : new Result[] {ping, task, post}) {
        System.out.printf("| %-22s | %8d | %9.0f | %8.2f | %8.2f | %6d |%n", r.name(), r.requests(), r.perSecond(),
            r.p50Ms(), r.p99Ms(), r.errors());
      }
      System.out.printf("%nGET task / ping throughput ratio: %.2f%n%n", task.perSecond() / ping.perSecond());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      app.close();
    }
  }

  private static Future<HttpResponse<Buffer>> upload(WebClient http, byte[] image) {
    MultipartForm form = MultipartForm.create()
        .attribute("duration", "1").attribute("size", "720x720").attribute("fps", "24")
        .binaryFileUpload("file", "bench.png", Buffer.buffer(image), "image/png");
    return http.post("/api/v1/task").sendMultipartForm(form);
  }

  /** Keeps CONCURRENCY requests in flight for the given time; latencies of the completed ones. */
  private static Result run(Vertx vertx, String name, Supplier<Future<HttpResponse<Buffer>>> request, int seconds)
      throws Exception {
    long[] latencies = new long[4_000_000];
    AtomicInteger count = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    Promise<Void> done = Promise.promise();
    AtomicInteger running = new AtomicInteger(CONCURRENCY);
    vertx.runOnContext(v -> {
      for (int i = 0; i < CONCURRENCY; i++) {
        loop(request, latencies, count, errors, end, running, done);
      }
    });
    done.future().await(seconds + 120L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    int n = Math.min(count.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    return new Result(name, n, errors.get(), n / elapsed, percentile(sorted, 50), percentile(sorted, 99));
  }

  private static void loop(Supplier<Future<HttpResponse<Buffer>>> request, long[] latencies, AtomicInteger count,
      AtomicInteger errors, long end, AtomicInteger running, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    long sent = System.nanoTime();
    request.get().onComplete(r -> {
      int i = count.getAndIncrement();
      if (i < latencies.length) {
        latencies[i] = System.nanoTime() - sent;
      }
      if (r.failed() || r.result().statusCode() >= 300) {
        errors.incrementAndGet();
      }
      loop(request, latencies, count, errors, end, running, done);
    });
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.MAGENTA, width, height, Color.GREEN));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
