package io.stillmotion.store;

import io.stillmotion.infra.EmbeddedMongo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoGridFsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.stillmotion.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MediaStoreTest {

  private static EmbeddedMongo server;
  private static Vertx vertx;
  private static MongoClient mongo;
  private static MediaStore store;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    server = EmbeddedMongo.startInMemory();
    vertx = Vertx.vertx();
    mongo = MongoClient.create(vertx,
        new JsonObject().put("connection_string", server.connectionString()).put("db_name", "media-test"));
    store = new MediaStore(vertx, mongo);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static byte[] randomBytes(int size) {
    byte[] data = new byte[size];
    new Random(42).nextBytes(data);
    return data;
  }

  @Test
  @DisplayName("a stored file reads back byte for byte, across many chunks")
  void roundTrip() throws Exception {
    byte[] data = randomBytes(3 * 255 * 1024 + 1234);
    await(store.putBytes("b1", "a.bin", data));
    Buffer back = await(store.readAll("b1", "a.bin"));
    assertThat(back.getBytes()).isEqualTo(data);
    assertThat(await(store.stat("b1", "a.bin")).length()).isEqualTo(data.length);
  }

  @Test
  @DisplayName("a byte range that starts and ends inside chunks returns exactly those bytes")
  void range() throws Exception {
    byte[] data = randomBytes(20 * 255 * 1024 + 77);
    await(store.putBytes("b2", "r.bin", data));
    MediaStore.StoredFile file = await(store.stat("b2", "r.bin"));
    long first = 255 * 1024 - 10;
    long last = 12 * 255 * 1024 + 5;
    Collector out = new Collector();
    await(store.copyRange("b2", file, first, last, out));
    assertThat(out.data.getBytes()).isEqualTo(Arrays.copyOfRange(data, (int) first, (int) last + 1));
  }

  @Test
  @DisplayName("storing a name again is read as the newest file, and deleting the name removes every file of it")
  void sameNameAgain() throws Exception {
    await(store.putBytes("b3", "x.bin", randomBytes(100)));
    await(store.putBytes("b3", "x.bin", new byte[] {1, 2, 3}));
    assertThat(await(store.readAll("b3", "x.bin")).getBytes()).containsExactly(1, 2, 3);
    await(store.delete("b3", "x.bin"));
    assertThat(await(store.stat("b3", "x.bin"))).isNull();
  }

  @Test
  @DisplayName("a write never deletes another file of its name, and deleting by id removes only that file")
  void writeNeverDeletes() throws Exception {
    String first = await(store.putBytes("b4", "y.bin", new byte[] {7, 7}));
    String second = await(store.putBytes("b4", "y.bin", new byte[] {1, 2, 3}));
    assertThat(second).isNotEqualTo(first);

    await(store.deleteById("b4", second));

    assertThat(await(store.readAll("b4", "y.bin")).getBytes()).containsExactly(7, 7);
    await(store.deleteById("b4", second));
    assertThat(await(store.stat("b4", "y.bin"))).isNotNull();
  }

  @Test
  @DisplayName("the files of a name prefix other than those kept are deleted, and nothing outside the prefix")
  void deleteOthers() throws Exception {
    String kept = await(store.putBytes("b5", "t1.aaa.mp4", new byte[] {1}));
    await(store.putBytes("b5", "t1.bbb.mp4", new byte[] {2}));
    await(store.putBytes("b5", "t1.mp4", new byte[] {3}));
    await(store.putBytes("b5", "t10.ccc.mp4", new byte[] {4}));

    assertThat(await(store.deleteOthers("b5", "t1.", java.util.List.of(kept)))).isEqualTo(2);

    assertThat(await(store.stat("b5", "t1.aaa.mp4"))).isNotNull();
    assertThat(await(store.stat("b5", "t1.bbb.mp4"))).isNull();
    assertThat(await(store.stat("b5", "t1.mp4"))).isNull();
    assertThat(await(store.stat("b5", "t10.ccc.mp4"))).isNotNull();
  }

  @Test
  @DisplayName("a local file is stored in GridFS's layout: it reads back here and through the driver's GridFS client")
  void putFileIsGridFs() throws Exception {
    byte[] data = randomBytes(19 * MediaStore.CHUNK_SIZE + 5);
    Path file = tmp.resolve("video.mp4");
    java.nio.file.Files.write(file, data);

    String id = await(store.putFile("b6", "v.mp4", file));

    assertThat(await(store.readAll("b6", "v.mp4")).getBytes()).isEqualTo(data);
    MongoGridFsClient driver = await(mongo.createGridFsBucketService("b6"));
    assertThat(drain(driver.readByFileName("v.mp4")).getBytes()).isEqualTo(data);
    assertThat(await(mongo.count("b6.chunks", new JsonObject().put("files_id", new JsonObject().put("$oid", id)))))
        .isEqualTo(20);
    assertThat(await(mongo.listIndexes("b6.chunks")).stream().map(i -> ((JsonObject) i).getJsonObject("key")))
        .contains(new JsonObject().put("files_id", 1).put("n", 1));
  }

  @Test
  @DisplayName("chunks are put together by their number, whatever order they were stored in")
  void chunksByNumber() throws Exception {
    byte[] data = randomBytes(3 * MediaStore.CHUNK_SIZE + 10);
    String id = await(store.putBytes("b7", "o.bin", data));
    JsonObject ofFile = new JsonObject().put("files_id", new JsonObject().put("$oid", id));
    List<JsonObject> chunks = await(mongo.find("b7.chunks", ofFile));
    await(mongo.removeDocuments("b7.chunks", ofFile));
    for (int i = chunks.size() - 1; i >= 0; i--) {
      chunks.get(i).remove("_id");
      await(mongo.insert("b7.chunks", chunks.get(i)));
    }

    assertThat(await(store.readAll("b7", "o.bin")).getBytes()).isEqualTo(data);
  }

  @Test
  @DisplayName("a file with a chunk missing fails to read, naming the chunk")
  void missingChunk() throws Exception {
    String id = await(store.putBytes("b8", "m.bin", randomBytes(3 * MediaStore.CHUNK_SIZE + 10)));
    await(mongo.removeDocuments("b8.chunks", new JsonObject()
        .put("files_id", new JsonObject().put("$oid", id)).put("n", 1)));

    assertThatThrownBy(() -> await(store.readAll("b8", "m.bin"))).hasMessageContaining("missing chunk 1");
  }

  @Test
  @DisplayName("a file with a chunk shorter than the file says fails to read, naming the chunk")
  void shortChunk() throws Exception {
    String id = await(store.putBytes("b9", "s.bin", randomBytes(2 * MediaStore.CHUNK_SIZE + 10)));
    await(mongo.updateCollection("b9.chunks", new JsonObject()
            .put("files_id", new JsonObject().put("$oid", id)).put("n", 0),
        new JsonObject().put("$set", new JsonObject().put("data", new JsonObject().put("$binary", new byte[100])))));

    assertThatThrownBy(() -> await(store.readAll("b9", "s.bin")))
        .hasMessageContaining("chunk 0 of GridFS file").hasMessageContaining("100 bytes instead of " + MediaStore.CHUNK_SIZE);
  }

  /** Everything a read stream gives until its end. */
  private static Buffer drain(io.vertx.core.streams.ReadStream<Buffer> stream) throws Exception {
    Buffer all = Buffer.buffer();
    io.vertx.core.Promise<Buffer> done = io.vertx.core.Promise.promise();
    stream.exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete(all)).handler(all::appendBuffer);
    return await(done.future());
  }

  /** A write stream that keeps what it is given. */
  private static final class Collector implements WriteStream<Buffer> {
    final Buffer data = Buffer.buffer();

    @Override
    public WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer buffer) {
      data.appendBuffer(buffer);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
      return this;
    }
  }

  @Test
  @DisplayName("the chunks of a write that failed because MongoDB went away are removed once it is back")
  void failedWriteCleanedUpAfterOutage() throws Exception {
    Path dir = tmp.resolve("outage");
    EmbeddedMongo[] own = {EmbeddedMongo.startPersistent(dir, 0)};
    int port = own[0].port();
    MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", own[0].connectionString())
        .put("db_name", "media-outage").put("serverSelectionTimeoutMS", 500));
    MediaStore media = new MediaStore(vertx, client);
    byte[] data = randomBytes(3 * 8 * MediaStore.CHUNK_SIZE);
    try {
      Future<String> put = media.write("b", "f.bin", data.length, (position, length) -> {
        Buffer part = Buffer.buffer(data).slice((int) position, (int) position + length);
        // The first batch is stored; then the database goes away (restarting) for the rest.
        return position == 0 ? Future.succeededFuture(part) : vertx.executeBlocking(() -> {
          own[0].close();
          return part;
        });
      });
      assertThatThrownBy(() -> await(put)).as("the write fails with the database").isNotNull();
      own[0] = EmbeddedMongo.startPersistent(dir, port);

      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
        try {
          return await(client.count("b.chunks", new JsonObject())) == 0;
        } catch (Exception stillAway) {
          return false;
        }
      });
      assertThat(await(client.count("b.files", new JsonObject()))).isZero();
    } finally {
      client.close();
      own[0].close();
    }
  }
}
