package io.stillmotion.infra;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C or SIGTERM: the embedded broker stops when its owner closes it, not on its own before. */
class EmbeddedBrokerShutdownTest {

  @Test
  @DisplayName("on SIGTERM the broker keeps its clients' connections until its owner closes it")
  void outlivesTheServicesGracefulStop() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        BrokerShutdownProbe.class.getName())).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.equals("READY")) {
          child.toHandle().destroy(); // SIGTERM (Process.destroy would also close this stream)
        }
      }
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(lines).as("the probe's output").contains("READY", "KEPT", "CLOSED").doesNotContain("LOST");
  }
}
