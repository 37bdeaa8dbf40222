package io.stillmotion.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystemProps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code MIN_FREE_DISK_MB} free on the file systems a service writes to, the one owner of that
 * rule. A full disk is an ordinary outage, but the embedded database does not live through one: the
 * first write it cannot make closes its store for good, and every request after that fails until the
 * process is restarted, even once space is freed. So new work is refused while the disk is short, before
 * anything is written: the gateway answers uploads with {@code 503 storage_full}, a worker leaves its
 * tasks on the queue; both go on by themselves once there is room, and the writes already under way have
 * the reserve to finish in.
 *
 * <p>Free space is read without blocking (Vert.x's file system properties, on a worker thread) and at
 * most every {@value #FRESH_MS} ms; what writes under way were promised is counted apart, so that a burst
 * of uploads between two readings cannot spend the reserve. One instance per verticle (event-loop only).
 */
public final class DiskReserve {

  private static final Logger log = LoggerFactory.getLogger(DiskReserve.class);
  private static final long FRESH_MS = 250;

  private final Vertx vertx;
  private final long reserveBytes;
  private final List<String> dirs;
  private final String who;
  private Future<Long> reading;
  private long readAt;
  private long promised;
  private boolean lowOnSpace;

  /**
   * @param dirs the folders written to; one not made yet is measured at its nearest existing parent, on
   *             whose file system it will be made
   * @param who  what waits while the disk is short, for the log ("uploads are refused")
   */
  public DiskReserve(Vertx vertx, long reserveBytes, String who, Path... dirs) {
    this.vertx = vertx;
    this.reserveBytes = reserveBytes;
    this.who = who;
    List<String> existing = new ArrayList<>();
    for (Path dir : dirs) {
      Path at = dir == null ? null : dir.toAbsolutePath().normalize();
      while (at != null && !Files.isDirectory(at)) {
        at = at.getParent();
      }
      if (at != null && !existing.contains(at.toString())) {
        existing.add(at.toString());
      }
    }
    this.dirs = List.copyOf(existing);
  }

  /**
   * Whether {@code bytes} more can be written while the reserve stays free. Never fails: when free space
   * cannot be read, the answer is yes (this guard must not become an outage of its own).
   */
  public Future<Boolean> hasRoomFor(long bytes) {
    if (reserveBytes <= 0 || dirs.isEmpty()) {
      return Future.succeededFuture(true);
    }
    return usable().map(usable -> {
      boolean room = usable - promised - bytes >= reserveBytes;
      noteState(usable - promised < reserveBytes, usable);
      return room;
    });
  }

  /** Counts {@code bytes} as being written until {@link #release} (the next readings may not show them yet). */
  public void promise(long bytes) {
    promised += bytes;
  }

  public void release(long bytes) {
    promised = Math.max(0, promised - bytes);
  }

  /** The least usable space of the folders' file systems, read at most every {@value #FRESH_MS} ms. */
  private Future<Long> usable() {
    long now = System.currentTimeMillis();
    if (reading == null || now - readAt > FRESH_MS) {
      readAt = now;
      List<Future<FileSystemProps>> props = dirs.stream().map(dir -> vertx.fileSystem().fsProps(dir)).toList();
      reading = Future.all(props).map(all -> props.stream().mapToLong(p -> p.result().usableSpace()).min()
          .orElse(Long.MAX_VALUE)).otherwise(e -> {
            log.debug("free disk space of {} not readable ({})", dirs, e.toString());
            return Long.MAX_VALUE;
          });
    }
    return reading;
  }

  /** One line when the disk becomes short and one when it is not any more: not one per refusal. */
  private void noteState(boolean nowShort, long usable) {
    if (nowShort && !lowOnSpace) {
      log.warn("disk space low: {} MB usable under {}, below MIN_FREE_DISK_MB={}: {} until there is room",
          usable / (1024 * 1024), String.join(", ", dirs), reserveBytes / (1024 * 1024), who);
    } else if (!nowShort && lowOnSpace) {
      log.info("disk space back: {} MB usable under {}", usable / (1024 * 1024), String.join(", ", dirs));
    }
    lowOnSpace = nowShort;
  }
}
