package io.stillmotion.gateway;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.stillmotion.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The seed API of the gateway against the embedded MongoDB and the test broker. */
class GatewayApiTest {

  private static Vertx vertx;
  private static WebClient http;
  private static MongoClient mongo;
  private static RabbitMQClient rabbit;
  private static TaskStore tasks;
  private static MediaStore media;
  private static Path dataDir;
  private static final String DB = "gateway-test";

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("gateway-test");
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("MONGO_URI", TestInfra.mongo().connectionString());
    env.put("MONGO_DB", DB);
    env.put("AMQP_URI", TestInfra.amqpUri());
    env.put("DATA_DIR", dataDir.toString());
    env.put("UPLOAD_MAX_BYTES", String.valueOf(2 * 1024 * 1024));
    env.put("MAX_PIXELS", "4000000");
    env.put("WEB_ROOT", dataDir.resolve("no-ui").toString());
    StillmotionConfig config = StillmotionConfig.fromEnv(env);
    rabbit = RabbitMQClient.create(vertx, new RabbitMQOptions(config.amqpClientConfig()));
    await(rabbit.start());
    await(rabbit.queueDelete(Names.TASK_QUEUE).otherwiseEmpty());
    // Declared here, not only by the gateway in the background: basicGet on a missing queue closes the connection.
    await(rabbit.queueDeclare(Names.TASK_QUEUE, true, false, false));
    GatewayVerticle gateway = new GatewayVerticle(config);
    await(vertx.deployVerticle(gateway));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.actualPort()));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
    tasks = new TaskStore(mongo);
    media = new MediaStore(vertx, mongo);
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void emptyQueue() throws Exception {
    while (await(rabbit.basicGet(Names.TASK_QUEUE, true)) != null) {
      // drain what earlier tests left
    }
  }

  static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private HttpResponse<Buffer> upload(String field, String fileName, String contentType, byte[] bytes,
      Map<String, String> fields) throws Exception {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    if (field != null) {
      Path file = Files.createTempFile(dataDir, "upload", ".bin");
      Files.write(file, bytes);
      form.binaryFileUpload(field, fileName, file.toString(), contentType);
    }
    return await(http.post("/api/v1/task").sendMultipartForm(form));
  }

  private HttpResponse<Buffer> upload(byte[] bytes) throws Exception {
    return upload("file", "photo.png", "image/png", bytes, Map.of());
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
  }

  private static long taskCount() throws Exception {
    return await(mongo.count(Names.TASKS_COLLECTION, new JsonObject()));
  }

  private static long uploadCount() throws Exception {
    return await(mongo.count(Names.UPLOADS_BUCKET + ".files", new JsonObject()));
  }

  @Test
  @DisplayName("ping answers pong")
  void ping() throws Exception {
    HttpResponse<Buffer> response = await(http.get("/api/v1/ping").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("message", "pong"));
  }

  @Test
  @DisplayName("an uploaded PNG becomes a PENDING task, its image is stored and its id is queued")
  void uploadCreatesTask() throws Exception {
    byte[] image = png(320, 200);
    HttpResponse<Buffer> response = upload(image);

    assertThat(response.statusCode()).isEqualTo(200);
    String id = response.bodyAsJsonObject().getString("id");
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    Task task = await(tasks.find(id));
    assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(task.filename()).isEqualTo("/uploads/" + id + ".png");
    assertThat(await(media.readAll(Names.UPLOADS_BUCKET, id + ".png")).getBytes()).isEqualTo(image);
    RabbitMQMessage message = await(rabbit.basicGet(Names.TASK_QUEUE, true));
    assertThat(TaskMessage.fromBuffer(message.body()).taskId()).isEqualTo(id);
  }

  @Test
  @DisplayName("the same image uploaded twice gives two tasks")
  void sameImageTwice() throws Exception {
    byte[] image = png(100, 100);
    String first = upload(image).bodyAsJsonObject().getString("id");
    String second = upload(image).bodyAsJsonObject().getString("id");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  @DisplayName("GET task answers the seed fields and the options")
  void getTask() throws Exception {
    String id = upload("file", "a.png", "image/png", png(64, 64), Map.of("effect", "zoom-out", "fps", "24"))
        .bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> response = await(http.get("/api/v1/task/" + id).send());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("id")).isEqualTo(id);
    assertThat(body.getString("status")).isEqualTo("PENDING");
    assertThat(body.getInteger("progress")).isZero();
    assertThat(body.getString("filename")).isEqualTo("/uploads/" + id + ".png");
    assertThat(body.containsKey("message")).isTrue();
    assertThat(body.getString("createdAt")).isNotBlank();
    assertThat(body.getJsonObject("options").getString("effect")).isEqualTo("zoom-out");
    assertThat(body.getJsonObject("options").getInteger("fps")).isEqualTo(24);
  }

  @Test
  @DisplayName("a task id is case-insensitive, as UUIDs are: its upper-case form names the same task")
  void upperCaseTaskId() throws Exception {
    String id = upload(png(64, 64)).bodyAsJsonObject().getString("id");
    String upper = id.toUpperCase(java.util.Locale.ROOT);
    HttpResponse<Buffer> response = await(http.get("/api/v1/task/" + upper).send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertJsonError(await(http.get("/api/v1/video/" + upper).send()), 404, "video_not_ready");
    HttpResponse<Buffer> image = await(http.get("/api/v1/task/" + upper + "/image").send());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.getHeader("Content-Type")).isEqualTo("image/png");
  }

  @Test
  @DisplayName("unknown and malformed task ids are 404 JSON errors")
  void unknownTask() throws Exception {
    for (String id : List.of("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc", "nope", "..%2F..%2Fetc", "%00",
        "x".repeat(2000))) {
      assertJsonError(await(http.get("/api/v1/task/" + id).send()), 404, "task_not_found");
    }
  }

  @Test
  @DisplayName("a text file, an empty file, a missing file field and two files are refused; nothing is stored")
  void badUploads() throws Exception {
    long tasksBefore = taskCount();
    long uploadsBefore = uploadCount();
    assertJsonError(upload("file", "notes.png", "image/png", "hello, not an image".getBytes(), Map.of()),
        415, "unsupported_image");
    assertJsonError(upload("file", "empty.png", "image/png", new byte[0], Map.of()), 400, "empty_file");
    assertJsonError(upload(null, null, null, null, Map.of("effect", "zoom-in")), 400, "missing_file");
    assertJsonError(upload("image", "a.png", "image/png", png(64, 64), Map.of()), 400, "missing_file");
    assertJsonError(await(http.post("/api/v1/task").sendBuffer(Buffer.buffer())), 415, "multipart_required");
    assertThat(taskCount()).isEqualTo(tasksBefore);
    assertThat(uploadCount()).isEqualTo(uploadsBefore);
  }

  @Test
  @DisplayName("a truncated PNG, a too small image and a pixel bomb are refused with 422")
  void brokenImages() throws Exception {
    long tasksBefore = taskCount();
    byte[] good = png(400, 300);
    assertJsonError(upload(Arrays.copyOf(good, good.length / 2)), 422, "image_unreadable");
    assertJsonError(upload(png(1, 1)), 422, "image_too_small");
    assertJsonError(upload(png(2100, 2000)), 422, "too_many_pixels");
    assertThat(taskCount()).isEqualTo(tasksBefore);
  }

  @Test
  @DisplayName("a PNG sent as image/jpeg named .jpg is stored as what it really is")
  void sniffsRealType() throws Exception {
    String id = upload("file", "holiday.jpg", "image/jpeg", png(64, 64), Map.of()).bodyAsJsonObject()
        .getString("id");
    assertThat(await(tasks.find(id)).filename()).endsWith(".png");
  }

  @Test
  @DisplayName("an upload over the byte limit is refused with 413")
  void tooLarge() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    System.arraycopy(png(64, 64), 0, big, 0, 100);
    assertJsonError(upload(big), 413, "file_too_large");
  }

  @Test
  @DisplayName("bad option values are 422 errors naming the field")
  void badOptions() throws Exception {
    long before = taskCount();
    Map<String, String> cases = Map.of("effect", "spin", "duration", "31", "fps", "29", "size", "640x480",
        "easing", "bounce", "focus", "2,0.5", "quality", "ultra");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<Buffer> response = upload("file", "a.png", "image/png", png(64, 64), Map.of(c.getKey(), c.getValue()));
      assertJsonError(response, 422, "invalid_" + c.getKey());
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(c.getKey());
    }
    assertThat(taskCount()).isEqualTo(before);
  }

  @Test
  @DisplayName("a video is 404 until the task is finished")
  void videoNotReady() throws Exception {
    String id = upload(png(64, 64)).bodyAsJsonObject().getString("id");
    assertJsonError(await(http.get("/api/v1/video/" + id).send()), 404, "video_not_ready");
    assertJsonError(await(http.get("/api/v1/video/not-a-uuid").send()), 404, "task_not_found");
  }

  @Test
  @DisplayName("a finished video is served whole, by byte range, and 416 past its end")
  void videoRanges() throws Exception {
    String id = TaskMessage.newTaskId();
    long now = System.currentTimeMillis();
    Task finished = new Task(id, TaskStatus.FINISHED, 100, "/uploads/" + id + ".png", null,
        io.stillmotion.model.RenderOptions.defaults(), 1, now, now, null, null, null);
    await(mongo.insert(Names.TASKS_COLLECTION, finished.toDocument()));
    byte[] video = new byte[700_000];
    new java.util.Random(7).nextBytes(video);
    await(media.putBytes(Names.VIDEOS_BUCKET, Names.videoFileName(id), video));

    HttpResponse<Buffer> whole = await(http.get("/api/v1/video/" + id).send());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.getHeader("Content-Type")).isEqualTo("video/mp4");
    assertThat(whole.getHeader("Accept-Ranges")).isEqualTo("bytes");
    assertThat(whole.getHeader("Content-Length")).isEqualTo(String.valueOf(video.length));
    assertThat(whole.body().getBytes()).isEqualTo(video);

    HttpResponse<Buffer> part = await(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=260000-530000").send());
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 260000-530000/" + video.length);
    assertThat(part.body().getBytes()).isEqualTo(Arrays.copyOfRange(video, 260000, 530001));

    HttpResponse<Buffer> tail = await(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=-100").send());
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body().getBytes()).isEqualTo(Arrays.copyOfRange(video, video.length - 100, video.length));

    HttpResponse<Buffer> past = await(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=800000-").send());
    assertJsonError(past, 416, "range_not_satisfiable");
    assertThat(past.getHeader("Content-Range")).isEqualTo("bytes */" + video.length);
    assertJsonError(await(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=0-1,5-9").send()), 416,
        "range_not_satisfiable");
    assertJsonError(await(http.get("/api/v1/video/" + id).putHeader("Range", "bytes=abc").send()), 416,
        "range_not_satisfiable");

    HttpResponse<Buffer> head = await(http.head("/api/v1/video/" + id).send());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("Content-Length")).isEqualTo(String.valueOf(video.length));
    assertThat(head.body()).isNull();

    String etag = whole.getHeader("ETag");
    HttpResponse<Buffer> cached = await(http.get("/api/v1/video/" + id).putHeader("If-None-Match", etag).send());
    assertThat(cached.statusCode()).isEqualTo(304);
  }

  @Test
  @DisplayName("HEAD answers wherever GET does but the event stream: the same status and type, no body")
  void headWhereGet() throws Exception {
    String id = upload(png(64, 64)).bodyAsJsonObject().getString("id");
    for (String path : List.of("/api/v1/ping", "/api/v1/task/" + id, "/api/v1/task/" + id + "/image",
        "/api/v1/openapi.json", "/health/live", "/metrics")) {
      HttpResponse<Buffer> get = await(http.get(path).send());
      HttpResponse<Buffer> head = await(http.head(path).send());
      assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("Content-Type")).as(path).isEqualTo(get.getHeader("Content-Type"));
      assertThat(head.body()).as(path).isNull();
    }
    HttpResponse<Buffer> image = await(http.head("/api/v1/task/" + id + "/image").send());
    assertThat(image.getHeader("Content-Length")).isEqualTo(String.valueOf(png(64, 64).length));
    HttpResponse<Buffer> unknown = await(http.head("/api/v1/task/3f1c2d6e-8a5b-4c7d-9e0f-123456789abc").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isNull();
    assertThat(await(http.head("/api/v1/video/" + id).send()).statusCode()).isEqualTo(404);
    assertThat(await(http.head("/api/v1/task/" + id + "/poster").send()).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("unknown paths and methods get JSON errors, every response carries security headers")
  void unknownRoutes() throws Exception {
    HttpResponse<Buffer> missing = await(http.get("/api/v1/nothing").send());
    assertJsonError(missing, 404, "not_found");
    assertThat(missing.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertJsonError(await(http.put("/api/v1/ping").send()), 405, "method_not_allowed");
  }
}
