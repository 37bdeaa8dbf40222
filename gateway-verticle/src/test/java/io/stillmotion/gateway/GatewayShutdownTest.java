package io.stillmotion.gateway;

import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.stillmotion.gateway.GatewayFixture.png;
import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A stopping gateway refuses new connections but finishes the uploads already under way. */
class GatewayShutdownTest {

  @Test
  @DisplayName("on stop, an upload in flight still gets its 200 while new connections are refused")
  void drainsInFlightUploads() throws Exception {
    try (GatewayFixture gw = new GatewayFixture("shutdown-test", Map.of("SHUTDOWN_GRACE_MS", "20000"))) {
      int port = gw.gateway.actualPort();
      byte[] body = multipart(png(64, 64));
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/v1/task HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        // The gateway is reading the upload once the body handler has opened its file for it.
        Path incoming = gw.dataDir.resolve("incoming");
        await().atMost(Duration.ofSeconds(30)).until(() -> filesIn(incoming) > 0);

        Future<Void> undeployed = gw.vertx.undeploy(gw.vertx.deploymentIDs().iterator().next());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
        assertThat(undeployed.isComplete()).isFalse();

        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String response = readResponse(socket.getInputStream());
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"id\"");
        get(undeployed);
      }
    }
  }

  private static long filesIn(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  private static byte[] multipart(byte[] image) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    body.write(image);
    body.write("\r\n--b0undary--\r\n".getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }

  private static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      answer.write(buffer, 0, n);
      String text = answer.toString(StandardCharsets.US_ASCII);
      if (text.contains("\r\n\r\n") && text.trim().endsWith("}")) {
        break;
      }
    }
    return answer.toString(StandardCharsets.US_ASCII);
  }
}
