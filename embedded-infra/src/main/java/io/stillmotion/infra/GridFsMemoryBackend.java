package io.stillmotion.infra;

import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

import java.util.List;

/**
 * The in-memory backend (tests), with GridFS chunk indexes built as {@link GridFsChunkIndex} says and
 * queries naming an {@code _id} among other conditions served as {@link IdFirst} says.
 */
final class GridFsMemoryBackend extends MemoryBackend {

  /** Made on first use: the super constructor opens the stored databases, before this class's fields are set. */
  private IdFirst idFirst;

  IdFirst idFirst() {
    if (idFirst == null) {
      idFirst = new IdFirst();
    }
    return idFirst;
  }

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getCursorRegistry());
  }

  /** Not static, as the file store's: a database's super constructor may open collections. */
  private final class Database extends MemoryDatabase {

    Database(String databaseName, CursorRegistry cursorRegistry) {
      super(databaseName, cursorRegistry);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
      return new Collection(this, collectionName, options, getCursorRegistry(), idFirst());
    }

    @Override
    protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return GridFsChunkIndex.isChunkIndex(collectionName, keys)
          ? openOrCreateUniqueIndex(collectionName, indexName, keys, sparse)
          : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }
  }

  private static final class Collection extends MemoryCollection {

    private final IdFirst idFirst;

    Collection(MemoryDatabase database, String name, CollectionOptions options, CursorRegistry cursors,
        IdFirst idFirst) {
      super(database, name, options, cursors);
      this.idFirst = idFirst;
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
        Document projection) {
      Iterable<Integer> byId = IdFirst.positions(query, getIndexes());
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
}
