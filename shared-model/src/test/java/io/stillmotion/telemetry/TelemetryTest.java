package io.stillmotion.telemetry;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTest {

  @Test
  @DisplayName("each metered Vert.x has its own Prometheus registry with JVM meters")
  void registryPerInstance() throws Exception {
    Vertx first = Telemetry.createVertx();
    Vertx second = Telemetry.createVertx();
    try {
      assertThat(Telemetry.registry(first)).isNotSameAs(Telemetry.registry(second));
      assertThat(Telemetry.registry(first).scrape()).contains("jvm_memory_used_bytes{");
    } finally {
      first.close().await(10, TimeUnit.SECONDS);
      second.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a plain Vert.x still gets a registry, shared by the JVM, so the application meters work")
  void fallback() throws Exception {
    Vertx plain = Vertx.vertx();
    try {
      assertThat(Telemetry.registry(plain)).isSameAs(Telemetry.registry(plain));
      new StillmotionMetrics(Telemetry.registry(plain)).taskRetried();
      assertThat(Telemetry.registry(plain).scrape()).contains("stillmotion_tasks_retried_total");
    } finally {
      plain.close().await(10, TimeUnit.SECONDS);
    }
  }
}
