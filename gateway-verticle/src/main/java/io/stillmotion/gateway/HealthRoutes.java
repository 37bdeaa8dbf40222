package io.stillmotion.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stillmotion.telemetry.HealthProbes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.function.BooleanSupplier;

/**
 * Operations endpoints: {@code /health/live} (the process answers), {@code /health/ready} (MongoDB
 * answers a ping and the broker connection is up; 503 otherwise) and {@code /metrics} (Prometheus
 * text of everything this JVM measures).
 */
final class HealthRoutes {

  private HealthRoutes() {
  }

  static void mount(Router router, Vertx vertx, MongoClient mongo, BooleanSupplier brokerConnected,
      PrometheusMeterRegistry registry) {
    router.route("/health/live").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(HealthCheckHandler.create(vertx)
            .register("process", HealthProbes.alwaysUp()));
    router.route("/health/ready").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(HealthCheckHandler.create(vertx)
            .register("mongo", HealthProbes.TIMEOUT_MS, HealthProbes.mongoPing(mongo))
            .register("broker", HealthProbes.flag(brokerConnected, "not connected to the AMQP broker")));
    router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(PrometheusScrapingHandler.create(registry));
  }
}
