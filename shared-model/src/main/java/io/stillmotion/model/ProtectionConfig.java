package io.stillmotion.model;

import java.util.Arrays;
import java.util.List;

/**
 * Limits that protect the service from overload and abuse.
 *
 * @param rateLimitPerMinute task creations allowed per client and minute (0 = unlimited)
 * @param maxQueuedTasks     PENDING tasks above which new uploads get 503 (backpressure)
 * @param apiToken           when set, every API request needs {@code Authorization: Bearer <token>}
 * @param corsOrigins        origins allowed to call the API from a browser (empty = same origin only)
 * @param trustProxy         the gateway sits behind a reverse proxy: rate-limit by the last
 *                           {@code X-Forwarded-For} entry (the address the proxy saw), not the TCP peer
 */
public record ProtectionConfig(int rateLimitPerMinute, int maxQueuedTasks, String apiToken, List<String> corsOrigins,
    boolean trustProxy) {

  static ProtectionConfig from(EnvReader r) {
    String origins = r.string("CORS_ORIGINS", "");
    return new ProtectionConfig(
        r.integer("RATE_LIMIT_PER_MINUTE", 120, 0, 1_000_000),
        r.integer("MAX_QUEUED_TASKS", 1000, 1, 10_000_000),
        r.optional("API_TOKEN"),
        Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        r.bool("TRUST_PROXY", false));
  }
}
