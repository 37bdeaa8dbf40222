package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RowBandsTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("every row is done exactly once, and the helper takes a share of the bands")
  void everyRowOnce() {
    int rows = 1000;
    AtomicIntegerArray seen = new AtomicIntegerArray(rows);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    CountDownLatch helperStarted = new CountDownLatch(1);
    CountDownLatch callerStarted = new CountDownLatch(1);
    String caller = Thread.currentThread().getName();
    new RowBands(pool, 1).run(rows, (from, to) -> {
      threads.add(Thread.currentThread().getName());
      // each holds its first band until the other has one, so both surely share the loop
      if (Thread.currentThread().getName().equals(caller)) {
        callerStarted.countDown();
        await(helperStarted);
      } else {
        helperStarted.countDown();
        await(callerStarted);
      }
      for (int r = from; r < to; r++) {
        seen.incrementAndGet(r);
      }
    });
    for (int r = 0; r < rows; r++) {
      assertThat(seen.get(r)).as("row %d", r).isEqualTo(1);
    }
    assertThat(threads).hasSize(2);
  }

  @Test
  @DisplayName("with its helpers busy, or their pool shut down, the caller does every band itself")
  void callerAloneWhenNoHelper() {
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(() -> await(release));
    pool.execute(() -> await(release));
    List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
    new RowBands(pool, 1).run(300, (from, to) -> ranges.add(new int[] {from, to}));
    release.countDown();
    assertThat(covered(ranges)).isEqualTo(300);

    ranges.clear();
    new RowBands(command -> {
      throw new RejectedExecutionException("shut down");
    }, 1).run(300, (from, to) -> ranges.add(new int[] {from, to}));
    assertThat(covered(ranges)).isEqualTo(300);
  }

  @Test
  @DisplayName("a loop too short to share runs as one call on the caller")
  void shortLoopInOneCall() {
    List<int[]> ranges = new ArrayList<>();
    new RowBands(pool, 1).run(16, (from, to) -> ranges.add(new int[] {from, to}));
    assertThat(ranges).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 16));
    RowBands.SERIAL.run(500, (from, to) -> ranges.add(new int[] {from, to}));
    assertThat(ranges).hasSize(2);
    assertThat(ranges.get(1)).containsExactly(0, 500);
  }

  @Test
  @DisplayName("a band that fails on a helper fails the loop on the caller")
  void helperFailureReachesCaller() {
    String caller = Thread.currentThread().getName();
    CountDownLatch helperFailed = new CountDownLatch(1);
    assertThatThrownBy(() -> new RowBands(pool, 1).run(1000, (from, to) -> {
      if (!Thread.currentThread().getName().equals(caller)) {
        helperFailed.countDown();
        throw new IllegalStateException("band " + from);
      }
      await(helperFailed);
    })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("band ");
  }

  private static int covered(List<int[]> ranges) {
    boolean[] rows = new boolean[ranges.stream().mapToInt(r -> r[1]).max().orElse(0)];
    int total = 0;
    for (int[] r : ranges) {
      for (int i = r[0]; i < r[1]; i++) {
        assertThat(rows[i]).as("row %d done twice", i).isFalse();
        rows[i] = true;
        total++;
      }
    }
    return total;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
