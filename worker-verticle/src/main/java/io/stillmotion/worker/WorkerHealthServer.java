package io.stillmotion.worker;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stillmotion.telemetry.HealthProbes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's small internal HTTP server (HEALTH_PORT): {@code /health/live},
 * {@code /health/ready} (MongoDB ping, broker consumer up) with the tasks being rendered in both,
 * and {@code /metrics}. Only the worker jar starts it; the one-JVM run has the gateway's.
 */
public final class WorkerHealthServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(WorkerHealthServer.class);

  private final String host;
  private final int port;
  private final WorkerState worker;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public WorkerHealthServer(String host, int port, WorkerState worker, PrometheusMeterRegistry registry) {
    this.host = host;
    this.port = port;
    this.worker = worker;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(router()).listen(port, host)
        .onSuccess(s -> {
          server = s;
          log.info("worker health and metrics on {} port {}", host, s.actualPort());
        });
  }

  /** The port actually bound (HEALTH_PORT=0 picks a free one). */
  public int actualPort() {
    return server.actualPort();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route("/health/live").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(HealthCheckHandler.create(vertx)
            .register("process", HealthProbes.alwaysUp())
            .register("tasks", this::tasks));
    router.route("/health/ready").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(HealthCheckHandler.create(vertx)
            .register("mongo", HealthProbes.TIMEOUT_MS, HealthProbes.roundTrip(worker::pingMongo))
            .register("broker", HealthProbes.flag(worker::consuming, "not consuming the task queue"))
            .register("tasks", this::tasks));
    router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(PrometheusScrapingHandler.create(registry));
    return router;
  }

  private void tasks(Promise<Status> promise) {
    promise.complete(Status.OK(new JsonObject()
        .put("workerId", worker.workerId())
        .put("tasks", worker.currentTasks())));
  }
}
