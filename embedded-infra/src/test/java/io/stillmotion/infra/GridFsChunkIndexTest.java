package io.stillmotion.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The GridFS chunk index, asked for as the drivers ask for it, is built (as a unique index) by the
 * embedded server, in memory and on file, also over chunks stored before it existed. Without it, a
 * chunk lookup scans every chunk of every file.
 */
class GridFsChunkIndexTest {

  private static final JsonObject CHUNK_INDEX = new JsonObject().put("files_id", 1).put("n", 1);
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
  @DisplayName("in memory, the chunk index holds each (files_id, n) once")
  void inMemory() throws Exception {
    try (EmbeddedMongo server = EmbeddedMongo.startInMemory()) {
      MongoClient mongo = client(server);
      get(mongo.createIndex("b.chunks", CHUNK_INDEX));
      assertIndexed(mongo, "b.chunks");
    }
  }

  @Test
  @DisplayName("on file, the chunk index holds each (files_id, n) once, and still after a restart")
  void onFile() throws Exception {
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0)) {
      MongoClient mongo = client(server);
      get(mongo.createIndex("b.chunks", CHUNK_INDEX));
      assertIndexed(mongo, "b.chunks");
    }
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0)) {
      assertThatThrownBy(() -> get(client(server).insert("b.chunks", chunk("f", 0))))
          .as("a second chunk 0 of file f after the restart").hasMessageContaining("duplicate key");
    }
  }

  @Test
  @DisplayName("a store whose chunks were written without the index gets it built over them when opened")
  void builtOverOldChunks() throws Exception {
    MongoServer old = new MongoServer(new H2Backend(dir.resolve("mongo.mv").toString()));
    old.bind("127.0.0.1", 0);
    try {
      MongoClient mongo = MongoClient.create(vertx, new JsonObject()
          .put("connection_string", "mongodb://127.0.0.1:" + old.getLocalAddress().getPort()).put("db_name", "t"));
      get(mongo.createIndex("b.chunks", CHUNK_INDEX));
      get(mongo.insert("b.chunks", chunk("f", 0)));
      get(mongo.insert("b.chunks", chunk("f", 1)));
      get(mongo.close());
    } finally {
      old.shutdown();
    }
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir, 0)) {
      MongoClient mongo = client(server);
      assertThatThrownBy(() -> get(mongo.insert("b.chunks", chunk("f", 1))))
          .as("a second chunk 1 of file f, the first stored before the index").hasMessageContaining("duplicate key");
      assertThat(get(mongo.findOne("b.chunks", new JsonObject().put("files_id", "f").put("n", 0), null)))
          .isNotNull();
    }
  }

  @Test
  @DisplayName("other indexes and other collections are left as the server makes them")
  void onlyChunkIndexes() throws Exception {
    try (EmbeddedMongo server = EmbeddedMongo.startInMemory()) {
      MongoClient mongo = client(server);
      get(mongo.createIndex("b.files", CHUNK_INDEX));
      get(mongo.insert("b.files", chunk("f", 0)));
      get(mongo.insert("b.files", chunk("f", 0)));
      assertThat(get(mongo.count("b.files", new JsonObject()))).isEqualTo(2);
    }
  }

  private static void assertIndexed(MongoClient mongo, String collection) throws Exception {
    get(mongo.insert(collection, chunk("f", 0)));
    get(mongo.insert(collection, chunk("f", 1)));
    get(mongo.insert(collection, chunk("g", 0)));
    assertThatThrownBy(() -> get(mongo.insert(collection, chunk("f", 1))))
        .as("a second chunk 1 of file f").hasMessageContaining("duplicate key");
    assertThat(get(mongo.findOne(collection, new JsonObject().put("files_id", "g").put("n", 0), null)))
        .isNotNull();
  }

  private static JsonObject chunk(String file, int n) {
    return new JsonObject().put("files_id", file).put("n", n).put("data", "x");
  }

  private static MongoClient client(EmbeddedMongo server) {
    return MongoClient.create(vertx, new JsonObject().put("connection_string", server.connectionString())
        .put("db_name", "t"));
  }

}
