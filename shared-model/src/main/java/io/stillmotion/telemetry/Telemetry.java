package io.stillmotion.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates Vert.x instances that measure themselves into a Prometheus registry (HTTP server rates and
 * latencies, pools, JVM), and hands each instance's registry to the code that adds the Stillmotion
 * meters and serves {@code /metrics}. One registry per Vert.x instance: in the one-JVM run the
 * gateway's {@code /metrics} shows the worker's meters too.
 */
public final class Telemetry {

  /** Buckets of the HTTP latency histogram: enough to read p50/p95/p99 without a series per millisecond. */
  private static final Duration[] HTTP_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES = Collections.synchronizedMap(new WeakHashMap<>());
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static PrometheusMeterRegistry fallback;

  private Telemetry() {
  }

  public static Vertx createVertx() {
    // No class-path file resolving (we serve nothing from the class path through the file system):
    // its cache directory is deleted by a JVM shutdown hook running alongside ours, after which every
    // file operation of a graceful shutdown (storing a finished render, an upload in flight) fails.
    return createVertx(new VertxOptions().setFileSystemOptions(
        new io.vertx.core.file.FileSystemOptions().setClassPathResolvingEnabled(false)));
  }

  public static Vertx createVertx(VertxOptions options) {
    PrometheusMeterRegistry registry = newRegistry();
    // vertx-micrometer keeps registries in a static map by name: a name per instance keeps two
    // instances in one JVM (tests) from sharing, and closing, each other's registry.
    MicrometerMetricsOptions metrics = metricsOptions("stillmotion-" + INSTANCES.incrementAndGet());
    Vertx vertx = Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    REGISTRIES.put(vertx, registry);
    return vertx;
  }

  /**
   * The registry of a Vert.x made by {@link #createVertx()}; for any other Vert.x (plain
   * {@code Vertx.vertx()} in tests) one registry shared by the JVM, so the application meters and
   * {@code /metrics} work everywhere.
   */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    PrometheusMeterRegistry registry = REGISTRIES.get(vertx);
    return registry != null ? registry : fallbackRegistry();
  }

  static MicrometerMetricsOptions metricsOptions(String registryName) {
    Set<Label> labels = EnumSet.copyOf(MicrometerMetricsOptions.DEFAULT_LABELS);
    // Route templates (/api/v1/task/:id), never raw paths: a label per task id would grow for ever.
    labels.remove(Label.HTTP_PATH);
    labels.add(Label.HTTP_ROUTE);
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        .setLabels(labels)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  private static synchronized PrometheusMeterRegistry fallbackRegistry() {
    if (fallback == null) {
      fallback = newRegistry();
    }
    return fallback;
  }

  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().equals("vertx.http.server.response.time")) {
          double[] slos = new double[HTTP_BUCKETS.length];
          for (int i = 0; i < slos.length; i++) {
            slos[i] = HTTP_BUCKETS[i].toNanos();
          }
          return DistributionStatisticConfig.builder().serviceLevelObjectives(slos).build().merge(config);
        }
        return config;
      }
    });
    return registry;
  }
}
