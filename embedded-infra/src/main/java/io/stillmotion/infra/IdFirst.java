package io.stillmotion.infra;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A query that names one {@code _id} among other conditions ({@code {_id, status, attempt.token}}, the
 * compare-and-set of every task write) is answered from the {@code _id} index: the one document with
 * that id, if any, is matched against the whole query. mongo-java-server uses an index only for a query
 * on exactly its keys, so these scanned, and on the file store deserialized, every document of the
 * collection: a heartbeat, claim or finish grew with every task ever stored.
 */
final class IdFirst {

  /** Whole-collection scans of the server, all collections together (tests read it). */
  private final LongAdder scans = new LongAdder();

  long scans() {
    return scans.sum();
  }

  void scanned() {
    scans.increment();
  }

  /**
   * The {@code _id} index's positions for the query's {@code _id}, or null when the query is not one
   * this serves: no {@code _id}, {@code _id} alone (the server already uses the index), or an
   * {@code _id} condition the index cannot look up as it would the same id alone ({@code $in}, ranges...).
   */
  static <P> Iterable<P> positions(Document query, List<Index<P>> indexes) {
    Object id = query.get("_id");
    if (query.size() < 2 || id == null || id instanceof Document condition
        && condition.keySet().stream().anyMatch(key -> key.startsWith("$"))) {
      return null;
    }
    Document byId = new Document("_id", id);
    for (Index<P> index : indexes) {
      List<IndexKey> keys = index.getKeys();
      if (keys.size() == 1 && keys.get(0).getKey().equals("_id") && index.canHandle(byId)) {
        return index.getPositions(byId);
      }
    }
    return null;
  }
}
