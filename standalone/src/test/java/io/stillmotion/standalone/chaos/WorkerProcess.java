package io.stillmotion.standalone.chaos;

import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * A worker in its own JVM, configured from the environment, for the fault tests: they kill it with
 * SIGKILL or stop it with SIGTERM. Prints READY once it consumes.
 */
public final class WorkerProcess {

  private WorkerProcess() {
  }

  public static void main(String[] args) throws Exception {
    // Vert.x deletes its class-path file cache in a JVM shutdown hook that runs alongside ours, and
    // every file operation then fails: a render finishing in the grace period could not be stored.
    System.setProperty("vertx.disableFileCPResolving", "true");
    StillmotionConfig config = StillmotionConfig.fromEnv();
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(120, TimeUnit.SECONDS);
        System.out.println("STOPPED");
      } catch (Exception e) {
        System.out.println("STOP FAILED " + e);
      }
    }));
    vertx.deployVerticle(new WorkerVerticle(config)).await(60, TimeUnit.SECONDS);
    System.out.println("READY");
  }
}
