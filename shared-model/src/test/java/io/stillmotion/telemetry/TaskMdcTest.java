package io.stillmotion.telemetry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskMdcTest {

  private final List<String> seen = new ArrayList<>();
  private final Logger recording = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {Logger.class}, (proxy, method, args) -> {
        seen.add(method.getName() + ":" + MDC.get(TaskMdc.KEY));
        return null;
      });

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  @DisplayName("a line with the [id] prefix carries the task id in the MDC, only while it is logged")
  void prefixedLine() {
    Logger log = TaskMdc.wrap(recording);

    log.info("[{}] rendering attempt {}", "abc", 1);
    log.warn("[{}] failed {} {} {}", "def", 1, 2, 3);

    assertThat(seen).containsExactly("info:abc", "warn:def");
    assertThat(MDC.get(TaskMdc.KEY)).isNull();
  }

  @Test
  @DisplayName("a line about no task leaves the MDC alone")
  void otherLine() {
    MDC.put(TaskMdc.KEY, "outer");

    TaskMdc.wrap(recording).info("consuming {}", "queue");

    assertThat(seen).containsExactly("info:outer");
  }

  @Test
  @DisplayName("work wrapped for a task sees its id on whatever thread runs it, and restores the MDC after")
  void wrappedWork() throws Exception {
    String inside = TaskMdc.wrap("xyz", () -> MDC.get(TaskMdc.KEY)).call();

    assertThat(inside).isEqualTo("xyz");
    assertThat(MDC.get(TaskMdc.KEY)).isNull();
  }
}
