package io.stillmotion.infra;

/**
 * Servers for integration tests, started once per JVM. AMQP tests run against a real RabbitMQ when
 * the system property {@code test.amqp.uri} (or the environment variable {@code TEST_AMQP_URI}) names
 * one, and against the embedded broker otherwise; MongoDB is always the embedded server, in memory.
 */
public final class TestInfra {

  private static EmbeddedMongo mongo;
  private static EmbeddedBroker broker;

  private TestInfra() {
  }

  public static synchronized EmbeddedMongo mongo() {
    if (mongo == null) {
      mongo = EmbeddedMongo.startInMemory();
      Runtime.getRuntime().addShutdownHook(new Thread(mongo::close));
    }
    return mongo;
  }

  /** The broker the tests use; a real one when configured. */
  public static synchronized String amqpUri() {
    String real = realBrokerUri();
    if (real != null) {
      return real;
    }
    return embeddedBroker().uri();
  }

  /** The embedded broker (started on first use), for tests that stop and restart it. */
  public static synchronized EmbeddedBroker embeddedBroker() {
    if (broker == null) {
      broker = EmbeddedBroker.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> TestInfra.broker.close()));
    }
    return broker;
  }

  /** Stops the embedded broker and starts it again on the same port (its in-memory queues are lost). */
  public static synchronized void restartEmbeddedBroker() {
    int port = embeddedBroker().port();
    broker.close();
    broker = EmbeddedBroker.start(port);
  }

  public static boolean usesRealBroker() {
    return realBrokerUri() != null;
  }

  private static String realBrokerUri() {
    String uri = System.getProperty("test.amqp.uri");
    if (uri == null || uri.isBlank()) {
      uri = System.getenv("TEST_AMQP_URI");
    }
    return uri == null || uri.isBlank() ? null : uri.trim();
  }
}
