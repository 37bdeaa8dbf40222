package io.stillmotion.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoGridFsClient;

import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Media in GridFS buckets, the one owner of the media files. Files are read by name (the newest of
 * that name) and written without ever deleting anything first: a write only adds a file and answers
 * its id, so a writer that lost its right to a name (an attempt whose task was taken over) cannot
 * remove anyone else's file, and removes its own by id. Names that must not collide are made unique
 * by the caller (a render attempt's result has names of its own). Reads can start at any byte, which
 * the Vert.x GridFS client cannot do, by reading the chunk documents directly.
 *
 * <p>Files are written and read here in GridFS's own layout (chunk documents {@code files_id, n,
 * data} of {@value #CHUNK_SIZE} bytes, then the file document, so a reader never sees half a file),
 * a batch of chunks per request: the driver's upload took a database round trip per chunk and copied
 * each chunk once per 8 KB read from the file. Each chunk is read by its key {@code (files_id, n)},
 * the GridFS index, with its length checked, so a missing or damaged chunk fails the read by name.
 */
public final class MediaStore {

  private static final Logger log = LoggerFactory.getLogger(MediaStore.class);
  /** The first wait before a clean-up that met a database outage is tried again; it doubles up to the next. */
  private static final long CLEANUP_RETRY_MS = 1_000;
  private static final long CLEANUP_RETRY_MAX_MS = 30_000;
  /** How long such a clean-up keeps trying in the background. */
  private static final long CLEANUP_RETRY_FOR_MS = 10 * 60_000;

  /** Chunks read or written per step: bounded memory (about 2 MB) per transfer. */
  private static final int CHUNKS_PER_BATCH = 8;
  /** GridFS's default chunk size, as the drivers write it. */
  static final int CHUNK_SIZE = 255 * 1024;
  /** The GridFS spec's index on chunks: a chunk is found by its file and number. */
  private static final JsonObject CHUNKS_INDEX = new JsonObject().put("files_id", 1).put("n", 1);
  /** The GridFS spec's index on files: the newest file of a name. */
  private static final JsonObject FILES_INDEX = new JsonObject().put("filename", 1).put("uploadDate", 1);

  /** A stored file: its GridFS id, size in bytes, chunk size and upload time. */
  public record StoredFile(Object id, long length, int chunkSize, long uploadedAt) {
  }

  private final Vertx vertx;
  private final MongoClient mongo;
  private final Map<String, Future<MongoGridFsClient>> buckets = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> indexed = new ConcurrentHashMap<>();

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
        .compose(in -> vertx.fileSystem().props(file.toString())
            .compose(props -> write(bucket, name, props.size(), (position, length) ->
                in.read(Buffer.buffer(length), 0, position, length)))
            .eventually(() -> in.close()));
  }

  /** Stores bytes under {@code name}, as {@link #putFile}; the new file's GridFS id. */
  public Future<String> putBytes(String bucket, String name, byte[] bytes) {
    Buffer all = Buffer.buffer(bytes);
    return write(bucket, name, bytes.length, (position, length) ->
        Future.succeededFuture(all.slice((int) position, (int) position + length)));
  }

  /** Reads {@code length} bytes of what is being stored, from {@code position}. */
  interface Source {
    Future<Buffer> read(long position, int length);
  }

  /**
   * The chunks a batch at a time, then the file document that makes them a file. A failure removes
   * the chunks written so far (no file document names them, so no reader ever saw them).
   */
  Future<String> write(String bucket, String name, long length, Source source) {
    String id = new ObjectId().toHexString();
    JsonObject fileId = new JsonObject().put("$oid", id);
    JsonObject fileDoc = new JsonObject()
        .put("_id", fileId)
        .put("length", length)
        .put("chunkSize", CHUNK_SIZE)
        .put("uploadDate", new JsonObject().put("$date", java.time.Instant.now().toString()))
        .put("filename", name);
    return indexed(bucket)
        .compose(v -> writeChunks(bucket, fileId, length, source, 0))
        .compose(v -> mongo.insert(bucket + ".files", fileDoc))
        .map(id)
        .recover(e -> removeEventually("the chunks of a failed write of " + bucket + "/" + name,
                () -> mongo.removeDocuments(bucket + ".chunks", new JsonObject().put("files_id", fileId)))
            .transform(r -> Future.failedFuture(e)));
  }

  private Future<Void> writeChunks(String bucket, JsonObject fileId, long length, Source source, long from) {
    if (from >= length) {
      return Future.succeededFuture();
    }
    int batch = (int) Math.min((long) CHUNK_SIZE * CHUNKS_PER_BATCH, length - from);
    return source.read(from, batch).compose(data -> {
      if (data.length() != batch) {
        return Future.failedFuture(new IllegalStateException(
            "read " + data.length() + " bytes at " + from + " instead of " + batch + ": the file changed"));
      }
      List<BulkOperation> chunks = new ArrayList<>();
      for (int offset = 0; offset < batch; offset += CHUNK_SIZE) {
        chunks.add(BulkOperation.createInsert(new JsonObject()
            .put("_id", new JsonObject().put("$oid", new ObjectId().toHexString()))
            .put("files_id", fileId)
            .put("n", (int) ((from + offset) / CHUNK_SIZE))
            .put("data", new JsonObject().put("$binary", data.getBytes(offset, Math.min(batch, offset + CHUNK_SIZE))))));
      }
      return mongo.bulkWrite(bucket + ".chunks", chunks);
    }).compose(v -> writeChunks(bucket, fileId, length, source, from + batch));
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

  /**
   * {@link #delete}, and if MongoDB is out of reach, again in the background until it answers (for up to
   * 10 minutes): for clean-ups that must not be lost to an outage, such as the files of an upload that was
   * refused after they were stored. Answers the first try's outcome; callers need not wait for the database.
   */
  public Future<Void> deleteEventually(String bucket, String name) {
    return removeEventually(bucket + "/" + name, () -> delete(bucket, name));
  }

  /** {@link #deleteById}, tried again in the background as {@link #deleteEventually} is. */
  public Future<Void> deleteByIdEventually(String bucket, String id) {
    return removeEventually(bucket + " file " + id, () -> deleteById(bucket, id));
  }

  /**
   * A removal tried now and, while MongoDB is out of reach, again every 1 s, 2 s … 30 s for up to 10 minutes,
   * so that what a failed write or a refused request leaves behind does not stay for ever because the
   * database was restarting at the time. The answer is the first try's.
   */
  private Future<Void> removeEventually(String what, Supplier<Future<?>> removal) {
    Future<Void> first = removal.get().mapEmpty();
    first.onFailure(e -> {
      if (StoreErrors.unreachable(e)) {
        log.warn("{} not removed: MongoDB is out of reach ({}); trying again in the background", what, e.getMessage());
        retryRemoval(what, removal, CLEANUP_RETRY_MS, System.currentTimeMillis() + CLEANUP_RETRY_FOR_MS);
      }
    });
    return first;
  }

  private void retryRemoval(String what, Supplier<Future<?>> removal, long delay, long until) {
    vertx.setTimer(delay, t -> removal.get()
        .onSuccess(v -> log.info("{} removed, MongoDB answering again", what))
        .onFailure(e -> {
          if (StoreErrors.unreachable(e) && System.currentTimeMillis() + delay < until) {
            retryRemoval(what, removal, Math.min(CLEANUP_RETRY_MAX_MS, 2 * delay), until);
          } else {
            log.warn("{} not removed, given up ({}); nothing refers to it", what, e.getMessage());
          }
        }));
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
    return indexed(bucket)
        .compose(v -> mongo.findWithOptions(bucket + ".files", new JsonObject().put("filename", name), newest))
        .map(MediaStore::toStoredFile);
  }

  /**
   * Writes bytes {@code first..last} (inclusive) of a stored file to {@code out}, respecting its
   * back-pressure: each batch waits for the write before it and then for the stream to drain.
   * Asking {@code writeQueueFull()} right after a write was not enough (most likely because the write
   * is issued from the database client's callback and had not reached the queue yet): a client that
   * read nothing had the whole file (24 MB in GatewayLimitsTest) queued in the gateway's memory within
   * 0.2 s, and its download slot back.
   */
  public Future<Void> copyRange(String bucket, StoredFile file, long first, long last, WriteStream<Buffer> out) {
    return readChunks(bucket, file, first, last, data -> out.write(data).compose(v -> drained(out)));
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
    List<Future<byte[]>> chunks = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      chunks.add(chunk(bucket, file, n));
    }
    return Future.all(chunks)
        .compose(all -> emit(chunks, file, first, last, from, sink))
        .compose(v -> to < lastChunk
            ? readBatch(bucket, file, first, last, to + 1, lastChunk, sink)
            : Future.succeededFuture());
  }

  /** Chunk {@code n} of a file by its key, the bytes checked to be as long as the file says. */
  private Future<byte[]> chunk(String bucket, StoredFile file, int n) {
    JsonObject key = new JsonObject().put("files_id", file.id()).put("n", n);
    return mongo.findOne(bucket + ".chunks", key, new JsonObject().put("data", 1)).compose(doc -> {
      if (doc == null) {
        return Future.failedFuture(new IllegalStateException("GridFS file " + file.id() + " is missing chunk " + n));
      }
      byte[] data = binary(doc.getMap().get("data"));
      long expected = Math.min(file.chunkSize(), file.length() - (long) n * file.chunkSize());
      if (data.length != expected) {
        return Future.failedFuture(new IllegalStateException("chunk " + n + " of GridFS file " + file.id() + " has "
            + data.length + " bytes instead of " + expected));
      }
      return Future.succeededFuture(data);
    });
  }

  private Future<Void> emit(List<Future<byte[]>> chunks, StoredFile file, long first, long last, int from,
      ChunkSink sink) {
    Buffer batch = Buffer.buffer();
    for (int i = 0; i < chunks.size(); i++) {
      long chunkStart = (long) (from + i) * file.chunkSize();
      byte[] data = chunks.get(i).result();
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

  /**
   * The bytes of a BSON binary value as the Vert.x Mongo client hands it over: the array itself (its
   * decoder keeps it in the map; {@code JsonObject.getValue} would copy it into base64 first).
   */
  static byte[] binary(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof JsonObject json) {
      Object inner = json.getMap().get("$binary");
      if (inner instanceof JsonObject nested) {
        inner = nested.getMap().get("base64");
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

  /**
   * The bucket's GridFS indexes, made once per bucket before its first use here, as the drivers make
   * them (MongoDB already has them, and then this changes nothing; the embedded server makes the
   * chunk index unique, as GridFS wants it, since that is the only kind it builds).
   */
  private Future<Void> indexed(String bucket) {
    return indexed.compute(bucket, (name, existing) -> existing == null || existing.failed()
        ? mongo.createIndex(name + ".chunks", CHUNKS_INDEX).compose(v -> mongo.createIndex(name + ".files", FILES_INDEX))
        : existing);
  }

  private Future<MongoGridFsClient> gridFs(String bucket) {
    return buckets.compute(bucket, (name, existing) ->
        existing == null || existing.failed() ? mongo.createGridFsBucketService(name) : existing);
  }
}
