package io.stillmotion.infra;

import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

import java.util.List;

/** The in-memory backend (tests), with GridFS chunk indexes built as {@link GridFsChunkIndex} says. */
final class GridFsMemoryBackend extends MemoryBackend {

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getCursorRegistry());
  }

  private static final class Database extends MemoryDatabase {

    Database(String databaseName, CursorRegistry cursorRegistry) {
      super(databaseName, cursorRegistry);
    }

    @Override
    protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
        boolean sparse) {
      return GridFsChunkIndex.isChunkIndex(collectionName, keys)
          ? openOrCreateUniqueIndex(collectionName, indexName, keys, sparse)
          : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }
  }
}
