package io.stillmotion.gateway;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token bucket: {@code RATE_LIMIT_PER_MINUTE} requests a minute, bursts up to the same
 * number, refilled continuously. Over the limit → 429 with {@code Retry-After} (whole seconds until
 * the next request would pass). Buckets live in this gateway's memory: with N gateways behind a
 * load balancer a client gets up to N times the limit, which is fine for a guard against floods.
 */
final class RateLimiter implements PlatformHandler {

  private static final long IDLE_EVICT_MS = 10 * 60_000;

  private final int perMinute;
  private final ClientAddress clients;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updatedAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updatedAt = now;
    }
  }

  RateLimiter(int perMinute, ClientAddress clients) {
    this.perMinute = perMinute;
    this.clients = clients;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (perMinute <= 0) {
      ctx.next();
      return;
    }
    long waitMs = take(clients.of(ctx.request()), System.currentTimeMillis());
    if (waitMs == 0) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, (waitMs + 999) / 1000)));
    ctx.fail(new ApiException(429, "rate_limited",
        "Too many tasks from your address: at most " + perMinute + " a minute. Please wait and retry."));
  }

  /** Takes a token for this client; 0 when there was one, else milliseconds until there will be. */
  long take(String client, long now) {
    double perMs = perMinute / 60_000.0;
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(perMinute, now));
    synchronized (bucket) {
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updatedAt) * perMs);
      bucket.updatedAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - bucket.tokens) / perMs);
    }
  }

  /** Forgets clients that have been quiet long enough to have a full bucket again. */
  void evictIdle(long now) {
    buckets.values().removeIf(b -> now - b.updatedAt > IDLE_EVICT_MS);
  }

  int trackedClients() {
    return buckets.size();
  }
}
