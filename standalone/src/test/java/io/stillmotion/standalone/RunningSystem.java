package io.stillmotion.standalone;

import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.testing.TempDirs;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.stillmotion.testing.Futures.get;

/**
 * The one-JVM system on the embedded default for an end-to-end test class: a free port, a throw-away
 * data directory (removed on close), no web UI, and a client pointed at it.
 */
final class RunningSystem implements AutoCloseable {

  final StandaloneApp app;
  final Vertx vertx;
  final WebClient http;
  final Path dataDir;

  private RunningSystem(StandaloneApp app, Vertx vertx, WebClient http, Path dataDir) {
    this.app = app;
    this.vertx = vertx;
    this.http = http;
    this.dataDir = dataDir;
  }

  static RunningSystem start(String name) throws Exception {
    Path dataDir = Files.createTempDirectory(name);
    StandaloneApp app = StandaloneApp.start(StillmotionConfig.fromEnv(Map.of(
        "HTTP_PORT", "0",
        "DATA_DIR", dataDir.toString(),
        "WEB_ROOT", dataDir.resolve("no-ui").toString())));
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.httpPort()));
    return new RunningSystem(app, vertx, http, dataDir);
  }

  @Override
  public void close() throws Exception {
    try {
      get(vertx.close());
    } finally {
      app.close();
      TempDirs.deleteTree(dataDir);
    }
  }
}
