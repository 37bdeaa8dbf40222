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
 * @param maxUploads         uploads one gateway receives at once; beyond → 503
 * @param maxDownloads       videos, posters, thumbnails and originals one gateway sends at once; beyond → 503
 * @param maxEventStreams    open event streams (SSE) per gateway; beyond → 503
 * @param imageCheckThreads  threads that check uploaded images (decode them), per gateway
 * @param imageCheckQueue    uploads that may wait for such a thread; beyond → 503
 * @param idleTimeoutSeconds an HTTP connection that neither sends nor receives for this long is closed
 * @param uploadMinBytesPerSecond an upload slower than this on average (after its first 10 s) is cut off
 * @param minFreeDiskBytes   disk space kept free under the data folder: below it uploads get 503 and
 *                           workers leave tasks queued ({@code io.stillmotion.store.DiskReserve}; 0 = off)
 */
public record ProtectionConfig(int rateLimitPerMinute, int maxQueuedTasks, String apiToken, List<String> corsOrigins,
    boolean trustProxy, int maxUploads, int maxDownloads, int maxEventStreams, int imageCheckThreads,
    int imageCheckQueue, int idleTimeoutSeconds, int uploadMinBytesPerSecond, long minFreeDiskBytes) {

  static ProtectionConfig from(EnvReader r) {
    String origins = r.string("CORS_ORIGINS", "");
    return new ProtectionConfig(
        r.integer("RATE_LIMIT_PER_MINUTE", 120, 0, 1_000_000),
        r.integer("MAX_QUEUED_TASKS", 1000, 1, 10_000_000),
        r.optional("API_TOKEN"),
        Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        r.bool("TRUST_PROXY", false),
        r.integer("MAX_CONCURRENT_UPLOADS", 32, 1, 100_000),
        r.integer("MAX_CONCURRENT_DOWNLOADS", 128, 1, 100_000),
        r.integer("MAX_EVENT_STREAMS", 1000, 1, 1_000_000),
        r.integer("IMAGE_CHECK_THREADS", 2, 1, 64),
        r.integer("IMAGE_CHECK_QUEUE", 16, 0, 10_000),
        r.integer("HTTP_IDLE_TIMEOUT_S", 60, 1, 3600),
        r.integer("UPLOAD_MIN_BYTES_PER_SECOND", 1024, 0, 100_000_000),
        r.longValue("MIN_FREE_DISK_MB", 128, 0, 1L << 30) * 1024 * 1024);
  }
}
