package io.stillmotion.gateway;

import io.stillmotion.broker.BrokerLink;
import io.stillmotion.infra.EmbeddedBroker;
import io.stillmotion.model.Names;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay on a broker link against its own embedded broker, which the test stops and starts again. */
class EventRelayTest {

  private Vertx vertx;
  private EmbeddedBroker broker;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    broker = EmbeddedBroker.start(0);
    port = broker.port();
  }

  @AfterEach
  void stop() throws Exception {
    get(vertx.close());
    broker.close();
  }

  private RabbitMQOptions options() {
    return new RabbitMQOptions(new JsonObject()
        .put("uri", "amqp://guest:guest@127.0.0.1:" + port)
        .put("reconnectAttempts", Integer.MAX_VALUE)
        .put("reconnectInterval", 500L)
        .put("connectionTimeout", 2000));
  }

  private void publish(TaskEvent event) throws Exception {
    RabbitMQClient client = RabbitMQClient.create(vertx, options());
    get(client.start());
    get(client.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false));
    get(client.basicPublish(Names.EVENTS_EXCHANGE, Names.eventRoutingKey(event.taskId()), event.toBuffer()));
    get(client.stop());
  }

  @Test
  @DisplayName("events of a task reach its listeners only, also after the broker restarted, until they stop listening")
  void relaysAcrossBrokerRestart() throws Exception {
    String id = TaskMessage.newTaskId();
    String other = TaskMessage.newTaskId();
    List<TaskEvent> heard = new CopyOnWriteArrayList<>();
    BrokerLink link = new BrokerLink(vertx, BrokerLink.Options.of("amqp://guest:guest@127.0.0.1:" + port, "relay")
        .withEvents().withBackoff(100, 1_000));
    EventRelay relay = new EventRelay(link);
    get(link.start());
    get(relay.start());
    Runnable unsubscribe = relay.listen(id, heard::add);
    await().atMost(Duration.ofSeconds(30)).until(relay::isConnected);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      publish(new TaskEvent(id, TaskStatus.PROCESSING, 10, null, 1));
      return !heard.isEmpty();
    });
    publish(new TaskEvent(other, TaskStatus.PROCESSING, 10, null, 1));

    broker.close();
    broker = EmbeddedBroker.start(port);
    heard.clear();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      if (relay.isConnected()) {
        publish(new TaskEvent(id, TaskStatus.PROCESSING, 50, null, 2));
      }
      return !heard.isEmpty();
    });
    assertThat(heard).allMatch(e -> e.taskId().equals(id));
    assertThat(heard.get(0).progress()).isEqualTo(50);

    unsubscribe.run();
    assertThat(relay.listenerCount()).isZero();
    get(link.stop());
  }
}
