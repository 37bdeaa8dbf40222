package io.stillmotion.store;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

class DiskReserveTest {

  /** More than any disk has. */
  private static final long PETABYTE = 1L << 50;
  private static Vertx vertx;
  private static Path dir;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("disk-reserve");
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  /** Runs on a Vert.x context, as the verticles use it. */
  private static boolean room(DiskReserve reserve, long bytes) throws Exception {
    return get(vertx.executeBlocking(() -> true).compose(v -> reserve.hasRoomFor(bytes)));
  }

  @Test
  @DisplayName("a reserve larger than the free space refuses; none, or a small one, lets writes through")
  void reserve() throws Exception {
    assertThat(room(new DiskReserve(vertx, PETABYTE, "test", dir), 0)).isFalse();
    assertThat(room(new DiskReserve(vertx, 0, "test", dir), PETABYTE)).isTrue();
    assertThat(room(new DiskReserve(vertx, 1, "test", dir), 1)).isTrue();
  }

  @Test
  @DisplayName("writes under way count against the room until they are released")
  void promises() throws Exception {
    DiskReserve reserve = new DiskReserve(vertx, 1, "test", dir);
    reserve.promise(PETABYTE);
    assertThat(room(reserve, 1)).isFalse();
    reserve.release(PETABYTE);
    assertThat(room(reserve, 1)).isTrue();
  }

  @Test
  @DisplayName("a folder not made yet is measured on the file system it will be made on")
  void folderNotMadeYet() throws Exception {
    Path later = dir.resolve("not").resolve("yet");
    assertThat(room(new DiskReserve(vertx, PETABYTE, "test", later), 0)).isFalse();
    assertThat(Files.exists(later)).isFalse();
  }
}
