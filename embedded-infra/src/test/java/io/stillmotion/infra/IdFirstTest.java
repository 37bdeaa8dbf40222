package io.stillmotion.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query naming one {@code _id} among other conditions (the task store's compare-and-set writes)
 * reads that one document from the {@code _id} index instead of scanning the collection, and answers
 * exactly what a scan would.
 */
class IdFirstTest {

  private static final int TASKS = 50;
  private static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  @Test
  @DisplayName("in memory, writes and reads conditioned on an _id and more scan nothing and match as before")
  void inMemory() throws Exception {
    try (EmbeddedMongo server = EmbeddedMongo.startInMemory()) {
      assertServedById(server);
    }
  }

  @Test
  @DisplayName("on file, writes and reads conditioned on an _id and more scan nothing and match as before")
  void onFile() throws Exception {
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0)) {
      assertServedById(server);
    }
  }

  @Test
  @DisplayName("a store written by the stock file backend reads back, by _id and more, and takes writes")
  void storeWrittenBefore() throws Exception {
    MongoServer old = new MongoServer(new H2Backend(dir.resolve("mongo.mv").toString()));
    old.bind("127.0.0.1", 0);
    try {
      MongoClient mongo = MongoClient.create(vertx, new JsonObject()
          .put("connection_string", "mongodb://127.0.0.1:" + old.getLocalAddress().getPort()).put("db_name", "t"));
      insertTasks(mongo);
      get(mongo.close());
    } finally {
      old.shutdown();
    }
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0)) {
      MongoClient mongo = client(server);
      assertThat(get(mongo.findOne("tasks", held("t7", "token-7"), null))).isNotNull();
      assertThat(get(mongo.updateCollection("tasks", held("t7", "token-7"), heartbeat())).getDocMatched())
          .isEqualTo(1);
      assertThat(get(mongo.count("tasks", new JsonObject()))).isEqualTo(TASKS);
    }
  }

  private static void assertServedById(EmbeddedMongo server) throws Exception {
    MongoClient mongo = client(server);
    insertTasks(mongo);
    long scans = server.scans();

    assertThat(get(mongo.updateCollection("tasks", held("t7", "token-7"), heartbeat())).getDocMatched())
        .as("the heartbeat of the attempt holding t7").isEqualTo(1);
    assertThat(get(mongo.updateCollection("tasks", held("t7", "token-8"), heartbeat())).getDocMatched())
        .as("a heartbeat with another attempt's token").isZero();
    assertThat(get(mongo.updateCollection("tasks", held("nobody", "token-7"), heartbeat())).getDocMatched())
        .as("a heartbeat of a task that does not exist").isZero();
    JsonObject claim = new JsonObject().put("_id", "t8").put("status", "PROCESSING")
        .put("$or", new JsonArray().add(new JsonObject().put("notBefore", null))
            .add(new JsonObject().put("notBefore", new JsonObject().put("$lte", 5))));
    JsonObject claimed = get(mongo.findOneAndUpdateWithOptions("tasks", claim,
        new JsonObject().put("$inc", new JsonObject().put("attempts", 1)), new FindOptions(),
        new UpdateOptions().setReturningNewDocument(true)));
    assertThat(claimed.getInteger("attempts")).isEqualTo(1);
    assertThat(get(mongo.findOne("tasks", held("t9", "token-9"), null)).getString("_id")).isEqualTo("t9");
    assertThat(server.scans()).as("scans of the collection for queries naming an _id").isEqualTo(scans);

    assertThat(get(mongo.count("tasks", new JsonObject().put("status", "PROCESSING")))).isEqualTo(TASKS);
    assertThat(server.scans()).as("a query naming no _id still scans").isGreaterThan(scans);
    assertThat(get(mongo.findOne("tasks", new JsonObject().put("_id", "t7"), null)).getLong("heartbeatAt"))
        .isEqualTo(99);
  }

  private static void insertTasks(MongoClient mongo) throws Exception {
    for (int i = 0; i < TASKS; i++) {
      get(mongo.insert("tasks", new JsonObject().put("_id", "t" + i).put("status", "PROCESSING")
          .put("attempt", new JsonObject().put("token", "token-" + i)).put("heartbeatAt", 1)));
    }
  }

  private static JsonObject held(String id, String token) {
    return new JsonObject().put("_id", id).put("status", "PROCESSING").put("attempt.token", token);
  }

  private static JsonObject heartbeat() {
    return new JsonObject().put("$set", new JsonObject().put("heartbeatAt", 99));
  }

  private static MongoClient client(EmbeddedMongo server) {
    return MongoClient.create(vertx, new JsonObject().put("connection_string", server.connectionString())
        .put("db_name", "t"));
  }
}
