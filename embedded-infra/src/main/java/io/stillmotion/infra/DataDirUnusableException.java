package io.stillmotion.infra;

import java.nio.file.Path;

/** The data directory cannot be made or written (no permission, a file in its path, a read-only mount). */
public final class DataDirUnusableException extends IllegalStateException {

  private final transient Path dataDir;
  private final String reason;

  DataDirUnusableException(Path dataDir, String reason, Throwable cause) {
    super("cannot use " + dataDir + ": " + reason, cause);
    this.dataDir = dataDir;
    this.reason = reason;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Why, in a few words: "permission denied", "not a directory", … */
  public String reason() {
    return reason;
  }
}
