package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbox's fast path: tasks accepted while the gateway has no broker connection. */
class TaskPublisherTest {

  private Vertx vertx;
  private StillmotionConfig config;
  private MongoClient mongo;
  private TaskStore tasks;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    config = StillmotionConfig.fromEnv(GatewayFixture.testEnv("task-publisher-test",
        Files.createTempDirectory("task-publisher-test")));
    mongo = MongoClient.create(vertx, config.mongoClientConfig());
    tasks = new TaskStore(mongo);
  }

  @AfterEach
  void stop() throws Exception {
    get(vertx.close());
  }

  @Test
  @DisplayName("a task accepted before the broker connection is up is published once it is, without the outbox sweep")
  void publishesWhenTheConnectionComes() throws Exception {
    String id = TaskMessage.newTaskId();
    get(tasks.insert(Task.pending(id, "png", RenderOptions.defaults(), System.currentTimeMillis())));
    BrokerLink broker = new BrokerLink(vertx, BrokerLink.Options.of(config.requireAmqpUri(), "test publisher"));
    // Not started, and no gateway runs here: no outbox sweep, so only the connection can publish it.
    TaskPublisher publisher = new TaskPublisher(vertx, broker, tasks);
    try {
      Future<Void> first = publisher.publish(id);
      assertThat(first.failed()).as("no connection yet: the publish fails at once").isTrue();
      assertThat(published(id)).isFalse();

      get(broker.start());

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> published(id));
    } finally {
      get(broker.stop());
    }
  }

  private boolean published(String id) throws Exception {
    JsonObject doc = get(mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null));
    return doc.getBoolean("published", false);
  }
}
