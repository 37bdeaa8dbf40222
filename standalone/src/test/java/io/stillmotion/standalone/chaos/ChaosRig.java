package io.stillmotion.standalone.chaos;

import io.stillmotion.gateway.GatewayVerticle;
import io.stillmotion.infra.EmbeddedBroker;
import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.get;
import static org.awaitility.Awaitility.await;

/**
 * The production shape in miniature for fault tests: MongoDB-compatible server and AMQP broker in
 * this JVM (reachable over TCP), a gateway in this JVM, and workers as separate JVMs that can be
 * killed. The broker can be stopped and started again on the same port, and so can the database when
 * the rig keeps it on disk.
 */
final class ChaosRig implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  EmbeddedMongo mongoServer;
  /** Where the database keeps its data across a restart; null when it is in memory. */
  private final Path mongoDir;
  private final int mongoPort;
  final int brokerPort;
  /** The embedded broker; null when the rig runs against a real RabbitMQ. */
  EmbeddedBroker broker;
  /** The real RabbitMQ's URI, or null for the embedded broker. */
  private final String realBrokerUri;
  final Map<String, String> env = new HashMap<>();
  final StillmotionConfig config;
  final GatewayVerticle gateway;
  final WebClient http;
  final MongoClient mongo;
  final TaskStore tasks;
  final Path dir;
  private final List<Process> workers = new ArrayList<>();

  ChaosRig(Map<String, String> extraEnv) throws Exception {
    this(extraEnv, null);
  }

  /**
   * @param realBrokerUri a real RabbitMQ on this machine, stopped and started with rabbitmqctl;
   *                      null for the embedded broker
   */
  ChaosRig(Map<String, String> extraEnv, String realBrokerUri) throws Exception {
    this(extraEnv, realBrokerUri, false);
  }

  /**
   * @param durableDatabase the database keeps its data in a file, as MongoDB does, so that it can be
   *                        stopped and started again ({@link #stopDatabase}, {@link #startDatabase})
   */
  ChaosRig(Map<String, String> extraEnv, String realBrokerUri, boolean durableDatabase) throws Exception {
    this.realBrokerUri = realBrokerUri;
    mongoDir = durableDatabase ? Files.createTempDirectory("chaos-mongo") : null;
    mongoServer = durableDatabase ? EmbeddedMongo.startPersistent(mongoDir, 0) : EmbeddedMongo.startInMemory();
    mongoPort = mongoServer.port();
    if (realBrokerUri == null) {
      broker = EmbeddedBroker.start(0);
      brokerPort = broker.port();
    } else {
      brokerPort = java.net.URI.create(realBrokerUri).getPort();
      deleteTaskQueue(realBrokerUri);
    }
    dir = Files.createTempDirectory("chaos");
    env.put("MONGO_URI", mongoServer.connectionString());
    env.put("MONGO_DB", "chaos");
    env.put("AMQP_URI", realBrokerUri == null ? broker.uri() : realBrokerUri);
    env.put("DATA_DIR", dir.toString());
    env.put("HTTP_PORT", "0");
    env.put("HEALTH_PORT", "0");
    env.put("WEB_ROOT", dir.resolve("no-ui").toString());
    env.put("RATE_LIMIT_PER_MINUTE", "0");
    env.put("MAX_QUEUED_TASKS", "100000");
    env.put("HEARTBEAT_TIMEOUT_MS", "3000");
    env.put("RENDER_THREADS", "1");
    env.putAll(extraEnv);
    config = StillmotionConfig.fromEnv(env);
    gateway = new GatewayVerticle(config);
    get(vertx.deployVerticle(gateway));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.actualPort()), new PoolOptions().setHttp1MaxSize(32));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
    tasks = new TaskStore(mongo);
  }

  /** The gateway's readiness status: 503 while it cannot reach the broker or MongoDB. */
  int gatewayReadiness() throws Exception {
    return get(http.get("/health/ready").send()).statusCode();
  }

  /** Starts a worker JVM and waits until it consumes. */
  Process startWorker(String workerId, Map<String, String> extra) throws Exception {
    return startWorker(workerId, extra, List.of("-Xmx512m"));
  }

  /** Starts a worker JVM with these JVM options and waits until it consumes. */
  Process startWorker(String workerId, Map<String, String> extra, List<String> jvmOptions) throws Exception {
    return startWorkerNamed(workerId, workerId, extra, jvmOptions);
  }

  /**
   * Starts a worker JVM logging to {@code <name>.log} under this {@code WORKER_ID} (two processes may
   * share one, as a container restarted with its hostname does) and waits until it consumes.
   */
  Process startWorkerNamed(String name, String workerId, Map<String, String> extra, List<String> jvmOptions)
      throws Exception {
    Map<String, String> all = new HashMap<>(extra);
    all.put("WORKER_ID", workerId);
    return startJvm(name, WorkerProcess.class, all, jvmOptions);
  }

  /** Starts a gateway JVM with these JVM options; returns it once it listens. Its port is in its log. */
  Process startGateway(String name, Map<String, String> extra, List<String> jvmOptions) throws Exception {
    return startJvm(name, GatewayProcess.class, extra, jvmOptions);
  }

  /** The port a gateway started by {@link #startGateway} listens on. */
  int gatewayPort(String name) throws Exception {
    return workerLog(name).lines().filter(l -> l.startsWith("READY ")).findFirst()
        .map(l -> Integer.parseInt(l.substring(6).trim())).orElseThrow();
  }

  private Process startJvm(String name, Class<?> main, Map<String, String> extra, List<String> jvmOptions)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().putAll(extra);
    File log = dir.resolve(name + ".log").toFile();
    builder.redirectErrorStream(true).redirectOutput(log);
    Process process = builder.start();
    workers.add(process);
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .failFast("the process exited", () -> !process.isAlive())
          .until(() -> Files.readString(log.toPath()).contains("READY"));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new IllegalStateException(name + " did not start:\n" + Files.readString(log.toPath()), e);
    }
    return process;
  }

  /** Stops the database (a MongoDB restart, a network cut): every connection to it drops. */
  void stopDatabase() {
    if (mongoDir == null) {
      throw new IllegalStateException("an in-memory database would lose its data: make the rig with a durable one");
    }
    mongoServer.close();
  }

  /** Starts the database again, on the same port, with the data it had. */
  void startDatabase() {
    mongoServer = EmbeddedMongo.startPersistent(mongoDir, mongoPort);
  }

  void stopBroker() throws Exception {
    if (realBrokerUri == null) {
      broker.close();
    } else {
      rabbitmqctl("stop_app");
    }
  }

  void startBroker() throws Exception {
    if (realBrokerUri == null) {
      broker = EmbeddedBroker.start(brokerPort);
    } else {
      rabbitmqctl("start_app");
      rabbitmqctl("await_startup");
    }
  }

  /** A real RabbitMQ this test may restart: TEST_AMQP_URI on 127.0.0.1 with rabbitmqctl installed. */
  static String restartableRealBroker() {
    String uri = System.getProperty("test.amqp.uri");
    if (uri == null || uri.isBlank()) {
      uri = System.getenv("TEST_AMQP_URI");
    }
    boolean local = uri != null && !uri.isBlank() && uri.contains("@127.0.0.1:");
    boolean controllable = Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl"));
    return local && controllable ? uri.trim() : null;
  }

  static String rabbitmqctl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/sbin/rabbitmqctl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  /** Consumers per queue of the real broker's virtual host, as {@code rabbitmqctl list_queues} shows them. */
  Map<String, Integer> consumersPerQueue() throws Exception {
    String path = java.net.URI.create(realBrokerUri).getPath();
    String vhost = path == null || path.length() <= 1 ? "/" : path.substring(1);
    Map<String, Integer> consumers = new java.util.TreeMap<>();
    for (String line : rabbitmqctl("-q", "list_queues", "-p", vhost, "name", "consumers").lines().toList()) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length == 2 && cols[1].matches("\\d+")) {
        consumers.put(cols[0], Integer.parseInt(cols[1]));
      }
    }
    return consumers;
  }

  /** Lines a process logged at ERROR. */
  long errorLines(String name) throws Exception {
    return workerLog(name).lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR.*")).count();
  }

  /** Leftovers of earlier runs on a real broker would be consumed as unknown tasks; start clean. */
  private void deleteTaskQueue(String uri) throws Exception {
    io.vertx.rabbitmq.RabbitMQClient client = io.vertx.rabbitmq.RabbitMQClient.create(vertx,
        new io.vertx.rabbitmq.RabbitMQOptions().setUri(uri));
    get(client.start());
    get(client.queueDelete(io.stillmotion.model.Names.TASK_QUEUE).otherwiseEmpty());
    get(client.stop());
  }

  static byte[] png(int width, int height, int seed) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(seed * 37 % 256, 90, 200), width, height, Color.YELLOW));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  Future<HttpResponse<Buffer>> upload(byte[] image, Map<String, String> options) {
    MultipartForm form = MultipartForm.create();
    options.forEach(form::attribute);
    form.binaryFileUpload("file", "photo.png", Buffer.buffer(image), "image/png");
    return http.post("/api/v1/task").timeout(60_000).sendMultipartForm(form);
  }

  String uploadOk(byte[] image, Map<String, String> options) throws Exception {
    HttpResponse<Buffer> response = get(upload(image, options));
    if (response.statusCode() != 200) {
      throw new AssertionError("upload answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("id");
  }

  Task task(String id) throws Exception {
    return get(tasks.find(id));
  }

  long count(TaskStatus status) throws Exception {
    return get(mongo.count(Names.TASKS_COLLECTION, new JsonObject().put("status", status.name())));
  }

  /** Videos stored for the task, by any of its attempts (the winner's, and any left by a killed attempt). */
  long videos(String id) throws Exception {
    return get(mongo.count(Names.VIDEOS_BUCKET + ".files", new JsonObject().put("filename",
        new JsonObject().put("$regex", "^" + id + "\\..*mp4$"))));
  }

  String workerLog(String workerId) throws Exception {
    return Files.readString(dir.resolve(workerId + ".log"));
  }

  @Override
  public void close() throws Exception {
    for (Process p : workers) {
      p.destroyForcibly();
    }
    get(vertx.close());
    if (broker != null) {
      broker.close();
    }
    mongoServer.close();
  }
}
