package io.stillmotion.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.nio.file.Path;

/**
 * Child process for {@link EmbeddedMongoDurabilityTest}: starts the persistent embedded server and
 * inserts documents one after the other, printing {@code ACK n} once the server acknowledged
 * document n, until it is killed. Argument 2 = "stock" uses the unmodified H2 backend (to measure
 * what it loses).
 */
public final class AckedWritesProbe {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean stock = args.length > 1 && args[1].equals("stock");
    String uri;
    if (stock) {
      MongoServer server = new MongoServer(new H2Backend(dir.resolve("mongo.mv").toString()));
      server.bind("127.0.0.1", 0);
      uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    } else {
      uri = EmbeddedMongo.startPersistent(dir, 0).connectionString();
    }
    Vertx vertx = Vertx.vertx();
    MongoClient client = MongoClient.create(vertx, new JsonObject().put("connection_string", uri)
        .put("db_name", "durability"));
    for (int i = 0; ; i++) {
      client.insert("acked", new JsonObject().put("_id", i).put("payload", "x".repeat(512)))
          .await();
      System.out.println("ACK " + i);
      System.out.flush();
    }
  }
}
