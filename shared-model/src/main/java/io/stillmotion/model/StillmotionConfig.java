package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Configuration of the gateway and the worker, from environment variables (12-factor). Every
 * variable is documented in the README's config table; invalid values stop startup with a message
 * naming them.
 *
 * @param httpHost the address the HTTP servers listen on: loopback unless widened (HTTP_HOST)
 * @param mongoUri null means: start the embedded MongoDB-compatible server (standalone only)
 * @param amqpUri  null means: start the embedded AMQP broker (standalone only)
 * @param videoEncoder {@code motion} (ours, the default) or {@code jcodec} (jcodec's stock encoder)
 * @param storyMaxBytes the largest request of a story (all its images and its soundtrack together)
 */
public record StillmotionConfig(
    int httpPort,
    String httpHost,
    String mongoUri,
    String mongoDb,
    String amqpUri,
    String dataDir,
    long uploadMaxBytes,
    long maxPixels,
    long storyMaxBytes,
    int workerConcurrency,
    int renderThreads,
    String workerId,
    String webRoot,
    int healthPort,
    ProtectionConfig protection,
    WebhookConfig webhooks,
    ReliabilityConfig reliability,
    String videoEncoder,
    DecodeConfig decode) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  /** Only this machine can reach a service that was not told otherwise. */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
  public static final long DEFAULT_UPLOAD_MAX_BYTES = 20L * 1024 * 1024;
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
  public static final long DEFAULT_STORY_MAX_BYTES = 100L * 1024 * 1024;

  public static StillmotionConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static StillmotionConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    int cores = Runtime.getRuntime().availableProcessors();
    StillmotionConfig config = new StillmotionConfig(
        r.integer("HTTP_PORT", DEFAULT_HTTP_PORT, 0, 65535),
        r.string("HTTP_HOST", DEFAULT_HTTP_HOST),
        r.uri("MONGO_URI", "mongodb", "mongodb+srv"),
        r.string("MONGO_DB", "stillmotion"),
        r.uri("AMQP_URI", "amqp", "amqps"),
        r.string("DATA_DIR", "./data"),
        r.longValue("UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES, 1024, 1L << 31),
        r.longValue("MAX_PIXELS", DEFAULT_MAX_PIXELS, 10_000, 1_000_000_000L),
        r.longValue("STORY_MAX_BYTES", DEFAULT_STORY_MAX_BYTES, 1024, 1L << 33),
        r.integer("WORKER_CONCURRENCY", 1, 1, 64),
        r.integer("RENDER_THREADS", cores, 1, 256),
        r.string("WORKER_ID", defaultWorkerId()),
        r.string("WEB_ROOT", "frontend/dist"),
        r.integer("HEALTH_PORT", 8081, 0, 65535),
        ProtectionConfig.from(r),
        WebhookConfig.from(r),
        ReliabilityConfig.from(r),
        r.oneOf("VIDEO_ENCODER", "motion", "motion", "jcodec"),
        DecodeConfig.from(r));
    if (!config.httpHost().matches("[A-Za-z0-9.:-]{1,253}")) {
      r.problem("HTTP_HOST=" + config.httpHost() + " is not an address to listen on (e.g. 127.0.0.1 or 0.0.0.0)");
    }
    if (config.protection().idleTimeoutSeconds() * 1000L <= 2 * config.decode().checkTimeLimitMs()) {
      // An upload's connection is quiet while its image waits for and goes through the check.
      r.problem("HTTP_IDLE_TIMEOUT_S must be more than twice IMAGE_CHECK_TIME_LIMIT_MS");
    }
    if (!config.mongoDb().matches("[A-Za-z0-9_-]{1,63}")) {
      r.problem("MONGO_DB must be 1-63 letters, digits, '_' or '-'");
    }
    r.check();
    return config;
  }

  /** Same config with the connection URIs replaced (standalone points services at embedded servers). */
  public StillmotionConfig withConnections(String mongo, String amqp) {
    return new StillmotionConfig(httpPort, httpHost, mongo, mongoDb, amqp, dataDir, uploadMaxBytes, maxPixels,
        storyMaxBytes, workerConcurrency, renderThreads, workerId, webRoot, healthPort, protection, webhooks, reliability,
        videoEncoder, decode);
  }

  public StillmotionConfig withHttpPort(int port) {
    return new StillmotionConfig(port, httpHost, mongoUri, mongoDb, amqpUri, dataDir, uploadMaxBytes, maxPixels,
        storyMaxBytes, workerConcurrency, renderThreads, workerId, webRoot, healthPort, protection, webhooks, reliability,
        videoEncoder, decode);
  }

  /** True when other machines may reach the HTTP servers (HTTP_HOST is not a loopback address). */
  public boolean reachableFromOtherMachines() {
    return !(httpHost.equals("localhost") || httpHost.startsWith("127.") || httpHost.equals("::1"));
  }

  /** Client config for vertx-mongo-client ({@code MongoClient.create(vertx, json)}). */
  public JsonObject mongoClientConfig() {
    return new JsonObject()
        .put("connection_string", requireMongoUri())
        .put("db_name", mongoDb)
        .put("serverSelectionTimeoutMS", 5000)
        .put("connectTimeoutMS", 5000);
  }

  /**
   * Client options for vertx-rabbitmq-client ({@code new RabbitMQOptions(json)}), for tools and tests
   * that publish or inspect directly. The services do not use it: their connection, recovery and
   * consumers belong to {@code io.stillmotion.broker.BrokerLink}, because this client's own
   * reconnection also restarts consumers behind the caller's back.
   */
  public JsonObject amqpClientConfig() {
    return new JsonObject()
        .put("uri", requireAmqpUri())
        .put("reconnectAttempts", Integer.MAX_VALUE)
        .put("reconnectInterval", 2000L)
        .put("automaticRecoveryEnabled", false)
        .put("connectionTimeout", 5000)
        .put("requestedHeartbeat", 30);
  }

  /** Connection URI for a service that must not fall back to an embedded server. */
  public String requireMongoUri() {
    if (mongoUri == null) {
      throw new ConfigException("MONGO_URI is not set (e.g. mongodb://localhost:27017)");
    }
    return mongoUri;
  }

  public String requireAmqpUri() {
    if (amqpUri == null) {
      throw new ConfigException("AMQP_URI is not set (e.g. amqp://guest:guest@localhost:5672)");
    }
    return amqpUri;
  }

  private static String defaultWorkerId() {
    // "pid@hostname": unique per process, readable in logs and in the task document.
    return ManagementFactory.getRuntimeMXBean().getName();
  }
}
