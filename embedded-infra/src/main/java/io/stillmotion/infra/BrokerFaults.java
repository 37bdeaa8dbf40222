package io.stillmotion.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drops every client connection of the test broker, as a broker restart or a network cut would:
 * on a real RabbitMQ only the connections of the test's own virtual host are closed (with
 * {@code rabbitmqctl close_connection}, so other users of the broker are not disturbed); the
 * embedded broker is stopped and started again on the same port (its queues, in memory, are lost).
 */
public final class BrokerFaults {

  private static final Path RABBITMQCTL = Path.of("/usr/sbin/rabbitmqctl");

  private BrokerFaults() {
  }

  /** Closes the test broker's client connections; returns how many were closed (-1: the embedded broker restarted). */
  public static int dropConnections() throws Exception {
    if (!TestInfra.usesRealBroker()) {
      TestInfra.restartEmbeddedBroker();
      return -1;
    }
    if (!Files.isExecutable(RABBITMQCTL)) {
      throw new IllegalStateException("a real broker is configured but rabbitmqctl is not installed");
    }
    String vhost = vhostOf(TestInfra.amqpUri());
    int closed = 0;
    for (String line : run("-q", "list_connections", "pid", "vhost").lines().toList()) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length == 2 && cols[1].equals(vhost)) {
        run("close_connection", cols[0], "fault injected by a test");
        closed++;
      }
    }
    return closed;
  }

  /** The virtual host an AMQP URI names ("/" when it names none). */
  static String vhostOf(String uri) {
    String path = URI.create(uri).getPath();
    return path == null || path.length() <= 1 ? "/" : java.net.URLDecoder.decode(path.substring(1),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String run(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(RABBITMQCTL.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }
}
