package io.stillmotion.gateway;

import io.stillmotion.testing.MainProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway jar's entry point, run as a real child process. */
class GatewayMainTest {

  @Test
  @DisplayName("the gateway refuses to start on an invalid value: exit code 2 and every bad variable named")
  void refusesInvalidConfig() throws Exception {
    MainProcess.Exit exit = MainProcess.run(GatewayMain.class,
        Map.of("HTTP_PORT", "abc", "MONGO_URI", "http://x", "AMQP_URI", "amqp://127.0.0.1:1"));

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr()).contains("HTTP_PORT=abc").contains("MONGO_URI");
  }
}
