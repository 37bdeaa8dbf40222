package io.stillmotion.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's own meters. Names are Micrometer's dotted form; Prometheus shows them as
 * {@code stillmotion_tasks_accepted_total}, {@code stillmotion_render_seconds_*} and so on.
 */
public final class StillmotionMetrics {

  /**
   * Tasks accepted by a gateway: {@code stillmotion_tasks_accepted_total}. Not "created": the
   * Prometheus client reserves the {@code _created} suffix (OpenMetrics creation timestamps) and
   * would silently expose {@code stillmotion_tasks_total} instead.
   */
  public static final String TASKS_ACCEPTED = "stillmotion.tasks.accepted";
  /** Tasks a worker finished: {@code stillmotion_tasks_finished_total}. */
  public static final String TASKS_FINISHED = "stillmotion.tasks.finished";
  /** Tasks that failed for good: {@code stillmotion_tasks_failed_total}. */
  public static final String TASKS_FAILED = "stillmotion.tasks.failed";
  /** Attempts that failed and were queued again: {@code stillmotion_tasks_retried_total}. */
  public static final String TASKS_RETRIED = "stillmotion.tasks.retried";
  /** Messages waiting in the task queue: {@code stillmotion_queue_depth}. */
  public static final String QUEUE_DEPTH = "stillmotion.queue.depth";
  /** Time to render and encode one video: {@code stillmotion_render_seconds}. */
  public static final String RENDER_TIME = "stillmotion.render";
  /** Frames rendered and encoded per second, one sample per video: {@code stillmotion_render_fps}. */
  public static final String RENDER_FPS = "stillmotion.render.fps";
  /** Size of accepted image files: {@code stillmotion_upload_bytes}. */
  public static final String UPLOAD_SIZE = "stillmotion.upload";
  /** Tasks a worker process is rendering now: {@code stillmotion_worker_active_tasks}. */
  public static final String ACTIVE_TASKS = "stillmotion.worker.active.tasks";

  /** Webhook deliveries answered 2xx: {@code stillmotion_webhooks_delivered_total}. */
  public static final String WEBHOOKS_DELIVERED = "stillmotion.webhooks.delivered";
  /** Webhook attempts that failed and will be tried again: {@code stillmotion_webhooks_retried_total}. */
  public static final String WEBHOOKS_RETRIED = "stillmotion.webhooks.retried";
  /** Webhook deliveries given up for good: {@code stillmotion_webhooks_abandoned_total}. */
  public static final String WEBHOOKS_ABANDONED = "stillmotion.webhooks.abandoned";

  private static final Map<MeterRegistry, AtomicLong> QUEUE_DEPTHS = Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter finished;
  private final Counter failed;
  private final Counter retried;
  private final DistributionSummary uploads;
  private final Counter webhooksDelivered;
  private final Counter webhooksRetried;
  private final Counter webhooksAbandoned;

  public StillmotionMetrics(MeterRegistry registry) {
    this.registry = registry;
    accepted = Counter.builder(TASKS_ACCEPTED).description("Tasks accepted by the gateway").register(registry);
    finished = Counter.builder(TASKS_FINISHED).description("Tasks rendered and stored").register(registry);
    failed = Counter.builder(TASKS_FAILED).description("Tasks that failed for good").register(registry);
    retried = Counter.builder(TASKS_RETRIED).description("Failed attempts queued again").register(registry);
    uploads = DistributionSummary.builder(UPLOAD_SIZE).baseUnit("bytes").description("Accepted image files")
        .serviceLevelObjectives(64e3, 256e3, 1e6, 4e6, 16e6, 64e6).register(registry);
    webhooksDelivered = Counter.builder(WEBHOOKS_DELIVERED).description("Webhook deliveries answered 2xx")
        .register(registry);
    webhooksRetried = Counter.builder(WEBHOOKS_RETRIED).description("Webhook attempts that failed and will be retried")
        .register(registry);
    webhooksAbandoned = Counter.builder(WEBHOOKS_ABANDONED).description("Webhook deliveries given up for good")
        .register(registry);
  }

  /** The meters of the registry {@link Telemetry} keeps for this Vert.x. */
  public static StillmotionMetrics of(Vertx vertx) {
    return new StillmotionMetrics(Telemetry.registry(vertx));
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void taskAccepted(long uploadBytes) {
    accepted.increment();
    uploads.record(uploadBytes);
  }

  /** @param size the video's frame size ({@code 1280x720}): speed depends on it, so it is a tag */
  public void taskFinished(String size, int frames, long renderMillis) {
    finished.increment();
    Timer.builder(RENDER_TIME).description("Time to render and encode one video").tag("size", size)
        .serviceLevelObjectives(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(300))
        .register(registry).record(renderMillis, TimeUnit.MILLISECONDS);
    if (renderMillis > 0) {
      DistributionSummary.builder(RENDER_FPS).description("Frames rendered and encoded per second").tag("size", size)
          .serviceLevelObjectives(5, 10, 15, 20, 30, 45, 60, 90, 120)
          .register(registry).record(frames * 1000.0 / renderMillis);
    }
  }

  public void taskFailed() {
    failed.increment();
  }

  public void taskRetried() {
    retried.increment();
  }

  public void webhookDelivered() {
    webhooksDelivered.increment();
  }

  public void webhookRetried() {
    webhooksRetried.increment();
  }

  public void webhookAbandoned() {
    webhooksAbandoned.increment();
  }

  /** Latest count of the task queue; the gauge appears with the first value. */
  public void queueDepth(long messages) {
    QUEUE_DEPTHS.computeIfAbsent(registry, r -> {
      AtomicLong depth = new AtomicLong();
      Gauge.builder(QUEUE_DEPTH, depth, AtomicLong::get).description("Messages waiting in the task queue")
          .register(r);
      return depth;
    }).set(messages);
  }

  /** Tasks being rendered now, read at each scrape. */
  public void activeTasks(java.util.function.Supplier<Number> count) {
    Gauge.builder(ACTIVE_TASKS, count).description("Tasks this worker is rendering").strongReference(true)
        .register(registry);
  }
}
