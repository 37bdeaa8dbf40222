package io.stillmotion.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.stillmotion.infra.BrokerFaults;
import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The AMQP owner against the test broker (the real RabbitMQ with {@code -Dtest.amqp.uri}, else the
 * embedded Qpid), whose connections the tests drop under it.
 */
class BrokerLinkTest {

  private Vertx vertx;
  private final List<BrokerLink> links = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    deleteQueue(Names.TASK_QUEUE);
    deleteQueue(Names.PARKING_QUEUE);
  }

  /** Qpid refuses to delete a queue that does not exist (RabbitMQ does not mind): one channel each. */
  private static void deleteQueue(String queue) throws Exception {
    try {
      withChannel(ch -> ch.queueDelete(queue));
    } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
      // not there: nothing to clean
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (BrokerLink link : links) {
      get(onContext(link::stop));
    }
    get(vertx.close());
  }

  private BrokerLink link(BrokerLink.Options options, java.util.function.Consumer<BrokerLink> setUp) throws Exception {
    BrokerLink link = new BrokerLink(vertx, options.withBackoff(100, 1_000));
    setUp.accept(link);
    get(link.start());
    links.add(link);
    return link;
  }

  private static BrokerLink.Options options(String name) {
    return BrokerLink.Options.of(TestInfra.amqpUri(), name);
  }

  private <T> io.vertx.core.Future<T> onContext(java.util.function.Supplier<io.vertx.core.Future<T>> action) {
    io.vertx.core.Promise<T> result = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  @Test
  @DisplayName("after three dropped connections there is exactly one consumer on the task queue, and it still gets tasks")
  void oneConsumerAcrossReconnects() throws Exception {
    BlockingQueue<TaskDelivery> received = new LinkedBlockingQueue<>();
    BrokerLink link = link(options("consumer").consumingTasks(2, 20), l -> l.onTask(received::add));
    await().atMost(Duration.ofSeconds(30)).until(link::consuming);
    List<Integer> counts = new ArrayList<>();
    for (int drop = 1; drop <= 3; drop++) {
      long before = link.generation();
      BrokerFaults.dropConnections();
      await().atMost(Duration.ofSeconds(60)).until(() -> link.consuming() && link.generation() > before);
      String id = TaskMessage.newTaskId();
      publishRaw(new TaskMessage(id).toBuffer().getBytes());
      TaskDelivery delivery = received.poll(30, TimeUnit.SECONDS);
      assertThat(delivery).isNotNull();
      assertThat(delivery.taskId()).isEqualTo(id);
      assertThat(get(onContext(delivery::ack))).isTrue();
      counts.add(consumers(Names.TASK_QUEUE));
    }
    System.out.println("task-queue consumers after each of 3 dropped connections: " + counts);
    assertThat(counts).containsExactly(1, 1, 1);
  }

  @Test
  @DisplayName("an ack of a delivery from a dead connection is dropped, never sent on the new channel, which stays open")
  void staleAckIsDropped() throws Exception {
    BlockingQueue<TaskDelivery> received = new LinkedBlockingQueue<>();
    BrokerLink link = link(options("stale-ack").consumingTasks(1, 20), l -> l.onTask(received::add));
    await().atMost(Duration.ofSeconds(30)).until(link::consuming);
    publishRaw(new TaskMessage(TaskMessage.newTaskId()).toBuffer().getBytes());
    TaskDelivery old = received.poll(30, TimeUnit.SECONDS);
    assertThat(old).isNotNull();

    long before = link.generation();
    BrokerFaults.dropConnections();
    await().atMost(Duration.ofSeconds(60)).until(() -> link.consuming() && link.generation() > before);
    long now = link.generation();
    if (TestInfra.usesRealBroker()) {
      // The unacked message comes back on the new connection, with a delivery tag of its own.
      TaskDelivery again = received.poll(30, TimeUnit.SECONDS);
      assertThat(again).isNotNull();
      assertThat(again.taskId()).isEqualTo(old.taskId());
      assertThat(again.generation()).isEqualTo(now);
      received.add(again);
    }

    assertThat(get(onContext(old::ack))).as("ack of the dead connection's delivery").isFalse();
    assertThat(get(onContext(() -> old.nack(true)))).isFalse();
    TaskDelivery pending = received.poll();
    if (pending != null) {
      assertThat(get(onContext(pending::ack))).isTrue();
    }
    String next = TaskMessage.newTaskId();
    publishRaw(new TaskMessage(next).toBuffer().getBytes());
    TaskDelivery fresh = received.poll(30, TimeUnit.SECONDS);
    assertThat(fresh).isNotNull();
    assertThat(fresh.taskId()).isEqualTo(next);
    assertThat(get(onContext(fresh::ack))).isTrue();
    assertThat(link.generation()).as("no channel error made the link reconnect").isEqualTo(now);
    assertThat(link.consuming()).isTrue();
    assertThat(messages(Names.TASK_QUEUE)).isZero();
  }

  @Test
  @DisplayName("task events reach the subscriber after every one of three dropped connections")
  void eventsAfterReconnects() throws Exception {
    List<TaskEvent> heard = new CopyOnWriteArrayList<>();
    BrokerLink subscriber = link(options("events").withEvents(),
        l -> l.onEvent(body -> heard.add(TaskEvent.fromJson(body.toJsonObject()))));
    BrokerLink publisher = link(options("event-publisher"), l -> { });
    String id = TaskMessage.newTaskId();
    for (int round = 0; round <= 3; round++) {
      if (round > 0) {
        long before = subscriber.generation();
        BrokerFaults.dropConnections();
        await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.subscribed() && subscriber.generation() > before);
      }
      int progress = round * 10;
      heard.clear();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
        if (publisher.isConnected()) {
          onContext(() -> publisher.publishEvent(new TaskEvent(id, TaskStatus.PROCESSING, progress, null, 1)));
        }
        return heard.stream().anyMatch(e -> e.progress() == progress);
      });
      assertThat(subscriber.eventQueue()).isNotNull();
    }
  }

  @Test
  @DisplayName("a publish to a scratch queue is confirmed and leaves no queue and no message behind")
  void scratchPublishLeavesNothing() throws Exception {
    BrokerLink link = link(options("scratch"), l -> { });
    await().atMost(Duration.ofSeconds(30)).until(link::isConnected);

    String queue = get(onContext(link::publishToScratchQueue));

    assertThat(queue).isNotBlank().isNotEqualTo(Names.TASK_QUEUE).isNotEqualTo(Names.PARKING_QUEUE);
    assertThatThrownBy(() -> withChannel(ch -> ch.queueDeclarePassive(queue)))
        .as("the scratch queue is gone").hasStackTraceContaining("404");
    assertThat(messages(Names.TASK_QUEUE)).isZero();
    assertThat(messages(Names.PARKING_QUEUE)).isZero();
    assertThat(link.isConnected()).isTrue();
  }

  @Test
  @DisplayName("a message that is not a task is parked in the parking queue, acked, and never reaches the handler")
  void poisonIsParked() throws Exception {
    BlockingQueue<TaskDelivery> received = new LinkedBlockingQueue<>();
    BrokerLink link = link(options("poison").consumingTasks(1, 20), l -> l.onTask(received::add));
    await().atMost(Duration.ofSeconds(30)).until(link::consuming);
    publishRaw("{not json".getBytes(StandardCharsets.UTF_8));
    publishRaw("{\"taskId\":\"../../etc/passwd\"}".getBytes(StandardCharsets.UTF_8));

    await().atMost(Duration.ofSeconds(30)).until(() -> messages(Names.PARKING_QUEUE) == 2);
    assertThat(received).isEmpty();
    GetResponse parked = withChannel(ch -> ch.basicGet(Names.PARKING_QUEUE, true));
    assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(parked.getProps().getHeaders().get(BrokerLink.PARKED_REASON_HEADER).toString())
        .startsWith("not a task message");
    await().atMost(Duration.ofSeconds(30)).until(() -> messages(Names.TASK_QUEUE) == 0);
  }

  @Test
  @DisplayName("a task message handed back again and again is parked after the delivery limit instead of looping")
  void loopingMessageIsParked() throws Exception {
    List<TaskDelivery> seen = new CopyOnWriteArrayList<>();
    BrokerLink link = link(options("looping").consumingTasks(1, 3), l -> l.onTask(d -> {
      seen.add(d);
      d.nack(true);
    }));
    await().atMost(Duration.ofSeconds(30)).until(link::consuming);
    get(onContext(() -> link.publishTask(TaskMessage.newTaskId())));

    await().atMost(Duration.ofSeconds(30)).until(() -> messages(Names.PARKING_QUEUE) == 1);
    assertThat(seen).hasSize(3);
    assertThat(seen).extracting(TaskDelivery::deliveries).containsExactly(1, 2, 3);
  }

  @Test
  @DisplayName("a message handed back for a passing fault of ours (retryLater) is not counted towards parking")
  void retryLaterIsNotCounted() throws Exception {
    List<TaskDelivery> seen = new CopyOnWriteArrayList<>();
    BrokerLink link = link(options("retry-later").consumingTasks(1, 3), l -> l.onTask(d -> {
      seen.add(d);
      if (seen.size() < 6) {
        d.retryLater();
      } else {
        d.ack();
      }
    }));
    await().atMost(Duration.ofSeconds(30)).until(link::consuming);
    get(link.publishTask(TaskMessage.newTaskId()));

    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 6 && messages(Names.TASK_QUEUE) == 0);
    assertThat(messages(Names.PARKING_QUEUE)).isZero();
    assertThat(seen).extracting(TaskDelivery::deliveries).allMatch(n -> n <= 2);
  }

  @Test
  @DisplayName("a re-published message carries its delivery count, so a retried task cannot loop for ever either")
  void republishCountsDeliveries() throws Exception {
    List<TaskDelivery> seen = new CopyOnWriteArrayList<>();
    BrokerLink[] self = new BrokerLink[1];
    self[0] = link(options("republish").consumingTasks(1, 4), l -> l.onTask(d -> {
      seen.add(d);
      self[0].republish(d);
    }));
    await().atMost(Duration.ofSeconds(30)).until(self[0]::consuming);
    get(onContext(() -> self[0].publishTask(TaskMessage.newTaskId())));

    await().atMost(Duration.ofSeconds(30)).until(() -> messages(Names.PARKING_QUEUE) == 1);
    assertThat(seen).extracting(TaskDelivery::deliveries).containsExactly(1, 2, 3, 4);
    assertThat(messages(Names.TASK_QUEUE)).isZero();
  }

  @Test
  @DisplayName("publishing while the broker is unreachable fails at once instead of hanging")
  void publishWithoutBrokerFails() throws Exception {
    BrokerLink link = link(BrokerLink.Options.of("amqp://guest:guest@127.0.0.1:1", "nowhere"), l -> { });
    assertThat(onContext(() -> link.publishTask(TaskMessage.newTaskId())).toCompletionStage()
        .toCompletableFuture().handle((v, e) -> e).get(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(link.isConnected()).isFalse();
  }

  private static void publishRaw(byte[] body) throws Exception {
    withChannel(ch -> {
      ch.basicPublish("", Names.TASK_QUEUE, null, body);
      return null;
    });
  }

  private static int consumers(String queue) throws Exception {
    return withChannel(ch -> ch.queueDeclarePassive(queue).getConsumerCount());
  }

  private static long messages(String queue) throws Exception {
    return withChannel(ch -> ch.queueDeclarePassive(queue).getMessageCount());
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
}
