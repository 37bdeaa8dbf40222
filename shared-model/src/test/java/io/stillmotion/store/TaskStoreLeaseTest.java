package io.stillmotion.store;

import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMedia;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.TaskMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Attempts as leases: what a worker's writes may and may not do once it has claimed a task. */
class TaskStoreLeaseTest {

  private static EmbeddedMongo server;
  private static Vertx vertx;
  private static TaskStore tasks;

  @BeforeAll
  static void start() {
    server = EmbeddedMongo.startInMemory();
    vertx = Vertx.vertx();
    MongoClient mongo = MongoClient.create(vertx,
        new JsonObject().put("connection_string", server.connectionString()).put("db_name", "lease-test"));
    tasks = new TaskStore(mongo);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static String pending() throws Exception {
    String id = TaskMessage.newTaskId();
    await(tasks.insert(Task.pending(id, "png", RenderOptions.defaults(), System.currentTimeMillis())));
    return id;
  }

  @Test
  @DisplayName("a heartbeat with lower progress landing after a higher one still finds the task held, and progress stays")
  void outOfOrderHeartbeats() throws Exception {
    String id = pending();
    long now = System.currentTimeMillis();
    Task claimed = await(tasks.claim(id, "w", now));

    assertThat(await(tasks.heartbeat(id, claimed.attemptToken(), 50, now + 1))).isTrue();
    assertThat(await(tasks.heartbeat(id, claimed.attemptToken(), 40, now + 2))).as("the late, lower heartbeat")
        .isTrue();

    Task task = await(tasks.find(id));
    assertThat(task.progress()).isEqualTo(50);
    assertThat(task.heartbeatAt()).isEqualTo(now + 2);
  }

  @Test
  @DisplayName("of two attempts under one worker id, only the one holding the task can write, finish or fail it")
  void twoAttemptsOneWorkerId() throws Exception {
    String id = pending();
    long now = System.currentTimeMillis();
    Task first = await(tasks.claim(id, "same-host", now));
    assertThat(await(tasks.release(id, first.attemptToken(), null, now))).isTrue();
    Task second = await(tasks.claim(id, "same-host", now + 1));
    assertThat(second.attemptToken()).isNotEqualTo(first.attemptToken());

    assertThat(await(tasks.heartbeat(id, first.attemptToken(), 90, now + 2))).isFalse();
    assertThat(await(tasks.finish(id, first.attemptToken(), TaskMedia.forAttempt(id, first.attemptToken()), now + 3)))
        .isNull();
    assertThat(await(tasks.fail(id, first.attemptToken(), "late", now + 3))).isFalse();
    assertThat(await(tasks.release(id, first.attemptToken(), null, now + 3))).isFalse();

    TaskMedia won = TaskMedia.forAttempt(id, second.attemptToken());
    Task answered = await(tasks.finish(id, second.attemptToken(), won, now + 4));
    Task finished = await(tasks.find(id));
    assertThat(answered).as("the final state, as written").isEqualTo(finished);
    assertThat(finished.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(finished.media()).isEqualTo(won);
    assertThat(finished.attemptToken()).isNull();
    assertThat(finished.progress()).isEqualTo(100);
  }

  @Test
  @DisplayName("a task released with a not-before time cannot be claimed before it")
  void notBeforeHoldsTheClaim() throws Exception {
    String id = pending();
    long now = System.currentTimeMillis();
    Task first = await(tasks.claim(id, "w", now));
    assertThat(await(tasks.release(id, first.attemptToken(), null, now + 10_000, now))).isTrue();

    assertThat(await(tasks.claim(id, "w", now + 9_999))).isNull();
    Task again = await(tasks.claim(id, "w", now + 10_000));
    assertThat(again).isNotNull();
    assertThat(again.attempts()).isEqualTo(2);
  }

  @Test
  @DisplayName("a task finished before results had names per attempt is served under the legacy names")
  void legacyMedia() throws Exception {
    String id = pending();
    assertThat(await(tasks.find(id)).media()).isEqualTo(TaskMedia.legacy(id));
    assertThat(TaskMedia.legacy(id).video()).isEqualTo(Names.videoFileName(id));
  }

  @Test
  @DisplayName("a claim tried again under its token after its answer was lost finds the task its own; another token does not")
  void claimTriedAgain() throws Exception {
    String id = pending();
    long now = System.currentTimeMillis();
    String token = TaskStore.newAttemptToken();
    Task claimed = await(tasks.claim(id, "w", now, token));

    // The same claim again, as a worker sends it when MongoDB went away before answering the first.
    Task again = await(tasks.claim(id, "w", now + 1_000, token));
    assertThat(again).isNotNull();
    assertThat(again.attemptToken()).isEqualTo(token);
    assertThat(again.attempts()).as("one attempt, not two").isEqualTo(claimed.attempts()).isEqualTo(1);

    assertThat(await(tasks.claim(id, "other", now + 2_000, TaskStore.newAttemptToken())))
        .as("a redelivered message's claim by anyone else").isNull();
  }
}
