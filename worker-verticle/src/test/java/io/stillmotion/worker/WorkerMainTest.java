package io.stillmotion.worker;

import io.stillmotion.testing.MainProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker jar's entry point, run as a real child process. */
class WorkerMainTest {

  @Test
  @DisplayName("the worker refuses to start on an invalid value: exit code 2 and every bad variable named")
  void refusesInvalidConfig() throws Exception {
    MainProcess.Exit exit = MainProcess.run(WorkerMain.class,
        Map.of("WORKER_CONCURRENCY", "0", "MONGO_URI", "http://x", "AMQP_URI", "amqp://127.0.0.1:1"));

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr()).contains("WORKER_CONCURRENCY=0").contains("MONGO_URI");
  }
}
