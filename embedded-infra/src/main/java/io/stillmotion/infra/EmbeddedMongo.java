package io.stillmotion.infra;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An in-process MongoDB-compatible server (mongo-java-server) on 127.0.0.1, keeping its data in an
 * H2 file under a data directory, or in memory for tests. Binds a free port unless one is given.
 */
public final class EmbeddedMongo implements AutoCloseable {

  /** The database file under the data directory. */
  private static final String FILE_NAME = "mongo.mv";

  private final MongoServer server;
  private final MongoBackend backend;
  private final InetSocketAddress address;

  private EmbeddedMongo(MongoBackend backend, int port) {
    this.backend = backend;
    this.server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    this.address = server.getLocalAddress();
  }

  /**
   * A server whose data lives in {@code dataDir/mongo.mv}, kept across restarts.
   *
   * @throws DataDirUnusableException as {@link #prepare} does
   */
  public static EmbeddedMongo startPersistent(Path dataDir, int port) {
    prepare(dataDir);
    DurableH2Backend backend;
    try {
      backend = new DurableH2Backend(dataDir.resolve(FILE_NAME).toString());
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        // Opened by another process between the check and here.
        throw DataDirUnusableException.inUse(dataDir, e);
      }
      throw e;
    }
    return new EmbeddedMongo(backend, port);
  }

  /**
   * Makes {@code dataDir} ready for {@link #startPersistent}, a cheap check to make before anything else
   * starts: the directory exists (made if need be) and can be written, and no other process holds its
   * database file.
   *
   * @throws DataDirUnusableException when the directory cannot be made or written, or another process has
   *                                  its database open ({@link DataDirUnusableException#inUse()})
   */
  public static void prepare(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw DataDirUnusableException.unusable(dataDir, reason(e), e);
    }
    if (!Files.isWritable(dataDir)) {
      throw DataDirUnusableException.unusable(dataDir, "this user may not write there", null);
    }
    requireNotInUse(dataDir);
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a part of the path does not exist or is not a folder";
    }
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getClass().getSimpleName();
  }

  /**
   * Fails with {@link DataDirUnusableException#inUse} when another process holds the database file under
   * {@code dataDir} (the lock H2 takes when it opens the file): a cheap check to make before anything
   * else starts. Anything else (no file yet, an unreadable one) is left to the server's own start.
   */
  private static void requireNotInUse(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw DataDirUnusableException.inUse(dataDir, null);
      }
      lock.release();
    } catch (OverlappingFileLockException heldHere) {
      throw DataDirUnusableException.inUse(dataDir, heldHere);
    } catch (IOException e) {
      // Not ours to judge: the server's start reports it with the file's own error.
    }
  }

  /** A server that keeps nothing: for tests. */
  public static EmbeddedMongo startInMemory() {
    return startInMemory(0);
  }

  /** An in-memory server on a given port: tests that stop the database and start it again. */
  public static EmbeddedMongo startInMemory(int port) {
    return new EmbeddedMongo(new GridFsMemoryBackend(), port);
  }

  /** Whole-collection scans this server made so far (tests: which queries an index answers). */
  long scans() {
    return backend instanceof DurableH2Backend h2 ? h2.idFirst().scans()
        : backend instanceof GridFsMemoryBackend memory ? memory.idFirst().scans() : -1;
  }

  public int port() {
    return address.getPort();
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port();
  }

  /**
   * Flushes the H2 store to its file. The persistent server already commits before every reply
   * ({@link DurableH2Backend}); this is for callers that want to be explicit.
   */
  public void commit() {
    if (backend instanceof H2Backend h2) {
      h2.commit();
    }
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
