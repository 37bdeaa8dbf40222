package io.stillmotion.gateway;

import io.stillmotion.model.ProtectionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.stillmotion.store.TaskStore;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;

import java.util.Set;

/**
 * The gateway's guards, from {@link ProtectionConfig}: CORS allow-list and optional bearer token on
 * the whole API; on task creation a cap on concurrent uploads, a refusal of other sites' pages, a
 * per-client rate limit, a queue-length check (all before a single byte of the upload is read)
 * and a minimum upload pace; caps on concurrent downloads and event streams. Idle connections are
 * closed by the HTTP server ({@link #idleTimeoutSeconds}).
 */
final class GatewayProtection {

  private static final long EVICT_INTERVAL_MS = 60_000;

  private final Vertx vertx;
  private final ProtectionConfig config;
  private final RateLimiter rateLimiter;
  private final Backpressure backpressure;
  private final CrossSiteGuard crossSite;
  private final ConcurrencyCap uploads;
  private final ConcurrencyCap downloads;
  private final ConcurrencyCap eventStreams;
  private final UploadPace uploadPace;

  GatewayProtection(Vertx vertx, ProtectionConfig config, MongoClient mongo) {
    this.vertx = vertx;
    this.config = config;
    this.rateLimiter = new RateLimiter(config.rateLimitPerMinute(), new ClientAddress(config.trustProxy()));
    this.backpressure = new Backpressure(new TaskStore(mongo), config.maxQueuedTasks());
    this.crossSite = new CrossSiteGuard(config.corsOrigins());
    this.uploads = new ConcurrencyCap(config.maxUploads(), "too_many_uploads",
        "This server is receiving as many uploads as it can right now; please retry in a few seconds.");
    this.downloads = new ConcurrencyCap(config.maxDownloads(), "too_many_downloads",
        "This server is sending as many files as it can right now; please retry in a few seconds.");
    this.eventStreams = new ConcurrencyCap(config.maxEventStreams(), "too_many_streams",
        "This server has as many live event streams open as it can; poll GET /api/v1/task/{id} or retry shortly.");
    this.uploadPace = new UploadPace(vertx, config.uploadMinBytesPerSecond());
  }

  /** Mount before any API route. */
  void mountGuards(Router router) {
    if (!config.corsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create()
          .addOrigins(config.corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "Range", "Last-Event-ID", "If-None-Match"))
          .exposedHeaders(Set.of("Retry-After", "Content-Range", "Accept-Ranges", "Content-Length", "ETag"))
          .maxAgeSeconds(600));
    }
    if (config.apiToken() != null) {
      router.route("/api/v1/*").handler(new ApiTokenHandler(config.apiToken()));
    }
    vertx.setPeriodic(EVICT_INTERVAL_MS, id -> rateLimiter.evictIdle(System.currentTimeMillis()));
  }

  CrossSiteGuard crossSite() {
    return crossSite;
  }

  ConcurrencyCap uploads() {
    return uploads;
  }

  UploadPace uploadPace() {
    return uploadPace;
  }

  ConcurrencyCap downloads() {
    return downloads;
  }

  ConcurrencyCap eventStreams() {
    return eventStreams;
  }

  int idleTimeoutSeconds() {
    return config.idleTimeoutSeconds();
  }

  RateLimiter rateLimit() {
    return rateLimiter;
  }

  Backpressure backpressure() {
    return backpressure;
  }
}
