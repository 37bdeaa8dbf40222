package io.stillmotion.infra;

import java.nio.file.Path;

/**
 * The embedded database's file is locked by another process: another {@code make run} (or a test) is
 * using the same data directory. Two servers on one file would corrupt it, so the second does not start.
 */
public final class DataDirInUseException extends IllegalStateException {

  private final transient Path dataDir;

  DataDirInUseException(Path dataDir, Throwable cause) {
    super("the database in " + dataDir + " is in use by another running process (its file is locked)", cause);
    this.dataDir = dataDir;
  }

  public Path dataDir() {
    return dataDir;
  }
}
