package io.stillmotion.standalone;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.StillmotionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** The standalone's start-up run of a task's life: it runs to the end and leaves nothing behind. */
class LifecycleWarmUpTest {

  private Vertx vertx;
  private StillmotionConfig config;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    config = StillmotionConfig.fromEnv(Map.of(
        "MONGO_URI", TestInfra.mongo().connectionString(),
        "MONGO_DB", "warm-up-test-" + UUID.randomUUID().toString().substring(0, 8),
        "AMQP_URI", TestInfra.amqpUri()));
  }

  @AfterEach
  void stop() throws Exception {
    get(vertx.close());
  }

  @Test
  @DisplayName("the database part runs a task's life to the end and leaves no collection behind, "
      + "neither in the service's database nor in its scratch one (whatever a dead run left there goes too)")
  void databaseLeavesNothing() throws Exception {
    MongoClient real = MongoClient.create(vertx, config.mongoClientConfig());
    MongoClient scratch = MongoClient.create(vertx,
        config.mongoClientConfig().put("db_name", LifecycleWarmUp.scratchDatabase(config)));
    get(scratch.insert(Names.TASKS_COLLECTION, new JsonObject().put("left", "by a run that died")));

    assertThat(LifecycleWarmUp.runDatabase(vertx, config)).isTrue();

    assertThat(get(scratch.getCollections())).isEmpty();
    assertThat(get(real.getCollections())).isEmpty();
  }

  @Test
  @DisplayName("the broker part's publish is confirmed and puts nothing on the task or parking queue")
  void brokerLeavesNothing() throws Exception {
    // Against a real RabbitMQ other suites may have left messages in either queue: compare, not count.
    long tasksBefore = messages(Names.TASK_QUEUE);
    long parkedBefore = messages(Names.PARKING_QUEUE);

    assertThat(LifecycleWarmUp.runBroker(vertx, config.amqpUri())).isTrue();

    assertThat(messages(Names.TASK_QUEUE)).isEqualTo(tasksBefore);
    assertThat(messages(Names.PARKING_QUEUE)).isEqualTo(parkedBefore);
  }

  @Test
  @DisplayName("switched off with stillmotion.lifecycleWarmUp=false, as in the test suites: nothing runs")
  void switchedOff() throws Exception {
    assertThat(System.getProperty("stillmotion.lifecycleWarmUp")).isEqualTo("false");
    MongoClient scratch = MongoClient.create(vertx,
        config.mongoClientConfig().put("db_name", LifecycleWarmUp.scratchDatabase(config)));

    assertThat(LifecycleWarmUp.start(vertx, config, CompletableFuture.completedFuture(config.amqpUri())).join())
        .isFalse();

    List<String> collections = get(scratch.getCollections());
    assertThat(collections).isEmpty();
  }

  /** Declares the queue when missing (as every link does), so a fresh broker answers too. */
  private static long messages(String queue) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestInfra.amqpUri());
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      return channel.queueDeclare(queue, true, false, false, null).getMessageCount();
    }
  }
}
