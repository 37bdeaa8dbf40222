package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

class UploadWarmUpTest {

  private static TestSystem system;
  private static ImageProbe probe;

  @BeforeAll
  static void start() throws Exception {
    system = TestSystem.gatewayOnly("upload-warm-up-test", Map.of());
    probe = new ImageProbe(system.vertx, system.config.maxPixels(), system.config.decode(), 1, 4);
  }

  @AfterAll
  static void stop() throws Exception {
    probe.close();
    system.close();
  }

  @Test
  @DisplayName("the warm-up's upload is read, checked and accepted, and nothing is stored")
  void runsToTheEndAndStoresNothing() throws Exception {
    assertThat(UploadWarmUp.run(system.vertx, system.config, probe, system.tasks, system.media, () -> false)).isTrue();
    assertThat(get(system.mongo.count(Names.TASKS_COLLECTION, new JsonObject()))).isZero();
    assertThat(get(system.mongo.count(Names.UPLOADS_BUCKET + ".files", new JsonObject()))).isZero();
    assertThat(probe.inFlight()).isZero();
  }

  @Test
  @DisplayName("the warm-up does not start once a real upload has arrived")
  void givesWayToAnUploadBeforeItStarts() {
    AtomicInteger asked = new AtomicInteger();
    assertThat(UploadWarmUp.run(system.vertx, system.config, probe, system.tasks, system.media, () -> {
      asked.incrementAndGet();
      return true;
    })).isFalse();
    assertThat(asked).hasValue(1);
  }

  @Test
  @DisplayName("the warm-up stops before the database when a real upload arrives during its own")
  void givesWayToAnUploadArrivingMeanwhile() {
    AtomicInteger asked = new AtomicInteger();
    assertThat(UploadWarmUp.run(system.vertx, system.config, probe, system.tasks, system.media,
        () -> asked.incrementAndGet() > 1)).isFalse();
    assertThat(asked).hasValue(2);
  }

  @Test
  @DisplayName("the early warm-up, before any gateway, gets its upload accepted by an image check of its own")
  void earlyRunsWithoutAGateway() throws Exception {
    assertThat(UploadWarmUp.runEarly(system.vertx, system.config)).isTrue();
    assertThat(get(system.mongo.count(Names.UPLOADS_BUCKET + ".files", new JsonObject()))).isZero();
  }

  @Test
  @DisplayName("a gateway's image check made while the early warm-up's is open still gets all its threads")
  void earlyProbeLeavesTheGatewaysPoolItsSize() throws Exception {
    Vertx vertx = Vertx.vertx(); // as in the standalone jar: the early probe is this Vert.x's first pool
    ImageProbe early = UploadWarmUp.earlyProbe(vertx, system.config);
    ImageProbe gateways = new ImageProbe(vertx, system.config.maxPixels(), system.config.decode(), 2, 0);
    try {
      CountDownLatch both = new CountDownLatch(2);
      Callable<Boolean> meet = () -> {
        both.countDown();
        return both.await(10, TimeUnit.SECONDS);
      };
      Future<Boolean> first = gateways.execute(meet);
      Future<Boolean> second = gateways.execute(meet);
      assertThat(get(first)).as("two checks ran at once").isTrue();
      assertThat(get(second)).isTrue();
    } finally {
      gateways.close();
      early.close();
      get(vertx.close());
    }
  }

  @Test
  @DisplayName("the test suites' switch keeps the gateway, and any other caller, from starting a warm-up")
  void switchedOffInTests() throws Exception {
    assertThat(System.getProperty("stillmotion.uploadWarmUp")).isEqualTo("false");
    assertThat(UploadWarmUp.started()).as("started by the gateway").isFalse();
    assertThat(UploadWarmUp.start(system.vertx, system.config, probe, system.tasks, system.media, () -> false).get())
        .isFalse();
    assertThat(UploadWarmUp.startEarly(system.vertx, system.config).get()).isFalse();
    assertThat(UploadWarmUp.started()).isFalse();
  }
}
