package io.stillmotion.telemetry;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceLauncherTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int launch(Map<String, String> env) {
    return ServiceLauncher.launch("test", env, new PrintStream(err, true, StandardCharsets.UTF_8),
        (vertx, config) -> {
          throw new AssertionError("must not deploy with an invalid configuration");
        });
  }

  @Test
  @DisplayName("an invalid value stops the service before it starts, with exit code 2 and the variable named")
  void invalidValue() {
    int code = launch(Map.of("HTTP_PORT", "abc", "MONGO_URI", "mongodb://m", "AMQP_URI", "amqp://a"));

    assertThat(code).isEqualTo(ServiceLauncher.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("HTTP_PORT=abc");
  }

  @Test
  @DisplayName("a service jar without MONGO_URI is refused: it has no embedded server to fall back on")
  void missingConnection() {
    int code = launch(Map.of("AMQP_URI", "amqp://a"));

    assertThat(code).isEqualTo(ServiceLauncher.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("MONGO_URI");
  }
}
