package io.stillmotion.standalone;

import io.stillmotion.infra.DataDirUnusableException;
import io.stillmotion.model.ConfigException;
import io.stillmotion.model.StillmotionConfig;
import org.slf4j.LoggerFactory;

import java.net.BindException;

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
    StandaloneApp app;
    try {
      app = StandaloneApp.start(config);
    } catch (Exception e) {
      String reason = startFailure(e, config);
      if (reason == null) {
        throw e;
      }
      // One line a person can act on, and out at once: a warm-up thread would keep the JVM up for a while.
      System.err.println("Stillmotion did not start: " + reason);
      System.exit(1);
      return;
    }
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

  /**
   * What a person running {@code make run} a second time, or beside another program, needs to hear
   * instead of a stack trace; null for a failure nobody foresaw (that one keeps its stack trace).
   */
  static String startFailure(Throwable failure, StillmotionConfig config) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataDirUnusableException dataDir && dataDir.inUse()) {
        return "its data folder " + config.dataDir() + " is in use by another running Stillmotion "
            + "(the embedded database's file is locked). Stop that one (Ctrl-C where it runs), or give this one "
            + "another folder with DATA_DIR.";
      }
      if (t instanceof DataDirUnusableException dataDir) {
        return "cannot use its data folder " + config.dataDir() + " (" + dataDir.reason() + "). Give it a folder "
            + "this user can write with DATA_DIR.";
      }
      if (t instanceof BindException) {
        return "cannot listen on " + config.httpHost() + ":" + config.httpPort() + ": the address is in use, "
            + "perhaps by another running Stillmotion. Stop that one, or choose another port with HTTP_PORT.";
      }
    }
    return null;
  }

  /** Where a browser on this machine finds a server listening on {@code host}. */
  static String browserHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "localhost";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
