package io.stillmotion.infra;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child process for {@link EmbeddedBrokerShutdownTest}: starts the embedded broker, connects to it and,
 * as the standalone jar does, closes the broker from a shutdown hook of its own once its client is done.
 * When the JVM is told to stop, that hook prints {@code KEPT} if the client's connection stayed open
 * while it had its graceful stop, {@code LOST} if the broker closed it meanwhile.
 */
public final class BrokerShutdownProbe {

  public static void main(String[] args) throws Exception {
    EmbeddedBroker broker = EmbeddedBroker.start();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(broker.uri());
    Connection connection = factory.newConnection("shutdown probe");
    CountDownLatch lost = new CountDownLatch(1);
    connection.addShutdownListener(cause -> lost.countDown());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // A graceful stop takes a while (renders get their grace period): the connection must last it.
        System.out.println(lost.await(3, TimeUnit.SECONDS) ? "LOST" : "KEPT");
        System.out.flush();
        if (connection.isOpen()) {
          connection.close();
        }
        broker.close();
        System.out.println("CLOSED");
        System.out.flush();
      } catch (Exception e) {
        System.out.println("FAILED " + e);
        System.out.flush();
      }
    }, "probe-owner"));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
