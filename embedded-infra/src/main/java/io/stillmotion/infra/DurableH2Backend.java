package io.stillmotion.infra;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;

/**
 * The H2 (MVStore) backend, committing the store before every reply leaves the server. The stock
 * backend commits on a background timer, so a client could be told "written" up to a second before
 * the bytes reach the file, and {@code kill -9} lost them. Committing writes the new chunk to the
 * file (the operating system's page cache): that survives the death of this process, not a power
 * cut of the machine. A commit with nothing changed costs nothing, so reads are unaffected.
 */
final class DurableH2Backend extends H2Backend {

  DurableH2Backend(String fileName) {
    super(fileName);
  }

  @Override
  public Document handleMessage(MongoMessage message) {
    try {
      return super.handleMessage(message);
    } finally {
      commit();
    }
  }

  @Override
  public QueryResult handleQuery(MongoQuery query) {
    try {
      return super.handleQuery(query);
    } finally {
      commit();
    }
  }
}
