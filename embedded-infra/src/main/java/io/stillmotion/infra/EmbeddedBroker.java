package io.stillmotion.infra;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.port.AmqpPort;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * An in-process AMQP 0-9-1 broker (Apache Qpid Broker-J) on 127.0.0.1. Messages live in memory:
 * MongoDB is the source of truth, and whatever the broker loses the services find again there.
 * Binds a free port unless one is given, so it never collides with a RabbitMQ on 5672.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private final AtomicReference<SystemConfig<?>> systemConfig = new AtomicReference<>();
  private final SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
    @Override
    public void onContainerResolve(SystemConfig<?> config) {
      systemConfig.set(config);
    }
  });
  private final Path workDir;
  private int port;

  private EmbeddedBroker(Path workDir) {
    this.workDir = workDir;
  }

  /** Starts a broker on a free port. */
  public static EmbeddedBroker start() {
    return start(0);
  }

  /** Starts a broker on the given port (0 = a free one). */
  public static EmbeddedBroker start(int port) {
    try {
      EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("stillmotion-qpid"));
      broker.launch(port);
      return broker;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded AMQP broker: " + e.getMessage(), e);
    }
  }

  private void launch(int requestedPort) throws Exception {
    Map<String, Object> context = new HashMap<>();
    context.put("qpid.amqp_port", String.valueOf(requestedPort));
    context.put("qpid.work_dir", workDir.toString());
    context.put("qpid.home_dir", workDir.toString());
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "Memory");
    attributes.put("initialConfigurationLocation",
        EmbeddedBroker.class.getResource("qpid-initial-config.json").toExternalForm());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put("context", context);
    launcher.startup(attributes);
    port = boundAmqpPort();
    removeBrokerShutdownHook();
  }

  private int boundAmqpPort() {
    Broker<?> broker = (Broker<?>) systemConfig.get().getContainer(Broker.class);
    for (Port<?> p : broker.getPorts()) {
      if (p instanceof AmqpPort<?> amqp) {
        return amqp.getBoundPort();
      }
    }
    throw new IllegalStateException("the embedded broker has no AMQP port");
  }

  /**
   * Qpid registers a JVM shutdown hook of its own, which on Ctrl-C or SIGTERM stops the broker while
   * the services still use it: their graceful stop lost its connections at once, and the owner's own
   * close of the broker then failed. Our owner closes the broker after the services instead; an
   * in-memory broker has nothing to save if it never does. The field is declared by Qpid's broker
   * class, of which the container is a subclass.
   */
  private void removeBrokerShutdownHook() {
    Object broker = systemConfig.get().getContainer(Broker.class);
    for (Class<?> type = broker.getClass(); type != null; type = type.getSuperclass()) {
      try {
        java.lang.reflect.Field hook = type.getDeclaredField("_shutdownHook");
        hook.setAccessible(true);
        Runtime.getRuntime().removeShutdownHook((Thread) hook.get(broker));
        return;
      } catch (NoSuchFieldException e) {
        // declared higher up
      } catch (ReflectiveOperationException | RuntimeException e) {
        break;
      }
    }
    LoggerFactory.getLogger(EmbeddedBroker.class).warn("the embedded broker's own shutdown hook could not be "
        + "removed (another Qpid version?): on Ctrl-C it stops before the services that use it");
  }

  public int port() {
    return port;
  }

  /** Connection URI for the default virtual host with the built-in guest account. */
  public String uri() {
    return "amqp://guest:guest@127.0.0.1:" + port;
  }

  @Override
  public void close() {
    launcher.shutdown();
    deleteQuietly(workDir);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
