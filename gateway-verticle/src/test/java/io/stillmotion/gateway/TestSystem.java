package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static io.stillmotion.testing.Futures.get;
import static org.awaitility.Awaitility.await;

/** A gateway (and optionally a worker) on the embedded MongoDB and the test broker, for one test class. */
final class TestSystem {

  final Vertx vertx = Vertx.vertx();
  final Path dataDir;
  final StillmotionConfig config;
  final GatewayVerticle gateway;
  final WebClient http;
  final MongoClient mongo;
  final TaskStore tasks;
  final MediaStore media;

  private TestSystem(String db, Function<StillmotionConfig, WorkerVerticle> worker, Map<String, String> extraEnv)
      throws Exception {
    dataDir = Files.createTempDirectory(db);
    Map<String, String> env = GatewayFixture.testEnv(db, dataDir);
    env.put("WORKER_ID", db + "-worker");
    env.put("RENDER_THREADS", "2");
    env.putAll(extraEnv);
    config = StillmotionConfig.fromEnv(env);
    RabbitMQClient rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions(config.amqpClientConfig()));
    get(rabbit.start());
    get(rabbit.queueDelete(Names.TASK_QUEUE).otherwiseEmpty());
    get(rabbit.stop());
    gateway = new GatewayVerticle(config);
    get(vertx.deployVerticle(gateway));
    if (worker != null) {
      get(vertx.deployVerticle(worker.apply(config)));
    }
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.actualPort()));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
    tasks = new TaskStore(mongo);
    media = new MediaStore(vertx, mongo);
  }

  static TestSystem gatewayOnly(String db, Map<String, String> env) throws Exception {
    return new TestSystem(db, null, env);
  }

  static TestSystem withWorker(String db, Map<String, String> env) throws Exception {
    return new TestSystem(db, WorkerVerticle::new, env);
  }

  static TestSystem withWorker(String db, Map<String, String> env, Function<StillmotionConfig, WorkerVerticle> worker)
      throws Exception {
    return new TestSystem(db, worker, env);
  }

  /** A task stored and queued directly, bypassing the gateway's checks (e.g. with an undecodable image). */
  String submitRaw(byte[] image, String callbackUrl) throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.defaults(), System.currentTimeMillis())
        .withCallbackUrl(callbackUrl);
    get(media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), image));
    get(tasks.insert(task));
    RabbitMQClient rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions(config.amqpClientConfig()));
    get(rabbit.start());
    get(rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
    get(rabbit.stop());
    return id;
  }

  void close() throws Exception {
    get(vertx.close());
  }

  int port() {
    return gateway.actualPort();
  }

  HttpResponse<Buffer> upload(byte[] image, Map<String, String> fields) throws Exception {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    Path file = Files.createTempFile(dataDir, "upload", ".png");
    Files.write(file, image);
    form.binaryFileUpload("file", "photo.png", file.toString(), "image/png");
    return get(http.post("/api/v1/task").sendMultipartForm(form));
  }

  String create(Map<String, String> fields) throws Exception {
    HttpResponse<Buffer> response = upload(GatewayFixture.png(320, 240), fields);
    if (response.statusCode() != 200) {
      throw new AssertionError("upload refused: " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("id");
  }

  /** A task stored as FINISHED with fake video, poster and thumbnail bytes (no worker needed). */
  String finishedTask(TaskStatus status) throws Exception {
    String id = TaskMessage.newTaskId();
    long now = System.currentTimeMillis();
    Task task = new Task(id, status, status == TaskStatus.FINISHED ? 100 : 40, "/uploads/" + id + ".png",
        status == TaskStatus.FAILED ? "It broke." : null, RenderOptions.defaults(), 1, now, now, null, null, null);
    get(tasks.insert(task));
    get(media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), GatewayFixture.png(64, 48)));
    if (status == TaskStatus.FINISHED) {
      get(media.putBytes(Names.VIDEOS_BUCKET, Names.videoFileName(id), new byte[5000]));
      get(media.putBytes(Names.VIDEOS_BUCKET, Names.posterFileName(id), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}));
      get(media.putBytes(Names.VIDEOS_BUCKET, Names.thumbnailFileName(id), new byte[] {(byte) 0xFF, (byte) 0xD8, 3}));
    }
    return id;
  }

  Task awaitTask(String id, Duration atMost, java.util.function.Predicate<Task> condition) {
    Task[] result = new Task[1];
    await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
      result[0] = get(tasks.find(id));
      return result[0] != null && condition.test(result[0]);
    });
    return result[0];
  }

  static Map<String, String> map(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
