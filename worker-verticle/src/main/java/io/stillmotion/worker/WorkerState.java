package io.stillmotion.worker;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** What the worker's health server asks the worker about. */
public interface WorkerState {

  String workerId();

  /** A MongoDB round trip. */
  Future<Void> pingMongo();

  /** Connected to the broker with a live consumer on the task queue, and not shutting down. */
  boolean consuming();

  /** The tasks being rendered now: {@code [{"id","attempt","progress","since"}]}. */
  JsonArray currentTasks();
}
