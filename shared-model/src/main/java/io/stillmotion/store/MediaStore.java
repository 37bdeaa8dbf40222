package io.stillmotion.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoGridFsClient;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Media in GridFS buckets, the one owner of the media files. Files are read by name (the newest of
 * that name) and written without ever deleting anything first: a write only adds a file and answers
 * its id, so a writer that lost its right to a name (an attempt whose task was taken over) cannot
 * remove anyone else's file, and removes its own by id. Names that must not collide are made unique
 * by the caller (a render attempt's result has names of its own). Reads can start at any byte, which
 * the Vert.x GridFS client cannot do, by reading the chunk documents directly.
 */
public final class MediaStore {

  /** Chunks fetched per query when streaming: bounded memory (about 2 MB) per download. */
  private static final int CHUNKS_PER_BATCH = 8;

  /** A stored file: its GridFS id, size in bytes, chunk size and upload time. */
  public record StoredFile(Object id, long length, int chunkSize, long uploadedAt) {
  }

  private final Vertx vertx;
  private final MongoClient mongo;
  private final Map<String, Future<MongoGridFsClient>> buckets = new ConcurrentHashMap<>();

  public MediaStore(Vertx vertx, MongoClient mongo) {
    this.vertx = vertx;
    this.mongo = mongo;
  }

  /**
   * Stores a local file under {@code name}; deletes nothing (a name stored again is read as its newest
   * file).
   *
   * @return the new file's GridFS id, for {@link #deleteById}
   */
  public Future<String> putFile(String bucket, String name, Path file) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(in -> gridFs(bucket).compose(fs -> fs.uploadByFileName(in, name))
            .onComplete(r -> in.close()));
  }

  /** Stores bytes under {@code name}, as {@link #putFile}; the new file's GridFS id. */
  public Future<String> putBytes(String bucket, String name, byte[] bytes, Path scratchDir) {
    Path tmp = scratchDir.resolve(name + ".tmp");
    return vertx.fileSystem().mkdirs(scratchDir.toString())
        .compose(v -> vertx.fileSystem().writeFile(tmp.toString(), Buffer.buffer(bytes)))
        .compose(v -> putFile(bucket, name, tmp))
        .eventually(() -> vertx.fileSystem().delete(tmp.toString()).otherwiseEmpty());
  }

  /** The whole file in memory (for uploads, which are bounded by the upload limit). */
  public Future<Buffer> readAll(String bucket, String name) {
    return stat(bucket, name).compose(file -> {
      if (file == null) {
        return Future.failedFuture(new MediaNotFoundException(bucket + "/" + name));
      }
      Buffer all = Buffer.buffer((int) file.length());
      return readChunks(bucket, file, 0, file.length() - 1, data -> {
        all.appendBuffer(data);
        return Future.succeededFuture();
      }).map(all);
    });
  }

  /** Copies a stored file to a local file (created or replaced), a few chunks at a time. */
  public Future<Void> download(String bucket, String name, Path target) {
    return stat(bucket, name).compose(file -> {
      if (file == null) {
        return Future.failedFuture(new MediaNotFoundException(bucket + "/" + name));
      }
      OpenOptions write = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
      return vertx.fileSystem().open(target.toString(), write)
          .compose(out -> copyRange(bucket, file, 0, file.length() - 1, out)
              .eventually(() -> out.close()));
    });
  }

  /** Deletes the one file with this GridFS id (as {@link #putFile} answered it); succeeds when it is gone. */
  public Future<Void> deleteById(String bucket, String id) {
    return gridFs(bucket).compose(fs -> fs.delete(id)).otherwise(e -> {
      if (isMissing(e)) {
        return null;
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    });
  }

  private static boolean isMissing(Throwable e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return message.contains("no file found") || message.contains("not found");
  }

  /**
   * Deletes the files whose names start with {@code prefix}, except those with the given ids: what
   * earlier attempts of a task stored and could not remove themselves (their process was killed).
   *
   * @return how many files were deleted
   */
  public Future<Integer> deleteOthers(String bucket, String prefix, java.util.Collection<String> keepIds) {
    JsonObject byPrefix = new JsonObject().put("filename",
        new JsonObject().put("$regex", "^" + java.util.regex.Pattern.quote(prefix)));
    return gridFs(bucket)
        .compose(fs -> mongo.findWithOptions(bucket + ".files", byPrefix,
                new FindOptions().setFields(new JsonObject().put("_id", 1)))
            .compose(docs -> {
              List<String> others = docs.stream().map(doc -> hexId(doc.getValue("_id")))
                  .filter(id -> id != null && !keepIds.contains(id)).toList();
              return Future.all(others.stream().map(id -> deleteById(bucket, id)).toList()).map(others.size());
            }));
  }

  private static String hexId(Object id) {
    if (id instanceof JsonObject json) {
      return json.getString("$oid");
    }
    return id instanceof String s ? s : null;
  }

  /** Deletes every file called {@code name} (a whole upload, say); succeeds when there is none. */
  public Future<Void> delete(String bucket, String name) {
    return gridFs(bucket)
        .compose(fs -> fs.findIds(new JsonObject().put("filename", name))
            .compose(ids -> Future.all(ids.stream().map(fs::delete).toList())))
        .mapEmpty();
  }

  /** The newest file called {@code name}, or null. */
  public Future<StoredFile> stat(String bucket, String name) {
    FindOptions newest = new FindOptions().setSort(new JsonObject().put("uploadDate", -1).put("_id", -1)).setLimit(1);
    return gridFs(bucket)
        .compose(fs -> mongo.findWithOptions(bucket + ".files", new JsonObject().put("filename", name), newest))
        .map(MediaStore::toStoredFile);
  }

  /**
   * Writes bytes {@code first..last} (inclusive) of a stored file to {@code out}, respecting its
   * back-pressure.
   */
  public Future<Void> copyRange(String bucket, StoredFile file, long first, long last, WriteStream<Buffer> out) {
    return readChunks(bucket, file, first, last, data -> {
      Future<Void> written = out.write(data);
      return out.writeQueueFull() ? written.compose(v -> drained(out)) : Future.succeededFuture();
    });
  }

  private Future<Void> drained(WriteStream<Buffer> out) {
    if (!out.writeQueueFull()) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    out.drainHandler(v -> promise.tryComplete());
    return promise.future();
  }

  private interface ChunkSink {
    Future<Void> accept(Buffer data);
  }

  private Future<Void> readChunks(String bucket, StoredFile file, long first, long last, ChunkSink sink) {
    if (file.length() == 0 || last < first) {
      return Future.succeededFuture();
    }
    int firstChunk = (int) (first / file.chunkSize());
    int lastChunk = (int) (last / file.chunkSize());
    return readBatch(bucket, file, first, last, firstChunk, lastChunk, sink);
  }

  private Future<Void> readBatch(String bucket, StoredFile file, long first, long last, int from, int lastChunk,
      ChunkSink sink) {
    int to = Math.min(lastChunk, from + CHUNKS_PER_BATCH - 1);
    JsonObject query = new JsonObject()
        .put("files_id", file.id())
        .put("n", new JsonObject().put("$gte", from).put("$lte", to));
    FindOptions byN = new FindOptions().setSort(new JsonObject().put("n", 1));
    return mongo.findWithOptions(bucket + ".chunks", query, byN)
        .compose(chunks -> emit(chunks, file, first, last, from, to, sink))
        .compose(v -> to < lastChunk
            ? readBatch(bucket, file, first, last, to + 1, lastChunk, sink)
            : Future.succeededFuture());
  }

  private Future<Void> emit(List<JsonObject> chunks, StoredFile file, long first, long last, int from, int to,
      ChunkSink sink) {
    if (chunks.size() != to - from + 1) {
      return Future.failedFuture(new IllegalStateException("GridFS file " + file.id() + " is missing chunks"));
    }
    Buffer batch = Buffer.buffer();
    for (JsonObject chunk : chunks) {
      long chunkStart = (long) chunk.getInteger("n") * file.chunkSize();
      byte[] data = binary(chunk.getValue("data"));
      int start = (int) Math.max(0, first - chunkStart);
      int end = (int) Math.min(data.length, last - chunkStart + 1);
      if (end > start) {
        batch.appendBytes(data, start, end - start);
      }
    }
    return sink.accept(batch);
  }

  private static StoredFile toStoredFile(List<JsonObject> docs) {
    if (docs.isEmpty()) {
      return null;
    }
    JsonObject doc = docs.get(0);
    Object uploaded = doc.getValue("uploadDate");
    long uploadedAt = uploaded instanceof JsonObject date && date.getValue("$date") instanceof String iso
        ? java.time.Instant.parse(iso).toEpochMilli()
        : 0L;
    return new StoredFile(doc.getValue("_id"), ((Number) doc.getValue("length")).longValue(),
        ((Number) doc.getValue("chunkSize")).intValue(), uploadedAt);
  }

  /** The bytes of a BSON binary value as the Vert.x Mongo client hands it over. */
  static byte[] binary(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof JsonObject json) {
      Object inner = json.getValue("$binary");
      if (inner instanceof JsonObject nested) {
        inner = nested.getValue("base64");
      }
      return binary(inner);
    }
    if (value instanceof String base64) {
      // Vert.x encodes binary as base64url; accept the standard alphabet too.
      return Base64.getUrlDecoder().decode(base64.replace('+', '-').replace('/', '_'));
    }
    throw new IllegalStateException("unexpected GridFS chunk data of type "
        + (value == null ? "null" : value.getClass().getName()));
  }

  private Future<MongoGridFsClient> gridFs(String bucket) {
    return buckets.compute(bucket, (name, existing) ->
        existing == null || existing.failed() ? mongo.createGridFsBucketService(name) : existing);
  }
}
