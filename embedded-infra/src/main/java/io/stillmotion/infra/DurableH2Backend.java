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
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
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
 * index built from the chunks it holds when it is opened. A query naming an {@code _id} among other
 * conditions reads that one document, as {@link IdFirst} says.
 */
final class DurableH2Backend extends H2Backend {

  /** Made on first use: the super constructor opens the stored databases, before this class's fields are set. */
  private IdFirst idFirst;

  DurableH2Backend(String fileName) {
    super(fileName);
  }

  IdFirst idFirst() {
    if (idFirst == null) {
      idFirst = new IdFirst();
    }
    return idFirst;
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getMvStore(), getCursorRegistry());
  }

  /** Not static: its super constructor opens the stored collections, before any field of its own is set. */
  private final class Database extends H2Database {

    Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
      super(databaseName, store, cursorRegistry);
    }

    /** The maps are those the stock database opens for a collection, so stores written before read alike. */
    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
      String namespace = getFullCollectionNamespace(collectionName);
      return new Collection(this, collectionName, options, getMvStore().openMap("databases." + namespace),
          getMvStore().openMap("meta." + namespace), getCursorRegistry(), idFirst());
    }

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return GridFsChunkIndex.isChunkIndex(collectionName, keys)
          ? openOrCreateUniqueIndex(collectionName, indexName, keys, sparse)
          : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }
  }

  private static final class Collection extends H2Collection {

    private final IdFirst idFirst;

    Collection(MongoDatabase database, String name, CollectionOptions options,
        org.h2.mvstore.MVMap<Object, Document> data, org.h2.mvstore.MVMap<String, Object> meta,
        CursorRegistry cursors, IdFirst idFirst) {
      super(database, name, options, data, meta, cursors);
      this.idFirst = idFirst;
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document projection) {
      Iterable<Object> byId = IdFirst.positions(query, getIndexes());
      return byId == null ? super.queryDocuments(query, orderBy, skip, limit, batchSize, projection)
          : matchDocuments(query, byId, orderBy, skip, limit, batchSize, projection);
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document projection) {
      idFirst.scanned();
      return super.matchDocuments(query, orderBy, skip, limit, batchSize, projection);
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
