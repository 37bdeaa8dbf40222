package io.stillmotion.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build trains the gateway's AOT cache with this run: it must take the whole way an upload
 * takes (multipart body to a file, the image check, a JSON answer), or the cache holds an error path.
 */
class AotTrainingTest {

  @Test
  void theTrainingUploadIsCheckedAndAccepted(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(AotTraining.upload(vertx, dir)).isEqualTo(200);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
