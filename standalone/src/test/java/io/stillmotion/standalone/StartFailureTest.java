package io.stillmotion.standalone;

import io.stillmotion.testing.MainProcess;
import io.stillmotion.testing.TempDirs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code make run} started where it cannot run — a second time on the same data folder, or on a port
 * something else holds — says so in one line a person can act on and exits at once, without a stack trace.
 */
class StartFailureTest {

  @Test
  @DisplayName("a second make run on the same data folder says the folder is in use, exits 1, no stack trace")
  void sameDataFolderTwice() throws Exception {
    try (RunningSystem first = RunningSystem.start("start-failure")) {
      MainProcess.Exit second = MainProcess.run(Main.class, Map.of("HTTP_PORT", "0",
          "DATA_DIR", first.dataDir.toString(), "WEB_ROOT", first.dataDir.resolve("no-ui").toString()));

      assertThat(second.code()).isEqualTo(1);
      assertThat(second.stderr()).contains("Stillmotion did not start: its data folder " + first.dataDir
          + " is in use by another running Stillmotion").contains("DATA_DIR");
      assertThat(second.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ");
      assertThat(first.http.get("/api/v1/ping").send().await().statusCode())
          .as("the first one runs on").isEqualTo(200);
    }
  }

  @Test
  @DisplayName("make run on a port that is taken names the port and HTTP_PORT, exits 1, no stack trace")
  void portTaken() throws Exception {
    Path dataDir = Files.createTempDirectory("start-failure-port");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      MainProcess.Exit run = MainProcess.run(Main.class, Map.of("HTTP_PORT", String.valueOf(taken.getLocalPort()),
          "DATA_DIR", dataDir.toString(), "WEB_ROOT", dataDir.resolve("no-ui").toString()));

      assertThat(run.code()).isEqualTo(1);
      assertThat(run.stderr()).contains("Stillmotion did not start: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use").contains("HTTP_PORT");
      assertThat(run.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ");
    } finally {
      TempDirs.deleteTree(dataDir);
    }
  }

  @Test
  @DisplayName("make run with a data folder it cannot make names the folder and DATA_DIR, exits 1, no stack trace")
  void dataFolderUnusable() throws Exception {
    Path file = Files.createTempFile("start-failure", ".txt");
    try {
      // A folder under a file: cannot be made, by root either.
      String dataDir = file.resolve("data").toString();
      MainProcess.Exit run = MainProcess.run(Main.class, Map.of("HTTP_PORT", "0", "DATA_DIR", dataDir,
          "WEB_ROOT", dataDir + "/no-ui"));

      assertThat(run.code()).isEqualTo(1);
      assertThat(run.stderr()).contains("Stillmotion did not start: cannot use its data folder " + dataDir)
          .contains("DATA_DIR");
      assertThat(run.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
