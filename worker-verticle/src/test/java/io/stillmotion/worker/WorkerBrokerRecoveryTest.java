package io.stillmotion.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.stillmotion.infra.BrokerFaults;
import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's broker connection is dropped under it (on a real RabbitMQ: its connections closed with
 * rabbitmqctl; on the embedded broker: the broker restarted): it comes back with exactly one consumer
 * on the task queue, and an ack for a delivery of the dead connection never reaches the new channel.
 */
class WorkerBrokerRecoveryTest {

  private static WorkerTestBed bed;
  private String deployment;

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "worker-broker-recovery-test",
        Map.of("WORKER_ID", "recovering-worker", "RENDER_THREADS", "1", "HEARTBEAT_TIMEOUT_MS", "30000"), false);
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  @BeforeEach
  void emptyQueue() throws Exception {
    try {
      withChannel(ch -> ch.queueDelete(Names.TASK_QUEUE));
    } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
      // Qpid refuses to delete a queue that does not exist: nothing to clean
    }
  }

  @AfterEach
  void undeploy() throws Exception {
    if (deployment != null) {
      get(bed.vertx.undeploy(deployment));
      deployment = null;
    }
  }

  static StillmotionConfig config() {
    return bed.config();
  }

  @Test
  @DisplayName("after three dropped connections the worker has exactly one consumer on the task queue and still takes tasks")
  void oneConsumerAfterReconnects() throws Exception {
    deployment = get(bed.vertx.deployVerticle(new WorkerVerticle(config())));
    awaitConsumers(1);
    for (int drop = 1; drop <= 3; drop++) {
      BrokerFaults.dropConnections();
      awaitConsumers(1);
      String id = storeTask();
      publish(id);
      assertThat(awaitStatus(id, TaskStatus.FINISHED, TaskStatus.FAILED).status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(consumers()).as("consumers on the task queue after drop %d", drop).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a task in flight while the connection drops finishes, its stale ack is dropped and the next task is taken")
  void staleAckIsNotSentOnTheNewChannel() throws Exception {
    CountDownLatch proceed = new CountDownLatch(1);
    deployment = get(bed.vertx.deployVerticle(new WorkerReliabilityTest.FlakyWorker(config(), 0, proceed)));
    awaitConsumers(1);
    String first = storeTask();
    publish(first);
    awaitStatus(first, TaskStatus.PROCESSING);

    BrokerFaults.dropConnections();
    awaitConsumers(1);
    proceed.countDown();
    assertThat(awaitStatus(first, TaskStatus.FINISHED, TaskStatus.FAILED).status()).isEqualTo(TaskStatus.FINISHED);

    String second = storeTask();
    publish(second);
    assertThat(awaitStatus(second, TaskStatus.FINISHED, TaskStatus.FAILED).status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(consumers()).isEqualTo(1);
  }

  private static String storeTask() throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720",
        "fps", "24")), System.currentTimeMillis());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), WorkerVerticleTest.png(200, 150)));
    get(bed.tasks.insert(task));
    return id;
  }

  private static void publish(String id) throws Exception {
    withChannel(ch -> {
      ch.queueDeclare(Names.TASK_QUEUE, true, false, false, null);
      ch.basicPublish("", Names.TASK_QUEUE, null, new TaskMessage(id).toBuffer().getBytes());
      return null;
    });
  }

  private static void awaitConsumers(int wanted) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> consumers() == wanted);
  }

  /** Consumers on the task queue as the broker counts them (a fresh connection: drops close ours too). */
  private static int consumers() throws Exception {
    return withChannel(ch -> ch.queueDeclarePassive(Names.TASK_QUEUE).getConsumerCount());
  }

  private interface ChannelWork<T> {
    T run(Channel channel) throws Exception;
  }

  private static <T> T withChannel(ChannelWork<T> work) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestInfra.amqpUri());
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      return work.run(channel);
    }
  }

  private static Task awaitStatus(String id, TaskStatus... wanted) {
    Task[] result = new Task[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      result[0] = get(bed.tasks.find(id));
      return result[0] != null && java.util.Arrays.asList(wanted).contains(result[0].status());
    });
    return result[0];
  }
}
