package io.stillmotion.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway jar's entry point, run as a real child process. */
class GatewayMainTest {

  @Test
  @DisplayName("the gateway refuses to start on an invalid value: exit code 2 and every bad variable named")
  void refusesInvalidConfig() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName());
    builder.environment().clear();
    builder.environment().put("HTTP_PORT", "abc");
    builder.environment().put("MONGO_URI", "http://x");
    builder.environment().put("AMQP_URI", "amqp://127.0.0.1:1");
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr).contains("HTTP_PORT=abc").contains("MONGO_URI");
  }
}
