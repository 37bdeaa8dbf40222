package io.stillmotion.gateway;

import io.stillmotion.model.DecodeConfig;
import io.stillmotion.render.SamplePhoto;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run behind the gateway image's ahead-of-time cache: the image build runs it once with
 * {@code java -XX:AOTCacheOutput=...} (JDK 25), so that the cache holds, loaded and linked and with
 * their method profiles, the classes of an upload's way through the gateway that need neither the
 * database nor the broker: Vert.x's HTTP server and client, a multipart upload through
 * {@link BodyHandler} to a file, the image check on the probe pool and a JSON answer. The first
 * upload after a container starts then costs about what the next ones do. Exits with 1 when the
 * upload did not come back accepted, which fails the image build.
 */
public final class AotTraining {

  private static final String BOUNDARY = "stillmotion-training";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private AotTraining() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("stillmotion-training");
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      status = upload(vertx, dir);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (status != 200) {
      System.err.println("training upload answered " + status);
      System.exit(1);
    }
  }

  /** The training upload through a local server; its HTTP status (200: the image was checked and accepted). */
  static int upload(Vertx vertx, Path dir) throws Exception {
    ImageProbe probe = new ImageProbe(vertx, 50_000_000L, new DecodeConfig(0, 10_000, 60_000), 1, 4);
    Router router = Router.router(vertx);
    router.post("/upload").handler(BodyHandler.create(dir.toString())).handler(ctx -> {
      FileUpload file = ctx.fileUploads().get(0);
      probe.probe(Path.of(file.uploadedFileName()))
          .onSuccess(info -> ctx.json(new JsonObject().put("format", info.format()).put("width", info.width())))
          .onFailure(ctx::fail);
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    Buffer upload = multipart(SamplePhoto.jpeg(1600, 1000));
    return vertx.createHttpClient()
        .request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/upload")
        .compose(request -> request.putHeader("content-type", CONTENT_TYPE)
            .send(upload))
        .compose(response -> response.body().map(body -> response.statusCode()))
        .await(60, TimeUnit.SECONDS);
  }

  static Buffer multipart(byte[] jpeg) {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
        + "Content-Type: image/jpeg\r\n\r\n";
    return Buffer.buffer(head.getBytes(StandardCharsets.US_ASCII)).appendBytes(jpeg)
        .appendString("\r\n--" + BOUNDARY + "--\r\n");
  }
}
