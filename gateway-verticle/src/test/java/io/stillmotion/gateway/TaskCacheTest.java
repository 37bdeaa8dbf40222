package io.stillmotion.gateway;

import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class TaskCacheTest {

  private final AtomicBoolean connected = new AtomicBoolean(true);
  private final TaskCache cache = new TaskCache(connected::get);

  @Test
  @DisplayName("a terminal task is answered from the cache, whatever the events and the broker do")
  void terminalKept() {
    cache.put(task("a", TaskStatus.FINISHED), cache.version());
    cache.onEvent(event("a", TaskStatus.FINISHED));
    cache.onSubscribed();
    connected.set(false);
    assertThat(cache.json("a").toJsonObject().getString("status")).isEqualTo("FINISHED");
  }

  @Test
  @DisplayName("an event that carries its task's final state is answered from the cache at once, without a read")
  void finalStateFromItsEvent() {
    cache.put(task("a", TaskStatus.PROCESSING), cache.version());
    Task finished = task("a", TaskStatus.FINISHED);
    cache.onEvent(TaskEvent.of(finished));
    assertThat(cache.json("a").toJsonObject()).isEqualTo(finished.toApiJson());
    cache.onEvent(TaskEvent.of(task("b", TaskStatus.CANCELLED)));
    assertThat(cache.json("b").toJsonObject().getString("status")).isEqualTo("CANCELLED");
    cache.onEvent(event("c", TaskStatus.FAILED));
    assertThat(cache.json("c")).as("a terminal event without its state: read it").isNull();
  }

  @Test
  @DisplayName("a live task is answered from the cache until an event of it arrives")
  void liveDroppedByItsEvent() {
    cache.put(task("a", TaskStatus.PROCESSING), cache.version());
    cache.put(task("b", TaskStatus.PROCESSING), cache.version());
    assertThat(cache.json("a")).isNotNull();
    cache.onEvent(event("a", TaskStatus.PROCESSING));
    assertThat(cache.json("a")).isNull();
    assertThat(cache.json("b")).isNotNull();
  }

  @Test
  @DisplayName("a live task read before an event arrived is not kept: the read may predate it")
  void readThatCrossedAnEvent() {
    long before = cache.version();
    cache.onEvent(event("a", TaskStatus.CANCELLED));
    cache.put(task("a", TaskStatus.PROCESSING), before);
    assertThat(cache.json("a")).isNull();
  }

  @Test
  @DisplayName("live tasks are neither kept nor answered while the relay is disconnected, and dropped on resubscribing")
  void disconnection() {
    cache.put(task("a", TaskStatus.PENDING), cache.version());
    connected.set(false);
    assertThat(cache.json("a")).isNull();
    cache.put(task("b", TaskStatus.PENDING), cache.version());
    connected.set(true);
    assertThat(cache.json("b")).isNull();

    cache.put(task("c", TaskStatus.PENDING), cache.version());
    cache.onSubscribed();
    assertThat(cache.json("c")).isNull();
  }

  @Test
  @DisplayName("at most MAX_ENTRIES tasks are kept, the least recently read going first")
  void bounded() {
    cache.put(task("first", TaskStatus.FINISHED), cache.version());
    cache.put(task("second", TaskStatus.FINISHED), cache.version());
    cache.json("first");
    for (int i = 0; i < TaskCache.MAX_ENTRIES - 1; i++) {
      cache.put(task("t" + i, TaskStatus.FAILED), cache.version());
    }
    assertThat(cache.size()).isEqualTo(TaskCache.MAX_ENTRIES);
    assertThat(cache.json("second")).isNull();
    assertThat(cache.json("first")).isNotNull();
  }

  private static Task task(String id, TaskStatus status) {
    return new Task(id, status, status == TaskStatus.FINISHED ? 100 : 40, "/uploads/" + id + ".png", null,
        RenderOptions.defaults(), 1, 1_000, 2_000, null, null, null);
  }

  private static TaskEvent event(String id, TaskStatus status) {
    return new TaskEvent(id, status, 50, null, 3_000);
  }
}
