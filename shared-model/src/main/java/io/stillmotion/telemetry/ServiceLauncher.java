package io.stillmotion.telemetry;

import io.stillmotion.model.ConfigException;
import io.stillmotion.model.StillmotionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts one service as its own process: reads and checks the configuration before anything else
 * (an invalid value stops it with exit code {@value #EXIT_CONFIG} and a message naming the
 * variable), creates a Vert.x with metrics, deploys, and closes Vert.x on SIGTERM so verticles
 * stop cleanly (a worker hands its unfinished task back).
 */
public final class ServiceLauncher {

  public static final int EXIT_CONFIG = 2;
  public static final int EXIT_START_FAILED = 1;
  private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

  /** What a service deploys into its Vert.x. */
  @FunctionalInterface
  public interface Deployment {
    Future<?> deploy(Vertx vertx, StillmotionConfig config);
  }

  private ServiceLauncher() {
  }

  /** For {@code main}: exits the process with a non-zero code when the service cannot start. */
  public static void run(String service, Deployment deployment) {
    int code = launch(service, System.getenv(), System.err, deployment);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** @return 0 once the service runs (Vert.x threads keep the JVM alive), else the exit code */
  public static int launch(String service, Map<String, String> env, PrintStream err, Deployment deployment) {
    StillmotionConfig config;
    try {
      config = StillmotionConfig.fromEnv(env);
      config.requireMongoUri();
      config.requireAmqpUri();
    } catch (ConfigException e) {
      err.println("stillmotion " + service + " not started. " + e.getMessage());
      return EXIT_CONFIG;
    }
    Vertx vertx = Telemetry.createVertx();
    try {
      deployment.deploy(vertx, config).await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("{} failed to start", service, e);
      err.println("stillmotion " + service + " failed to start: " + e.getMessage());
      closeQuietly(vertx);
      return EXIT_START_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{} stopping", service);
      closeQuietly(vertx);
    }, "stillmotion-shutdown"));
    return 0;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }
}
