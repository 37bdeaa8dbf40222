package io.stillmotion.gateway;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.HttpRequest;
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
import java.util.HashMap;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** One gateway on the embedded MongoDB (or a given one) and the test broker, with its own database. */
final class GatewayFixture implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final Path dataDir;
  final StillmotionConfig config;
  final GatewayVerticle gateway;
  final WebClient http;
  final MongoClient mongo;

  GatewayFixture(String db, Map<String, String> extraEnv) throws Exception {
    dataDir = Files.createTempDirectory(db);
    Map<String, String> env = testEnv(db, dataDir);
    env.putAll(extraEnv);
    config = StillmotionConfig.fromEnv(env);
    gateway = new GatewayVerticle(config);
    get(vertx.deployVerticle(gateway));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(gateway.actualPort()));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
  }

  /**
   * The environment of a gateway under test: its own database on the embedded MongoDB, the test
   * broker, a free port, small limits, no rate limit and no web UI.
   */
  static Map<String, String> testEnv(String db, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("MONGO_URI", TestInfra.mongo().connectionString());
    env.put("MONGO_DB", db);
    env.put("AMQP_URI", TestInfra.amqpUri());
    env.put("DATA_DIR", dataDir.toString());
    env.put("UPLOAD_MAX_BYTES", String.valueOf(2 * 1024 * 1024));
    env.put("MAX_PIXELS", "4000000");
    env.put("RATE_LIMIT_PER_MINUTE", "0");
    env.put("WEB_ROOT", dataDir.resolve("no-ui").toString());
    return env;
  }

  static byte[] png(int width, int height) throws Exception {
    return image(width, height, "png");
  }

  static byte[] image(int width, int height, String format) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.drawOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  HttpResponse<Buffer> upload(byte[] bytes) throws Exception {
    return upload(http.post("/api/v1/task"), "file", "photo.png", "image/png", bytes, Map.of());
  }

  HttpResponse<Buffer> upload(HttpRequest<Buffer> request, String field, String fileName, String contentType,
      byte[] bytes, Map<String, String> fields) throws Exception {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    if (field != null) {
      form.binaryFileUpload(field, fileName, Buffer.buffer(bytes), contentType);
    }
    return get(request.sendMultipartForm(form));
  }

  long tasks() throws Exception {
    return get(mongo.count(Names.TASKS_COLLECTION, new JsonObject()));
  }

  long storedUploads() throws Exception {
    return get(mongo.count(Names.UPLOADS_BUCKET + ".files", new JsonObject()));
  }

  /** How many tasks and stored uploads there are: what a refused request must leave as it was. */
  record Stored(long tasks, long uploads) {

    /** The same after {@code accepted} more uploads, each one task with one stored file. */
    Stored plus(long accepted) {
      return new Stored(tasks + accepted, uploads + accepted);
    }
  }

  Stored stored() throws Exception {
    return new Stored(tasks(), storedUploads());
  }

  static void assertJsonError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Override
  public void close() throws Exception {
    get(vertx.close());
  }
}
