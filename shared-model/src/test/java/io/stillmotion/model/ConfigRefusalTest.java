package io.stillmotion.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigRefusalTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "HTTP_PORT, abc",
      "HTTP_PORT, 70000",
      "HTTP_HOST, 'http://0.0.0.0'",
      "WORKER_CONCURRENCY, 0",
      "MONGO_URI, http://x",
      "AMQP_URI, mongodb://x",
      "HEALTH_PORT, -1",
      "UPLOAD_MAX_BYTES, lots",
      "MONGO_DB, bad/name"})
  @DisplayName("an invalid value is refused with a message naming the variable")
  void refusesInvalidValue(String name, String value) {
    assertThatThrownBy(() -> StillmotionConfig.fromEnv(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name);
  }

  @Test
  @DisplayName("every invalid variable is named at once, not only the first")
  void namesEveryProblem() {
    assertThatThrownBy(() -> StillmotionConfig.fromEnv(Map.of("HTTP_PORT", "abc", "WORKER_CONCURRENCY", "0")))
        .hasMessageContaining("HTTP_PORT").hasMessageContaining("WORKER_CONCURRENCY");
  }

  @Test
  @DisplayName("no variables at all give the documented defaults")
  void defaults() {
    StillmotionConfig config = StillmotionConfig.fromEnv(Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.reachableFromOtherMachines()).isFalse();
    assertThat(config.healthPort()).isEqualTo(8081);
    assertThat(config.workerConcurrency()).isEqualTo(1);
    assertThat(config.mongoUri()).isNull();
  }
}
