package io.stillmotion.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractsTest {

  @Test
  @DisplayName("a task survives the trip through its MongoDB document")
  void taskDocumentRoundTrip() {
    Task task = Task.pending(TaskMessage.newTaskId(), "jpg", RenderOptions.defaults(), 1_700_000_000_000L);
    assertThat(Task.fromDocument(task.toDocument())).isEqualTo(task);
    assertThat(task.uploadFileName()).isEqualTo(task.id() + ".jpg");
  }

  @Test
  @DisplayName("the API view has the seed fields, ISO times, and media links only when finished")
  void apiView() {
    Task pending = Task.pending(TaskMessage.newTaskId(), "png", RenderOptions.defaults(), 0L);
    JsonObject json = pending.toApiJson();
    assertThat(json.fieldNames()).contains("id", "status", "progress", "filename", "message", "createdAt");
    assertThat(json.getString("createdAt")).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(json.containsKey("videoUrl")).isFalse();
    Task finished = Task.fromDocument(pending.toDocument().put("status", "FINISHED").put("progress", 100));
    assertThat(finished.toApiJson().getString("videoUrl")).isEqualTo("/api/v1/video/" + pending.id());
  }

  @Test
  @DisplayName("task messages carry only a valid task id; anything else is a poison message")
  void taskMessage() {
    String id = TaskMessage.newTaskId();
    assertThat(TaskIds.isValid(id)).isTrue();
    assertThat(TaskMessage.fromBuffer(new TaskMessage(id).toBuffer()).taskId()).isEqualTo(id);
    for (String body : new String[] {"", "[]", "{}", "nope", "{\"taskId\":42}", "{\"taskId\":\"../x\"}"}) {
      assertThatThrownBy(() -> TaskMessage.fromBuffer(Buffer.buffer(body)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("events survive the trip through JSON")
  void eventRoundTrip() {
    TaskEvent event = new TaskEvent(TaskMessage.newTaskId(), TaskStatus.PROCESSING, 42, null, 123L);
    assertThat(TaskEvent.fromJson(event.toJson())).isEqualTo(event);
  }

  @Test
  @DisplayName("a terminal task's event carries its final state through JSON; a live task's carries none")
  void finalStateTravelsWithTerminalEvents() {
    String id = TaskMessage.newTaskId();
    Task pending = Task.pending(id, "jpg", RenderOptions.defaults(), 1_000L);
    Task finished = Task.fromDocument(pending.toDocument().put("status", "FINISHED").put("progress", 100)
        .put("attempts", 1).put("updatedAt", 5_000L).put("result", TaskMedia.forAttempt(id, "token").toDocument()));

    TaskEvent event = TaskEvent.fromJson(new JsonObject(TaskEvent.of(finished).toBuffer()));

    assertThat(event.finalState()).isEqualTo(finished);
    assertThat(event.finalState().toApiJson()).isEqualTo(finished.toApiJson());
    assertThat(TaskEvent.of(pending).finalState()).isNull();
    assertThat(TaskEvent.of(pending).toJson().containsKey("task")).isFalse();
  }

  @Test
  @DisplayName("task ids must be canonical lower-case UUID v4")
  void taskIds() {
    assertThat(TaskIds.isValid("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc")).isTrue();
    assertThat(TaskIds.isValid("3F1C2D6E-8A5B-4C7D-9E0F-123456789ABC")).isFalse();
    assertThat(TaskIds.isValid("3f1c2d6e-8a5b-1c7d-9e0f-123456789abc")).isFalse();
    assertThat(TaskIds.isValid(null)).isFalse();
    assertThat(TaskIds.canonical("3F1C2D6E-8A5B-4C7D-9E0F-123456789ABC")).isEqualTo("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc");
    assertThat(TaskIds.canonical("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc")).isEqualTo("3f1c2d6e-8a5b-4c7d-9e0f-123456789abc");
    assertThat(TaskIds.canonical("3F1C2D6E-8A5B-1C7D-9E0F-123456789ABC")).isNull();
    assertThat(TaskIds.canonical("\u0130".repeat(36))).isNull();
    assertThat(TaskIds.canonical(null)).isNull();
    assertThat(TaskIds.isValid("x".repeat(36))).isFalse();
  }

  @Test
  @DisplayName("config defaults are those documented in the README")
  void configDefaults() {
    StillmotionConfig c = StillmotionConfig.fromEnv(Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.mongoUri()).isNull();
    assertThat(c.amqpUri()).isNull();
    assertThat(c.mongoDb()).isEqualTo("stillmotion");
    assertThat(c.dataDir()).isEqualTo("./data");
    assertThat(c.uploadMaxBytes()).isEqualTo(20_971_520L);
    assertThat(c.maxPixels()).isEqualTo(50_000_000L);
    assertThat(c.workerConcurrency()).isEqualTo(1);
    assertThat(c.webhooks().allowPrivate()).isFalse();
    assertThat(c.webhooks()).isEqualTo(new WebhookConfig(null, false, 16, 10_000, 600_000, 8));
    assertThat(c.reliability().maxAttempts()).isEqualTo(3);
    assertThat(c.videoEncoder()).isEqualTo("motion");
    assertThat(StillmotionConfig.fromEnv(Map.of("VIDEO_ENCODER", "JCODEC")).videoEncoder()).isEqualTo("jcodec");
  }

  @Test
  @DisplayName("invalid config values stop startup with a message naming every bad variable")
  void configRefusesBadValues() {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "eighty");
    env.put("WORKER_CONCURRENCY", "0");
    env.put("MONGO_URI", "http://mongo");
    env.put("WEBHOOK_ALLOW_PRIVATE", "maybe");
    env.put("WEBHOOK_MAX_ATTEMPTS", "0");
    env.put("VIDEO_ENCODER", "x264");
    assertThatThrownBy(() -> StillmotionConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_PORT")
        .hasMessageContaining("WORKER_CONCURRENCY")
        .hasMessageContaining("MONGO_URI")
        .hasMessageContaining("WEBHOOK_ALLOW_PRIVATE")
        .hasMessageContaining("WEBHOOK_MAX_ATTEMPTS")
        .hasMessageContaining("VIDEO_ENCODER");
  }

  @Test
  @DisplayName("webhook retries wait 1 s, doubling, never longer than WEBHOOK_RETRY_MAX_MS")
  void webhookBackoffIsCapped() {
    WebhookConfig config = StillmotionConfig.fromEnv(Map.of("WEBHOOK_RETRY_MAX_MS", "5000")).webhooks();
    assertThat(java.util.stream.IntStream.rangeClosed(1, 6).mapToLong(config::retryDelayMs).boxed().toList())
        .containsExactly(1_000L, 2_000L, 4_000L, 5_000L, 5_000L, 5_000L);
    assertThat(config.retryDelayMs(500)).isEqualTo(5_000);
    assertThat(StillmotionConfig.fromEnv(Map.of("WEBHOOK_RETRY_MAX_MS", "200")).webhooks().retryDelayMs(1))
        .isEqualTo(200);
  }
}
