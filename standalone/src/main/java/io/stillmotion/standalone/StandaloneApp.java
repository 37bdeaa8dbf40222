package io.stillmotion.standalone;

import io.stillmotion.gateway.GatewayVerticle;
import io.stillmotion.infra.EmbeddedBroker;
import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.Telemetry;
import io.stillmotion.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in one JVM: the embedded MongoDB-compatible server and AMQP broker (unless
 * {@code MONGO_URI} / {@code AMQP_URI} point elsewhere), one gateway and one worker.
 */
public final class StandaloneApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneApp.class);

  private final EmbeddedMongo embeddedMongo;
  private final EmbeddedBroker embeddedBroker;
  private final Vertx vertx;
  private final GatewayVerticle gateway;

  private StandaloneApp(EmbeddedMongo mongo, EmbeddedBroker broker, Vertx vertx, GatewayVerticle gateway) {
    this.embeddedMongo = mongo;
    this.embeddedBroker = broker;
    this.vertx = vertx;
    this.gateway = gateway;
  }

  public static StandaloneApp start(StillmotionConfig config) throws Exception {
    // What makes a start fail for certain is checked before anything starts (no warm-up to stop half way).
    if (config.mongoUri() == null) {
      EmbeddedMongo.prepare(Path.of(config.dataDir(), "mongo"));
    }
    requirePortFree(config.httpHost(), config.httpPort());
    // One registry for the whole JVM: the gateway's /metrics shows the worker's meters too.
    Vertx vertx = Telemetry.createVertx();
    // The embedded servers take most of the start: meanwhile the JIT compiles what the first upload runs.
    GatewayVerticle.warmUpUploadsEarly(vertx, config);
    EmbeddedMongo mongo = null;
    EmbeddedBroker broker = null;
    CompletableFuture<String> brokerUp = new CompletableFuture<>();
    try {
      mongo = config.mongoUri() == null ? EmbeddedMongo.startPersistent(Path.of(config.dataDir(), "mongo"), 0) : null;
      // Meanwhile the JIT compiles a task's life around the render (the broker's part once it is up).
      LifecycleWarmUp.start(vertx, mongo == null ? null : config.withConnections(mongo.connectionString(), null),
          brokerUp);
      broker = config.amqpUri() == null ? EmbeddedBroker.start() : null;
      StillmotionConfig effective = config.withConnections(
          mongo != null ? mongo.connectionString() : config.mongoUri(),
          broker != null ? broker.uri() : config.amqpUri());
      brokerUp.complete(effective.amqpUri());
      if (mongo != null) {
        recoverFromLastRun(vertx, effective);
      }
      GatewayVerticle gateway = new GatewayVerticle(effective);
      vertx.deployVerticle(gateway).await(60, TimeUnit.SECONDS);
      vertx.deployVerticle(new WorkerVerticle(effective)).await(60, TimeUnit.SECONDS);
      return new StandaloneApp(mongo, broker, vertx, gateway);
    } catch (Exception e) {
      brokerUp.complete(null);
      vertx.close().await(30, TimeUnit.SECONDS);
      if (broker != null) {
        broker.close();
      }
      if (mongo != null) {
        mongo.close();
      }
      throw e;
    }
  }

  /**
   * Fails with a {@link BindException} when something listens on the HTTP port already (another {@code make
   * run}, say). The gateway binds it the same way later; this only says so before anything starts.
   */
  private static void requirePortFree(String host, int port) throws BindException {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    } catch (BindException taken) {
      throw taken;
    } catch (IOException e) {
      // Not ours to judge (an address this machine does not have, say): the gateway's bind reports it.
    }
  }

  /**
   * The embedded database belongs to this process alone, so whatever the last run left PROCESSING
   * died with it, and the embedded broker's queue is empty: everything unfinished is queued again.
   */
  private static void recoverFromLastRun(Vertx vertx, StillmotionConfig config) throws Exception {
    MongoClient client = MongoClient.create(vertx, config.mongoClientConfig());
    try {
      new TaskStore(client).resetAfterCrash(System.currentTimeMillis()).await(30, TimeUnit.SECONDS);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  public int httpPort() {
    return gateway.actualPort();
  }

  @Override
  public void close() throws Exception {
    log.info("shutting down");
    try {
      vertx.close().await(60, TimeUnit.SECONDS);
    } finally {
      try {
        if (embeddedBroker != null) {
          embeddedBroker.close();
        }
      } finally {
        if (embeddedMongo != null) {
          embeddedMongo.close();
        }
      }
    }
  }
}
