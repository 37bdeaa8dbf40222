package io.stillmotion.worker;

import static io.stillmotion.testing.Futures.get;

import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a worker integration test class runs its workers in: a Vert.x, the task and media stores on a
 * database of the class's own, a scratch directory and, when asked for, an AMQP client with an empty,
 * declared task queue (declared by the test too: a message published before the worker's own
 * declare would be dropped). One per test class, opened in {@code @BeforeAll} and closed in
 * {@code @AfterAll}; {@link #config} gives the workers' configuration on the same database and broker.
 */
final class WorkerTestBed {

  final Vertx vertx;
  final MongoClient mongo;
  final TaskStore tasks;
  final MediaStore media;
  final Path scratch;
  /** Null unless opened with a task queue. */
  final RabbitMQClient rabbit;
  private final Map<String, String> settings;

  private WorkerTestBed(Vertx vertx, Map<String, String> settings, Path scratch, RabbitMQClient rabbit) {
    this.vertx = vertx;
    this.settings = settings;
    this.scratch = scratch;
    this.mongo = MongoClient.create(vertx, config(Map.of()).mongoClientConfig());
    this.tasks = new TaskStore(mongo);
    this.media = new MediaStore(vertx, mongo);
    this.rabbit = rabbit;
  }

  /**
   * {@code database} names the class's own database (and its scratch directory); {@code settings}
   * are the workers' other environment variables (WORKER_ID, RENDER_THREADS, ...).
   */
  static WorkerTestBed open(Vertx vertx, String database, Map<String, String> settings, boolean taskQueue)
      throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("MONGO_URI", TestInfra.mongo().connectionString());
    env.put("MONGO_DB", database);
    env.put("AMQP_URI", TestInfra.amqpUri());
    RabbitMQClient rabbit = null;
    if (taskQueue) {
      rabbit = RabbitMQClient.create(vertx,
          new RabbitMQOptions(StillmotionConfig.fromEnv(env).amqpClientConfig()));
      get(rabbit.start());
      get(rabbit.queueDelete(Names.TASK_QUEUE).otherwiseEmpty());
      get(rabbit.queueDeclare(Names.TASK_QUEUE, true, false, false));
    }
    return new WorkerTestBed(vertx, Map.copyOf(env), Files.createTempDirectory(database), rabbit);
  }

  /** The workers' configuration: the bed's settings with {@code extra} added or overriding them. */
  StillmotionConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(extra);
    return StillmotionConfig.fromEnv(env);
  }

  StillmotionConfig config() {
    return config(Map.of());
  }

  void close() throws Exception {
    get(vertx.close());
  }
}
