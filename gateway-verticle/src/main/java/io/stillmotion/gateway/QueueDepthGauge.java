package io.stillmotion.gateway;

import io.stillmotion.telemetry.StillmotionMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** Reads the task queue's message count every few seconds into {@code stillmotion_queue_depth}. */
final class QueueDepthGauge {

  static final long INTERVAL_MS = 10_000;

  private QueueDepthGauge() {
  }

  /** @return the periodic timer's id (cancelled with the verticle) */
  static long start(Vertx vertx, Supplier<Future<Long>> messageCount, StillmotionMetrics metrics) {
    return vertx.setPeriodic(1_000, INTERVAL_MS, id -> messageCount.get().onSuccess(metrics::queueDepth));
  }
}
