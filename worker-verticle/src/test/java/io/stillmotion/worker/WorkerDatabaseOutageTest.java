package io.stillmotion.worker;

import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MongoDB restarting while a worker renders (an operator's restart, an upgrade, a network cut): the
 * render is kept and stored once the database is back, the task keeps its attempt, nothing is lost
 * or left behind. The database keeps its data on disk across the restart, as MongoDB does.
 */
class WorkerDatabaseOutageTest {

  private static WorkerTestBed bed;
  private static Path mongoDir;
  private static EmbeddedMongo server;
  private static int port;
  private static MongoClient mongo;
  private static TaskStore tasks;
  private static MediaStore media;

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "worker-database-outage-test",
        Map.of("WORKER_ID", "outage-worker", "RENDER_THREADS", "1", "HEARTBEAT_TIMEOUT_MS", "2000"), true);
    mongoDir = Files.createTempDirectory("worker-outage-mongo");
    server = EmbeddedMongo.startPersistent(mongoDir, 0);
    port = server.port();
    mongo = MongoClient.create(bed.vertx, new JsonObject().put("connection_string", server.connectionString())
        .put("db_name", "outage").put("serverSelectionTimeoutMS", 1000));
    tasks = new TaskStore(mongo);
    media = new MediaStore(bed.vertx, mongo);
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
    server.close();
  }

  @Test
  @DisplayName("a render that ends while MongoDB is down is stored once it is back, in the same attempt")
  void renderOutlivesADatabaseRestart() throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720",
        "fps", "24")), System.currentTimeMillis());
    get(media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), WorkerVerticleTest.png(200, 150)));
    get(tasks.insert(task));
    CountDownLatch proceed = new CountDownLatch(1);
    WorkerReliabilityTest.FlakyWorker worker = new WorkerReliabilityTest.FlakyWorker(bed.config(Map.of(
        "MONGO_URI", server.connectionString(), "MONGO_DB", "outage")), 0, proceed);
    String deployment = get(bed.vertx.deployVerticle(worker));
    try {
      get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, new TaskMessage(id).toBuffer()));
      // Rendering, its upload read: the database goes away while the render runs.
      assertThat(worker.rendering.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      server.close();
      proceed.countDown();
      // The render is done and its video cannot be stored: the worker says it waits for the database.
      await().atMost(Duration.ofSeconds(60)).until(() -> waitingFor(worker, id) != null);
      assertThat(waitingFor(worker, id)).isIn("storing the video", "storing the stills");

      server = EmbeddedMongo.startPersistent(mongoDir, port);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        try {
          return get(tasks.find(id)).status().isTerminal();
        } catch (Exception stillAway) {
          return false;
        }
      });

      Task done = get(tasks.find(id));
      assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
      assertThat(done.attempts()).as("the outage cost no attempt").isEqualTo(1);
      assertThat(get(media.readAll(Names.VIDEOS_BUCKET, done.media().video())).length()).isGreaterThan(1000);
      assertThat(get(mongo.count(Names.VIDEOS_BUCKET + ".files", new JsonObject().put("filename",
          new JsonObject().put("$regex", "^" + id)))))
          .as("the video, poster and thumbnail of the one attempt, nothing else").isEqualTo(3);
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.currentTasks().isEmpty());
    } finally {
      get(bed.vertx.undeploy(deployment));
    }
  }

  /** What the worker says the task waits for MongoDB to do, or null. */
  private static String waitingFor(WorkerVerticle worker, String id) {
    JsonArray current = worker.currentTasks();
    for (int i = 0; i < current.size(); i++) {
      JsonObject job = current.getJsonObject(i);
      if (id.equals(job.getString("id"))) {
        return job.getString("waitingForDatabase");
      }
    }
    return null;
  }
}
