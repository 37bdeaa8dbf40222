package io.stillmotion.infra;

import de.bwaldvogel.mongo.backend.IndexKey;

import java.util.List;

/**
 * GridFS's index on a bucket's chunks, {@code {files_id: 1, n: 1}}, is unique by the GridFS spec
 * (a file has one chunk of each number); the drivers here ask for it without saying so.
 * mongo-java-server builds unique indexes only and ignores the others, so without this every read
 * of a chunk scanned, and on the file store deserialized, every chunk of every stored file: a read
 * grew with everything ever stored. Its unique index answers a query naming both keys.
 */
final class GridFsChunkIndex {

  private GridFsChunkIndex() {
  }

  /** Whether an index asked for on {@code collectionName} is a GridFS bucket's chunk index. */
  static boolean isChunkIndex(String collectionName, List<IndexKey> keys) {
    return collectionName.endsWith(".chunks") && keys.size() == 2
        && keys.get(0).getKey().equals("files_id") && keys.get(0).isAscending()
        && keys.get(1).getKey().equals("n") && keys.get(1).isAscending();
  }
}
