package io.stillmotion.infra;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/** An acknowledged write to the persistent embedded server survives kill -9 of its process. */
class EmbeddedMongoDurabilityTest {

  private static final int ACKS_BEFORE_KILL = 300;

  @Test
  @DisplayName("every insert acknowledged before kill -9 of the server's JVM is there after a restart")
  void acknowledgedWritesSurviveKill9() throws Exception {
    Path dir = Files.createTempDirectory("durability");
    int acked = runAndKill(dir, "durable");

    long stored = countAfterRestart(dir);

    System.out.printf("durability: %d acknowledged before kill -9, %d stored after restart%n", acked + 1, stored);
    assertThat(stored).isGreaterThanOrEqualTo(acked + 1L);
  }

  /** Starts the probe JVM, waits for enough acknowledgements, kills it hard; the last acked index. */
  static int runAndKill(Path dir, String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        AckedWritesProbe.class.getName(), dir.toString(), mode))
        .redirectErrorStream(true).start();
    int last = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          last = Integer.parseInt(line.substring(4).trim());
          if (last >= ACKS_BEFORE_KILL) {
            break;
          }
        }
      }
      child.destroyForcibly();
      child.waitFor(20, TimeUnit.SECONDS);
    } finally {
      child.destroyForcibly();
    }
    assertThat(last).as("the probe acknowledged writes before it was killed").isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    return last;
  }

  static long countAfterRestart(Path dir) throws Exception {
    try (EmbeddedMongo mongo = EmbeddedMongo.startPersistent(dir, 0)) {
      Vertx vertx = Vertx.vertx();
      try {
        MongoClient client = MongoClient.create(vertx, new JsonObject()
            .put("connection_string", mongo.connectionString()).put("db_name", "durability"));
        return get(client.count("acked", new JsonObject()));
      } finally {
        get(vertx.close());
      }
    }
  }
}
