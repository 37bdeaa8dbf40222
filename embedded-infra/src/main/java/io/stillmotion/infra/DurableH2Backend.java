package io.stillmotion.infra;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import org.h2.mvstore.MVStore;

import java.util.List;

/**
 * The H2 (MVStore) backend, committing the store before every reply leaves the server. The stock
 * backend commits on a background timer, so a client could be told "written" up to a second before
 * the bytes reach the file, and {@code kill -9} lost them. Committing writes the new chunk to the
 * file (the operating system's page cache): that survives the death of this process, not a power
 * cut of the machine. A commit with nothing changed costs nothing, so reads are unaffected.
 *
 * <p>GridFS chunk indexes are built, as {@link GridFsChunkIndex} says; a store written before has its
 * index built from the chunks it holds when it is opened.
 */
final class DurableH2Backend extends H2Backend {

  DurableH2Backend(String fileName) {
    super(fileName);
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getMvStore(), getCursorRegistry());
  }

  private static final class Database extends H2Database {

    Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
      super(databaseName, store, cursorRegistry);
    }

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return GridFsChunkIndex.isChunkIndex(collectionName, keys)
          ? openOrCreateUniqueIndex(collectionName, indexName, keys, sparse)
          : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }
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
