package io.stillmotion.telemetry;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StillmotionMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final StillmotionMetrics metrics = new StillmotionMetrics(registry);

  @Test
  @DisplayName("the task counters appear in Prometheus text under their documented names")
  void counterNames() {
    metrics.taskAccepted(2_000_000);
    metrics.taskRetried();
    metrics.taskFailed();
    metrics.taskFinished("1280x720", 150, 5_000);

    String text = registry.scrape();

    assertThat(text)
        .contains("stillmotion_tasks_accepted_total 1.0")
        .contains("stillmotion_tasks_finished_total 1.0")
        .contains("stillmotion_tasks_failed_total 1.0")
        .contains("stillmotion_tasks_retried_total 1.0")
        .contains("stillmotion_upload_bytes_sum 2000000.0")
        .contains("stillmotion_render_seconds_sum{size=\"1280x720\"} 5.0")
        .contains("stillmotion_render_fps_sum{size=\"1280x720\"} 30.0");
  }

  @Test
  @DisplayName("the webhook counters appear in Prometheus text under their documented names")
  void webhookCounterNames() {
    metrics.webhookDelivered();
    metrics.webhookRetried();
    metrics.webhookRetried();
    metrics.webhookAbandoned();

    assertThat(registry.scrape())
        .contains("stillmotion_webhooks_delivered_total 1.0")
        .contains("stillmotion_webhooks_retried_total 2.0")
        .contains("stillmotion_webhooks_abandoned_total 1.0");
  }

  @Test
  @DisplayName("the queue depth gauge shows the latest value once one was set")
  void queueDepth() {
    assertThat(registry.scrape()).doesNotContain("stillmotion_queue_depth");

    metrics.queueDepth(7);
    metrics.queueDepth(3);

    assertThat(registry.scrape()).contains("stillmotion_queue_depth 3.0");
  }
}
