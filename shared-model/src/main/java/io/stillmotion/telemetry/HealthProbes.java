package io.stillmotion.telemetry;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Health procedures both services register: round trips (MongoDB ping) and plain flags. */
public final class HealthProbes {

  /** How long the health handler waits for a procedure; past it the answer is 500, not 503. */
  public static final long TIMEOUT_MS = 3_000;
  /** A round trip's own deadline, shorter, so that "too slow" reads as DOWN (503). */
  static final long CALL_TIMEOUT_MS = 2_000;

  private HealthProbes() {
  }

  public static Handler<Promise<Status>> mongoPing(MongoClient mongo) {
    return roundTrip(() -> mongo.runCommand("ping", new JsonObject().put("ping", 1)));
  }

  /** UP when the call succeeds within {@value #CALL_TIMEOUT_MS} ms, DOWN with the reason otherwise. */
  public static Handler<Promise<Status>> roundTrip(Supplier<Future<?>> call) {
    return promise -> {
      Future<?> result;
      try {
        result = call.get().timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onSuccess(ok -> promise.tryComplete(Status.OK()))
          .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("reason", String.valueOf(e.getMessage())))));
    };
  }

  public static Handler<Promise<Status>> flag(BooleanSupplier up, String whenDown) {
    return promise -> promise.complete(up.getAsBoolean()
        ? Status.OK() : Status.KO(new JsonObject().put("reason", whenDown)));
  }

  public static Handler<Promise<Status>> alwaysUp() {
    return promise -> promise.complete(Status.OK());
  }
}
