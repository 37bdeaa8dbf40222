package io.stillmotion.worker;

import io.stillmotion.telemetry.ServiceLauncher;
import io.stillmotion.telemetry.Telemetry;

/**
 * The worker jar's entry point: config check, Vert.x with metrics, one {@link WorkerVerticle} and its
 * {@link WorkerHealthServer} on HEALTH_PORT.
 */
public final class WorkerMain {

  private WorkerMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("worker", (vertx, config) -> {
      WorkerVerticle worker = new WorkerVerticle(config);
      return vertx.deployVerticle(worker)
          .compose(id -> vertx.deployVerticle(
              new WorkerHealthServer(config.httpHost(), config.healthPort(), worker, Telemetry.registry(vertx))));
    });
  }
}
