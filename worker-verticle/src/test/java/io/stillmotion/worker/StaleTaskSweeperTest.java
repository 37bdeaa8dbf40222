package io.stillmotion.worker;

import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.infra.TestInfra;
import io.stillmotion.model.Names;
import io.stillmotion.model.ReliabilityConfig;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sweep that puts tasks of dead workers and lost messages back in line, and its lease. */
class StaleTaskSweeperTest {

  private static final ReliabilityConfig RELIABILITY = new ReliabilityConfig(3, 30_000, 0);
  private static Vertx vertx;
  private static MongoClient mongo;
  private static TaskStore tasks;
  private final List<String> published = new CopyOnWriteArrayList<>();
  private long queueDepth;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    mongo = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", TestInfra.mongo().connectionString()).put("db_name", "sweeper-test"));
    tasks = new TaskStore(mongo);
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  @BeforeEach
  void clean() throws Exception {
    get(mongo.removeDocuments(Names.TASKS_COLLECTION, new JsonObject()));
    get(mongo.removeDocuments(MongoLease.COLLECTION, new JsonObject()));
    published.clear();
    queueDepth = 0;
  }

  private StaleTaskSweeper sweeper(String owner) {
    return new StaleTaskSweeper(vertx, mongo, RELIABILITY, owner,
        message -> {
          published.add(TaskMessage.fromBuffer(message).taskId());
          return Future.succeededFuture();
        },
        () -> Future.succeededFuture(queueDepth));
  }

  private static String processing(int attempts, long heartbeatAt) throws Exception {
    String id = TaskMessage.newTaskId();
    JsonObject doc = Task.pending(id, "png", RenderOptions.defaults(), heartbeatAt).toDocument()
        .put("status", TaskStatus.PROCESSING.name()).put("progress", 40).put("attempts", attempts)
        .put("workerId", "dead-worker").put("heartbeatAt", heartbeatAt).put("published", true);
    get(mongo.insert(Names.TASKS_COLLECTION, doc));
    return id;
  }

  private static String pendingPublished(long updatedAt) throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.defaults(), updatedAt);
    get(mongo.insert(Names.TASKS_COLLECTION, task.toDocument().put("published", true)));
    return id;
  }

  @Test
  @DisplayName("a PROCESSING task whose heartbeat is too old goes back to PENDING, keeps its attempts and is published")
  void reclaimsDeadWorkersTask() throws Exception {
    long now = System.currentTimeMillis();
    String id = processing(1, now - 31_000);

    get(sweeper("w1").sweep(now));

    Task task = get(tasks.find(id));
    assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.progress()).isZero();
    assertThat(task.workerId()).isNull();
    assertThat(published).containsExactly(id);
  }

  @Test
  @DisplayName("a task whose worker died on its last allowed attempt is FAILED with a message, not retried")
  void failsWhenAttemptsUsedUp() throws Exception {
    long now = System.currentTimeMillis();
    String id = processing(3, now - 60_000);

    get(sweeper("w1").sweep(now));

    Task task = get(tasks.find(id));
    assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(task.message()).contains("3 times");
    assertThat(published).isEmpty();
  }

  @Test
  @DisplayName("a task with a recent heartbeat is left alone")
  void leavesLiveTasksAlone() throws Exception {
    long now = System.currentTimeMillis();
    String id = processing(1, now - 1_000);

    get(sweeper("w1").sweep(now));

    assertThat(get(tasks.find(id)).status()).isEqualTo(TaskStatus.PROCESSING);
    assertThat(published).isEmpty();
  }

  @Test
  @DisplayName("a published PENDING task untouched for long is published again only while the queue is empty, once per period")
  void rescuesLostMessages() throws Exception {
    long now = System.currentTimeMillis();
    String old = pendingPublished(now - 120_000);
    String recent = pendingPublished(now - 1_000);

    queueDepth = 5;
    get(sweeper("w1").sweep(now));
    assertThat(published).isEmpty();

    queueDepth = 0;
    get(sweeper("w1").sweep(now));
    assertThat(published).containsExactly(old);

    get(sweeper("w1").sweep(now + 1_000));
    assertThat(published).containsExactly(old);
    assertThat(recent).isNotNull();
  }

  @Test
  @DisplayName("a PENDING task whose message was lost is published again even while other messages keep the queue busy")
  void rescuesLostMessagesUnderBacklog() throws Exception {
    long now = System.currentTimeMillis();
    String lost = pendingPublished(now - 20 * 60_000);
    String waiting = pendingPublished(now - 1_000);
    queueDepth = 500;

    get(sweeper("w1").sweep(now));
    assertThat(published).containsExactly(lost);

    get(sweeper("w1").sweep(now + 1_000));
    assertThat(published).as("published again at most once per period").containsExactly(lost);
    assertThat(waiting).isNotNull();
  }

  @Test
  @DisplayName("the lease lets one sweeper at a time in, and passes on when its holder stops renewing")
  void leaseIsExclusive() throws Exception {
    long now = System.currentTimeMillis();
    MongoLease first = new MongoLease(mongo, "test-lease", "a", 1_000);
    MongoLease second = new MongoLease(mongo, "test-lease", "b", 1_000);

    assertThat(get(first.acquire(now))).isTrue();
    assertThat(get(second.acquire(now + 10))).isFalse();
    assertThat(get(first.acquire(now + 500))).isTrue();
    assertThat(get(second.acquire(now + 1_400))).isFalse();
    assertThat(get(second.acquire(now + 1_501))).isTrue();
    assertThat(get(first.acquire(now + 1_600))).isFalse();
    get(second.release());
    assertThat(get(first.acquire(now + 1_700))).isTrue();
  }

  @Test
  @DisplayName("after MongoDB was out of reach, heartbeats are judged only once a heartbeat timeout has passed with it back")
  void noReclaimRightAfterADatabaseOutage() throws Exception {
    // A restartable database of its own, its data kept on disk as MongoDB keeps it across a restart.
    Path dir = Files.createTempDirectory("sweeper-outage");
    EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0);
    int port = server.port();
    MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", server.connectionString())
        .put("db_name", "sweeper-outage").put("serverSelectionTimeoutMS", 3_000));
    try {
      long timeout = 1_000;
      StaleTaskSweeper sweeper = new StaleTaskSweeper(vertx, client, new ReliabilityConfig(3, timeout, 0), "w1",
          message -> Future.succeededFuture(), () -> Future.succeededFuture(0L));
      long now = System.currentTimeMillis();
      // Rendering when MongoDB went away: its worker could not write a heartbeat since.
      String id = TaskMessage.newTaskId();
      get(client.insert(Names.TASKS_COLLECTION, Task.pending(id, "png", RenderOptions.defaults(), now).toDocument()
          .put("status", TaskStatus.PROCESSING.name()).put("attempts", 1).put("workerId", "live-worker")
          .put("heartbeatAt", now - 5_000).put("published", true)));

      server.close();
      assertThatThrownBy(() -> get(sweeper.tick())).as("a sweep while MongoDB is away fails").isNotNull();
      // The next sweep's call waits for the database, which stays away longer than a heartbeat timeout (the
      // scenario, not a wait for a result), then answers: the judging starts from that answer.
      Future<Void> waiting = sweeper.tick();
      Thread.sleep(timeout + 500);
      server = EmbeddedMongo.startPersistent(dir, port);
      get(waiting);
      get(sweeper.tick());
      assertThat(get(new TaskStore(client).find(id)).status())
          .as("a live worker gets a heartbeat timeout to write its heartbeat again").isEqualTo(TaskStatus.PROCESSING);

      // A worker that stays silent for that long is dead after all.
      get(sweeper.sweep(System.currentTimeMillis() + timeout + 1));
      assertThat(get(new TaskStore(client).find(id)).status()).isEqualTo(TaskStatus.PENDING);
    } finally {
      client.close();
      server.close();
    }
  }
}
