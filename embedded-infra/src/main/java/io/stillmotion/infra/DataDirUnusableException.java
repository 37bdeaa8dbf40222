package io.stillmotion.infra;

import java.nio.file.Path;

/**
 * The embedded database's data directory cannot be used: it cannot be made or written (no permission, a
 * file in its path, a read-only mount), or another process (another {@code make run}) has its database file
 * open, and two servers on one file would corrupt it.
 */
public final class DataDirUnusableException extends IllegalStateException {

  private final transient Path dataDir;
  private final String reason;
  private final boolean inUse;

  private DataDirUnusableException(Path dataDir, String reason, boolean inUse, Throwable cause) {
    super("cannot use " + dataDir + ": " + reason, cause);
    this.dataDir = dataDir;
    this.reason = reason;
    this.inUse = inUse;
  }

  /** The directory cannot be made or written, for {@code reason}. */
  static DataDirUnusableException unusable(Path dataDir, String reason, Throwable cause) {
    return new DataDirUnusableException(dataDir, reason, false, cause);
  }

  /** Another process holds the database file. */
  static DataDirUnusableException inUse(Path dataDir, Throwable cause) {
    return new DataDirUnusableException(dataDir, "its database file is locked by another running process", true, cause);
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Why, in a few words: "permission denied", "not a directory", … */
  public String reason() {
    return reason;
  }

  /** Another process has the database open (rather than the directory being unusable by anyone). */
  public boolean inUse() {
    return inUse;
  }
}
