package io.stillmotion.standalone;

import io.stillmotion.model.ConfigException;
import io.stillmotion.model.StillmotionConfig;
import org.slf4j.LoggerFactory;

/** {@code make run}: the whole system in one JVM, data kept under {@code DATA_DIR}. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    // Vert.x deletes its class-path file cache in a JVM shutdown hook running alongside ours; file
    // operations of the graceful shutdown (storing a finished render, draining uploads) would fail.
    System.setProperty("vertx.disableFileCPResolving", "true");
    StillmotionConfig config;
    try {
      config = StillmotionConfig.fromEnv();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneApp app = StandaloneApp.start(config);
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> close(app), "stillmotion-shutdown"));
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C or SIGTERM came while it started: stop what started, without a stack trace.
      close(app);
      return;
    }
    String url = "http://" + browserHost(config.httpHost()) + ":" + app.httpPort() + "/";
    if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))) {
      // Plain lines would break a JSON-lines log stream.
      LoggerFactory.getLogger(Main.class).info("Stillmotion is running: {}", url);
    } else {
      System.out.println();
      System.out.println("  Stillmotion is running: " + url);
      System.out.println("  API: " + url + "api/v1/ping   (Ctrl-C to stop)");
      System.out.println(config.reachableFromOtherMachines()
          ? "  Listening on " + config.httpHost() + ": reachable from other machines"
              + (config.protection().apiToken() == null ? ", with no API_TOKEN!" : ", API_TOKEN required.")
          : "  Only this machine can reach it (HTTP_HOST=" + config.httpHost() + ").");
      System.out.println();
    }
  }

  private static void close(StandaloneApp app) {
    try {
      app.close();
    } catch (Exception e) {
      System.err.println("shutdown: " + e.getMessage());
    }
  }

  /** Where a browser on this machine finds a server listening on {@code host}. */
  static String browserHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "localhost";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
