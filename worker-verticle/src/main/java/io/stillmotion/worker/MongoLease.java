package io.stillmotion.worker;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

/**
 * A named lease in the {@code leases} collection, so that among many processes only one does a
 * job at a time. Taking or renewing it is one compare-and-set: it succeeds when the lease is free,
 * expired, or already ours. A holder that dies simply stops renewing, and the lease passes on once
 * it expires; clocks of the competing processes only need to agree to well within the lease time.
 */
final class MongoLease {

  static final String COLLECTION = "leases";

  private final MongoClient mongo;
  private final String name;
  private final String owner;
  private final long durationMs;

  MongoLease(MongoClient mongo, String name, String owner, long durationMs) {
    this.mongo = mongo;
    this.name = name;
    this.owner = owner;
    this.durationMs = durationMs;
  }

  /** Takes or renews the lease; true when this process holds it until {@code now + duration}. */
  Future<Boolean> acquire(long now) {
    JsonObject free = new JsonObject().put("_id", name).put("$or", new JsonArray()
        .add(new JsonObject().put("owner", owner))
        .add(new JsonObject().put("expiresAt", new JsonObject().put("$lt", now))));
    JsonObject take = new JsonObject().put("$set", new JsonObject().put("owner", owner)
        .put("expiresAt", now + durationMs));
    return ensureExists()
        .compose(v -> mongo.updateCollection(COLLECTION, free, take))
        .map(r -> r.getDocMatched() > 0);
  }

  /** Gives the lease up at once (clean shutdown), if this process holds it. */
  Future<Void> release() {
    JsonObject mine = new JsonObject().put("_id", name).put("owner", owner);
    return mongo.updateCollection(COLLECTION, mine, new JsonObject().put("$set",
        new JsonObject().put("owner", null).put("expiresAt", 0L))).mapEmpty();
  }

  private Future<Void> ensureExists() {
    JsonObject empty = new JsonObject().put("_id", name).put("owner", null).put("expiresAt", 0L);
    // A duplicate key only says that the document is there already, which is all we need.
    return mongo.insert(COLLECTION, empty).<Void>mapEmpty().otherwiseEmpty();
  }
}
