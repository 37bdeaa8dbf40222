package io.stillmotion.standalone.bench;

import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.VideoRenderer;
import io.stillmotion.render.bench.BenchMachine;
import io.stillmotion.standalone.StandaloneApp;
import io.stillmotion.testing.TempDirs;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.stillmotion.testing.Futures.await;

/**
 * The service as its clients see it ({@code make bench}), on a fresh data directory, in this one JVM
 * as {@code make run} starts it. First, upload to FINISHED through the HTTP API for the shared photo
 * (the first video after start, then warm, 720p and 1080p30) next to ffmpeg's CLI doing the same job
 * and to the engine alone in this JVM, interleaved so that load changes hit all alike (the engine alone
 * before the service in every other round, so that neither always finds the other's JIT work). Then HTTP load
 * over loopback with a fixed number of requests in flight, one endpoint at a time: {@code GET
 * /api/v1/ping} (the ceiling: no database), {@code GET /api/v1/task/{id}} of a finished task, {@code
 * POST /api/v1/task} (a 320x240 PNG: sniff, decode check, GridFS write, insert, confirmed publish).
 * Prints requests/s, p50/p99 latency and errors. Tunables: {@code -Dbench.seconds=10
 * -Dbench.concurrency=32 -Dbench.repeats=3 -Dbench.endToEnd=true -Dbench.coldClient=curl|jvm
 * -Dbench.warmSizes=1280x720,1920x1080 -Dbench.pastTasks=0 -Dbench.cpuPerVideo=false -Dbench.coldStarts=3
 * -Dshared.dir=../shared} ({@code coldClient}: who uploads the first video; curl, when installed, as a client
 * in another process would; {@code coldStarts}: how many fresh JVMs' first videos the cold row is the median of,
 * see {@link ColdStarts}). Runs in its own JVM ({@code
 * exec:exec}): the embedded broker cannot start inside Maven's class loader ({@code exec:java}).
 */
public final class HttpBench {

  private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
  private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
  private static final String PHOTO = "path-2560x1600.jpg";

  /** {@code errors}: why requests failed (a status and the error code of its JSON body, or the exception), how often. */
  private record Result(String name, int requests, Map<String, Integer> errors, double perSecond, double p50Ms,
      double p99Ms) {

    int errorCount() {
      return errors.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static long readyAt;
  private static double readyUptime;

  private HttpBench() {
  }

  public static void main(String[] args) throws Exception {
    // A log line per request and per task would measure the console, not the service.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    EndToEnd.captureLogs();
    boolean endToEnd = Boolean.parseBoolean(System.getProperty("bench.endToEnd", "true"));
    // The other fresh JVMs' first videos come before this JVM's service starts: each has the machine to itself.
    long childrenStarted = System.nanoTime();
    List<EndToEnd.Run> otherColdStarts = endToEnd && !ColdStarts.isChild()
        ? ColdStarts.inOtherJvms(ColdStarts.wanted() - 1, HttpBench.class) : List.of();
    double inChildren = (System.nanoTime() - childrenStarted) / 1e9;
    Path dataDir = Files.createTempDirectory("stillmotion-bench");
    StillmotionConfig config = StillmotionConfig.fromEnv(Map.of(
        "HTTP_PORT", "0",
        "DATA_DIR", dataDir.toString(),
        "WEB_ROOT", dataDir.resolve("no-ui").toString(),
        "RATE_LIMIT_PER_MINUTE", "0",
        "MAX_QUEUED_TASKS", "10000000"));
    storePastTasks(dataDir.resolve("mongo"), config.mongoDb(), Integer.getInteger("bench.pastTasks", 0));
    StandaloneApp app = StandaloneApp.start(config);
    readyAt = System.currentTimeMillis();
    // The JVM's own start, without the time it waited for the fresh JVMs' first videos.
    readyUptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3 - inChildren;
    Vertx vertx = Vertx.vertx();
    try {
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(app.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
      if (ColdStarts.isChild()) {
        ColdStarts.report(firstVideo(new EndToEnd(http, photo()), app));
        return;
      }
      if (endToEnd) {
        endToEnd(http, app, otherColdStarts);
      }
      byte[] image = png(320, 240);
      String taskId = finishedTask(http);

      System.out.printf("%nHTTP bench: %d s per endpoint, %d requests in flight, loopback, %s, load %s%n",
          SECONDS, CONCURRENCY, BenchMachine.cpu(), BenchMachine.loadAverage());
      Supplier<Future<HttpResponse<Buffer>>> getPing = () -> http.get("/api/v1/ping").send();
      Supplier<Future<HttpResponse<Buffer>>> getTask = () -> http.get("/api/v1/task/" + taskId).send();
      run(vertx, "warm-up", getPing, 2);
      run(vertx, "warm-up", getTask, 2);
      // Each endpoint in two halves, in the order ping, task, task, ping: the JIT is still compiling the
      // HTTP path (server and this JVM's client) in the first seconds, and whichever endpoint went first
      // alone paid for it (ping, first, measured at a quarter of GET task's rate that way).
      Load ping = new Load("GET /api/v1/ping");
      Load task = new Load("GET /api/v1/task/{id}");
      ping.run(vertx, getPing, SECONDS / 2.0);
      task.run(vertx, getTask, SECONDS / 2.0);
      task.run(vertx, getTask, SECONDS / 2.0);
      ping.run(vertx, getPing, SECONDS / 2.0);
      Result post = run(vertx, "POST /api/v1/task", () -> upload(http, image), SECONDS);

      System.out.printf("%n| %-22s | %8s | %9s | %8s | %8s | %6s |%n", "endpoint", "requests", "req/s", "p50 ms",
          "p99 ms", "errors");
      System.out.println("|------------------------|----------|-----------|----------|----------|--------|");
      Result[] results = {ping.result(), task.result(), post};
      for (Result r : results) {
        System.out.printf("| %-22s | %8d | %9.0f | %8.2f | %8.2f | %6d |%n", r.name(), r.requests(), r.perSecond(),
            r.p50Ms(), r.p99Ms(), r.errorCount());
      }
      for (Result r : results) {
        if (!r.errors().isEmpty()) {
          System.out.printf("errors of %s: %s%n", r.name(), r.errors());
        }
      }
      System.out.printf("%nGET task / ping throughput ratio: %.2f; load %s%n%n",
          results[1].perSecond() / results[0].perSecond(), BenchMachine.loadAverage());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      app.close();
      TempDirs.deleteTree(dataDir);
    }
  }

  private static Path photo() {
    Path photo = Path.of(System.getProperty("shared.dir", "../shared"), "testdata", "photos", PHOTO);
    if (!Files.isReadable(photo)) {
      throw new IllegalStateException("No " + photo + ": set -Dshared.dir to the shared folder");
    }
    return photo;
  }

  /** A real client is another process: its start-up is not the service's. The JVM's client is the fallback. */
  private static boolean clientOutside() {
    return "curl".equals(System.getProperty("bench.coldClient", "curl")) && EndToEnd.curlAvailable();
  }

  /** The first video of a service just started, 720p, uploaded the moment it is ready. */
  private static EndToEnd.Run firstVideo(EndToEnd e2e, StandaloneApp app) throws Exception {
    return clientOutside() ? e2e.videoFromOutside("1280x720", app.httpPort()) : e2e.video("1280x720");
  }

  /**
   * Upload to FINISHED: cold (this JVM's first video with {@code otherColdStarts}, those of fresh JVMs
   * before it), then warm at 720p and 1080p, beside ffmpeg's CLI and the engine alone.
   */
  private static void endToEnd(WebClient http, StandaloneApp app, List<EndToEnd.Run> otherColdStarts)
      throws Exception {
    Path photo = photo();
    String loadBefore = BenchMachine.loadAverage();
    EndToEnd e2e = new EndToEnd(http, photo);
    String coldClient = clientOutside() ? "curl, another process" : "Vert.x WebClient in this JVM (its own first use "
        + "is counted too)" + (EndToEnd.curlAvailable() ? "" : "; no /usr/bin/curl");
    List<EndToEnd.Run> colds = new ArrayList<>(otherColdStarts);
    colds.add(firstVideo(e2e, app));
    Map<String, List<EndToEnd.Run>> service = new LinkedHashMap<>();
    Map<String, List<EndToEnd.Cli>> ffmpeg = new LinkedHashMap<>();
    List<Double> engine = new ArrayList<>();
    List<Double> engineCpu = new ArrayList<>();
    List<Map<String, Double>> engineThreads = new ArrayList<>();
    byte[] photoBytes = Files.readAllBytes(photo);
    Path work = Files.createTempDirectory("stillmotion-bench-engine");
    try (VideoRenderer renderer = new VideoRenderer(Runtime.getRuntime().availableProcessors())) {
      for (int[] size : warmSizes()) {
        String name = size[0] + "x" + size[1];
        for (int i = 0; i < REPEATS; i++) {
          // The engine alone goes first in every other round: whichever runs second finds more of the
          // render path compiled by the JIT, and a fixed order would hand that to one side.
          boolean engineFirst = size[0] == 1280 && i % 2 == 1;
          if (engineFirst) {
            engineRun(renderer, photoBytes, work, engine, engineCpu, engineThreads);
          }
          service.computeIfAbsent(name, k -> new ArrayList<>()).add(e2e.video(name));
          if (EndToEnd.ffmpegAvailable()) {
            ffmpeg.computeIfAbsent(name, k -> new ArrayList<>()).add(e2e.ffmpeg(size[0], size[1]));
          }
          if (size[0] == 1280 && !engineFirst) {
            engineRun(renderer, photoBytes, work, engine, engineCpu, engineThreads);
          }
        }
      }
    } finally {
      try (var files = Files.list(work)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(work);
    }
    List<Double> posts = e2e.posts(REPEATS * 2);

    System.out.printf("%nEnd to end: %s, 5 s Ken Burns at 30 fps, upload to FINISHED through the HTTP API "
        + "(status from its event stream), median of %d; %s, load %s -> %s%n", PHOTO, REPEATS,
        BenchMachine.cpu(), loadBefore, BenchMachine.loadAverage());
    System.out.printf("%n| %-36s | %9s | %6s | %8s | %8s | %8s | %10s | %13s |%n", "video", "service s", "POST s",
        "render s", "ffmpeg s", "ratio", "CPU s", "CPU ratio");
    System.out.println("|--------------------------------------|-----------|--------|----------|----------|----------|"
        + "------------|---------------|");
    List<EndToEnd.Cli> ff720 = ffmpeg.getOrDefault("1280x720", List.of());
    row("1280x720, first video after start", colds, ff720);
    service.forEach((name, runs) -> row(name + ", warm", runs, ffmpeg.getOrDefault(name, List.of())));
    System.out.println("(first video uploaded by " + coldClient + "; the warm ones by this JVM's WebClient)");
    System.out.printf(java.util.Locale.ROOT, "First video after start, one per fresh JVM (median above; this JVM's "
        + "last): %s s; ratio to ffmpeg's median %s%n",
        String.join(" / ", colds.stream().map(r -> String.format(java.util.Locale.ROOT, "%.2f", r.totalSeconds()))
            .toList()),
        ff720.isEmpty() ? "-" : String.join(" / ", colds.stream().map(r -> String.format(java.util.Locale.ROOT,
            "%.2f", r.totalSeconds() / EndToEnd.median(ff720.stream().map(EndToEnd.Cli::seconds).toList()))).toList()));
    System.out.printf(java.util.Locale.ROOT, "The start: service ready at %tT.%<tL, %.2f s after the JVM's start; "
        + "first upload sent at once%n", readyAt, readyUptime);
    e2e.startLines().forEach(line -> System.out.println("  " + line));
    System.out.println("(ratio: service / ffmpeg CLI, wall time; CPU s: this JVM's CPU time during the video, all "
        + "threads / ffmpeg's; on a loaded machine each runnable thread gets a share, so wall time favours more "
        + "threads)");
    double workerRender = EndToEnd.median(service.get("1280x720").stream().map(EndToEnd.Run::renderSeconds).toList());
    double alone = EndToEnd.median(engine);
    double serviceCpu = EndToEnd.median(service.get("1280x720").stream().map(EndToEnd.Run::cpuSeconds).toList());
    double aloneCpu = EndToEnd.median(engineCpu);
    System.out.printf("%nWorker's render, 1280x720 warm: %.2f s; the engine alone in this JVM (VideoRenderer, same "
        + "job): %.2f s; ratio %.2f. CPU of this JVM: %.2f s per video through the service, %.2f s for the engine "
        + "alone; ratio %.2f%n", workerRender, alone, workerRender / alone, serviceCpu, aloneCpu, serviceCpu / aloneCpu);
    printCpuByThread(service.get("1280x720").stream().map(EndToEnd.Run::cpuByThread).toList(), engineThreads);
    System.out.printf("POST /task of the %d KB photo, one at a time: median %.0f ms (of %d)%n",
        photoBytes.length / 1024, EndToEnd.median(posts) * 1e3, posts.size());
  }

  /** One render of the engine alone, with its wall time, the process's CPU and the CPU by thread. */
  private static void engineRun(VideoRenderer renderer, byte[] photo, Path work, List<Double> seconds,
      List<Double> cpuSeconds, List<Map<String, Double>> byThread) throws Exception {
    ThreadCpu threads = ThreadCpu.now();
    long cpu = EndToEnd.processCpuNanos();
    seconds.add(engineAlone(renderer, photo, work));
    cpuSeconds.add((EndToEnd.processCpuNanos() - cpu) / 1e9);
    byThread.add(ThreadCpu.now().since(threads));
  }

  /**
   * The CPU per 720p video by kind of thread, through the service and the engine alone (medians): where
   * the service's extra CPU goes. The engine alone's render is called from {@code main}.
   */
  private static void printCpuByThread(List<Map<String, Double>> service, List<Map<String, Double>> engine) {
    Map<String, Double> s = ThreadCpu.medians(service);
    Map<String, Double> e = ThreadCpu.medians(engine);
    System.out.printf("%nCPU s per 1280x720 video by thread (median of each row): %-44s | %7s | %7s%n", "",
        "service", "engine");
    if (Boolean.getBoolean("bench.cpuPerVideo")) {
      for (int i = 0; i < service.size(); i++) {
        System.out.printf("  video %d: service %s%n  engine %d: %s%n", i + 1, service.get(i), i + 1,
            i < engine.size() ? engine.get(i) : "-");
      }
    }
    java.util.Set<String> kinds = new java.util.LinkedHashSet<>(s.keySet());
    kinds.addAll(e.keySet());
    for (String kind : kinds) {
      double a = s.getOrDefault(kind, 0.0);
      double b = e.getOrDefault(kind, 0.0);
      if (a >= 0.005 || b >= 0.005) {
        System.out.printf("  %-96s | %7.3f | %7.3f%n", kind, a, b);
      }
    }
  }

  /**
   * {@code -Dbench.pastTasks=n}: the data folder starts with n finished tasks, as that of a {@code make
   * run} that has served n videos (their files are not stored: only the task documents).
   */
  private static void storePastTasks(Path mongoDir, String database, int n) throws Exception {
    if (n <= 0) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try (io.stillmotion.infra.EmbeddedMongo server = io.stillmotion.infra.EmbeddedMongo.startPersistent(mongoDir, 0)) {
      io.vertx.ext.mongo.MongoClient mongo = io.vertx.ext.mongo.MongoClient.create(vertx,
          new io.vertx.core.json.JsonObject().put("connection_string", server.connectionString()).put("db_name", database));
      long now = System.currentTimeMillis();
      List<io.vertx.ext.mongo.BulkOperation> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String id = java.util.UUID.randomUUID().toString();
        batch.add(io.vertx.ext.mongo.BulkOperation.createInsert(io.stillmotion.model.Task
            .pending(id, "jpg", RenderOptions.defaults(), now - n + i).toDocument()
            .put("status", "FINISHED").put("progress", 100).put("attempts", 1)
            .put("result", io.stillmotion.model.TaskMedia.forAttempt(id, "past").toDocument())));
        if (batch.size() == 500 || i == n - 1) {
          await(mongo.bulkWrite(io.stillmotion.model.Names.TASKS_COLLECTION, batch));
          batch.clear();
        }
      }
      await(mongo.close());
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.out.printf("%d finished tasks stored before the start%n", n);
  }

  /** {@code -Dbench.warmSizes=1280x720,1920x1080} (the default): the warm videos' sizes. */
  private static int[][] warmSizes() {
    return Arrays.stream(System.getProperty("bench.warmSizes", "1280x720,1920x1080").split(","))
        .map(size -> Arrays.stream(size.trim().split("x")).mapToInt(Integer::parseInt).toArray())
        .toArray(int[][]::new);
  }

  private static void row(String name, List<EndToEnd.Run> runs, List<EndToEnd.Cli> ffmpeg) {
    double total = EndToEnd.median(runs.stream().map(EndToEnd.Run::totalSeconds).toList());
    double cpu = EndToEnd.median(runs.stream().map(EndToEnd.Run::cpuSeconds).toList());
    double ffSeconds = EndToEnd.median(ffmpeg.stream().map(EndToEnd.Cli::seconds).toList());
    double ffCpu = EndToEnd.median(ffmpeg.stream().map(EndToEnd.Cli::cpuSeconds).toList());
    boolean none = ffmpeg.isEmpty();
    System.out.printf("| %-36s | %9.2f | %6.2f | %8.2f | %8s | %8s | %10s | %13s |%n", name, total,
        EndToEnd.median(runs.stream().map(EndToEnd.Run::postSeconds).toList()),
        EndToEnd.median(runs.stream().map(EndToEnd.Run::renderSeconds).toList()),
        none ? "-" : String.format("%.2f", ffSeconds), none ? "-" : String.format("%.2f", total / ffSeconds),
        none ? String.format("%.2f", cpu) : String.format("%.2f / %.2f", cpu, ffCpu),
        none ? "-" : String.format("%.2f", cpu / ffCpu));
  }

  private static double engineAlone(VideoRenderer renderer, byte[] photo, Path work) throws Exception {
    long start = System.nanoTime();
    RenderResult result = renderer.render(photo, RenderOptions.defaults().toSpec(), work, RenderListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.delete(result.video());
    return seconds;
  }

  /** A small task, rendered, for the GET load: a finished task is what clients poll most. */
  private static String finishedTask(WebClient http) throws Exception {
    byte[] image = png(320, 240);
    String id = await(upload(http, image)).bodyAsJsonObject().getString("id");
    while (!"FINISHED".equals(await(http.get("/api/v1/task/" + id).send()).bodyAsJsonObject().getString("status"))) {
      Thread.sleep(50);
    }
    return id;
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
    Load load = new Load(name);
    load.run(vertx, request, seconds);
    return load.result();
  }

  /** Requests to one endpoint, over one or more timed runs: their latencies, errors and time together. */
  private static final class Load {
    private final String name;
    private final long[] latencies = new long[4_000_000];
    private final AtomicInteger count = new AtomicInteger();
    private final Map<String, Integer> errors = new java.util.concurrent.ConcurrentSkipListMap<>();
    private double elapsed;

    Load(String name) {
      this.name = name;
    }

    void run(Vertx vertx, Supplier<Future<HttpResponse<Buffer>>> request, double seconds) throws Exception {
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      Promise<Void> done = Promise.promise();
      AtomicInteger running = new AtomicInteger(CONCURRENCY);
      vertx.runOnContext(v -> {
        for (int i = 0; i < CONCURRENCY; i++) {
          loop(request, latencies, count, errors, end, running, done);
        }
      });
      done.future().await((long) seconds + 120L, TimeUnit.SECONDS);
      elapsed += (System.nanoTime() - start) / 1e9;
    }

    Result result() {
      int n = Math.min(count.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return new Result(name, n, errors, n / elapsed, percentile(sorted, 50), percentile(sorted, 99));
    }
  }

  private static void loop(Supplier<Future<HttpResponse<Buffer>>> request, long[] latencies, AtomicInteger count,
      Map<String, Integer> errors, long end, AtomicInteger running, Promise<Void> done) {
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
        errors.merge(errorReason(r), 1, Integer::sum);
      }
      loop(request, latencies, count, errors, end, running, done);
    });
  }

  private static String errorReason(io.vertx.core.AsyncResult<HttpResponse<Buffer>> r) {
    if (r.failed()) {
      return r.cause().getClass().getSimpleName();
    }
    String code = "";
    try {
      code = " " + r.result().bodyAsJsonObject().getJsonObject("error").getString("code");
    } catch (RuntimeException notJson) {
      // a body that is not our JSON error: the status alone says enough
    }
    return r.result().statusCode() + code;
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
