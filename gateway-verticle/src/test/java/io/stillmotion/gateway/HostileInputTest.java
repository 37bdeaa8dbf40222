package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.stillmotion.render.HostileImages;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static io.stillmotion.gateway.GatewayFixture.assertJsonError;
import static io.stillmotion.gateway.GatewayFixture.image;
import static io.stillmotion.gateway.GatewayFixture.png;
import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or careless client can send to the gateway. Each case gets a specific 4xx JSON
 * error, and a refused upload leaves no task and no stored bytes behind.
 */
class HostileInputTest {

  private static final int UPLOAD_LIMIT = 2 * 1024 * 1024;
  private static GatewayFixture gw;
  private GatewayFixture.Stored before;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture("hostile-test", Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  @BeforeEach
  void count() throws Exception {
    before = gw.stored();
  }

  private void assertNothingStored() throws Exception {
    assertThat(gw.stored()).isEqualTo(before);
  }

  private HttpResponse<Buffer> upload(String fileName, String contentType, byte[] bytes) throws Exception {
    return gw.upload(gw.http.post("/api/v1/task"), "file", fileName, contentType, bytes, Map.of());
  }

  private HttpResponse<Buffer> uploadWith(Map<String, String> fields) throws Exception {
    return gw.upload(gw.http.post("/api/v1/task"), "file", "a.png", "image/png", png(64, 64), fields);
  }

  /** A valid PNG header declaring width x height, with a tiny IDAT: a decompression bomb. */
  static byte[] pngBomb(int width, int height) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {8, 2, 0, 0, 0});
    chunk(out, "IHDR", ihdr.toByteArray());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[64 * 1024]);
    deflater.finish();
    byte[] idat = new byte[1024];
    int n = deflater.deflate(idat);
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return bytes.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws Exception {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  @Test
  @DisplayName("an empty multipart body and a body that is not multipart at all are refused")
  void emptyBodies() throws Exception {
    assertJsonError(get(gw.http.post("/api/v1/task").putHeader("Content-Type", "multipart/form-data; boundary=xyz")
        .sendBuffer(Buffer.buffer())), 400, "missing_file");
    assertJsonError(get(gw.http.post("/api/v1/task").sendBuffer(Buffer.buffer())), 415, "multipart_required");
    assertJsonError(get(gw.http.post("/api/v1/task").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"file\":\"x\"}"))), 415, "multipart_required");
    assertNothingStored();
  }

  @Test
  @DisplayName("no file field, a file in another field, and 21 files (a story takes 20 at most) are 400")
  void fileFields() throws Exception {
    assertJsonError(gw.upload(gw.http.post("/api/v1/task"), null, null, null, null, Map.of("effect", "zoom-in")),
        400, "missing_file");
    assertJsonError(gw.upload(gw.http.post("/api/v1/task"), "image", "a.png", "image/png", png(64, 64), Map.of()),
        400, "missing_file");
    MultipartForm many = MultipartForm.create();
    for (int i = 0; i < 21; i++) {
      many.binaryFileUpload("file", i + ".png", Buffer.buffer(png(64, 64)), "image/png");
    }
    HttpResponse<Buffer> refused = get(gw.http.post("/api/v1/task").sendMultipartForm(many));
    assertJsonError(refused, 400, "too_many_files");
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("at most 20");
    MultipartForm elsewhere = MultipartForm.create()
        .binaryFileUpload("file", "a.png", Buffer.buffer(png(64, 64)), "image/png")
        .binaryFileUpload("picture", "b.png", Buffer.buffer(png(64, 64)), "image/png");
    assertJsonError(get(gw.http.post("/api/v1/task").sendMultipartForm(elsewhere)), 400, "unexpected_file");
    assertNothingStored();
  }

  @Test
  @DisplayName("text named .png is 415 and a zero-byte file is 400")
  void notImages() throws Exception {
    assertJsonError(upload("notes.png", "image/png", "hello, not an image at all".getBytes()), 415,
        "unsupported_image");
    assertJsonError(upload("script.png", "image/png", "<svg onload=alert(1)>".getBytes()), 415, "unsupported_image");
    assertJsonError(upload("empty.png", "image/png", new byte[0]), 400, "empty_file");
    assertNothingStored();
  }

  @Test
  @DisplayName("a PNG sent as image/jpeg named .jpg is accepted and stored as the PNG it is")
  void lyingContentType() throws Exception {
    HttpResponse<Buffer> response = upload("holiday.jpg", "image/jpeg", png(64, 64));
    assertThat(response.statusCode()).isEqualTo(200);
    String id = response.bodyAsJsonObject().getString("id");
    JsonObject task = get(gw.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null));
    assertThat(task.getString("filename")).isEqualTo("/uploads/" + id + ".png");
  }

  @Test
  @DisplayName("truncated JPEGs and PNGs are 422 image_unreadable, wherever they are cut")
  void truncatedImages() throws Exception {
    byte[] jpeg = image(400, 300, "jpg");
    byte[] pngBytes = png(400, 300);
    for (double keep : List.of(0.3, 0.6, 0.9)) {
      assertJsonError(upload("cut.jpg", "image/jpeg", Arrays.copyOf(jpeg, (int) (jpeg.length * keep))), 422,
          "image_unreadable");
      assertJsonError(upload("cut.png", "image/png", Arrays.copyOf(pngBytes, (int) (pngBytes.length * keep))), 422,
          "image_unreadable");
    }
    assertJsonError(upload("noeoi.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length - 2)), 422, "image_unreadable");
    assertThat(upload("whole.jpg", "image/jpeg", jpeg).statusCode()).isEqualTo(200);
    assertThat(gw.stored()).isEqualTo(before.plus(1));
  }

  @Test
  @DisplayName("1x1 and 15x15 images are too small; 16x16 is accepted")
  void tinyImages() throws Exception {
    assertJsonError(upload("a.png", "image/png", png(1, 1)), 422, "image_too_small");
    assertJsonError(upload("a.png", "image/png", png(15, 15)), 422, "image_too_small");
    assertJsonError(upload("a.png", "image/png", png(400, 15)), 422, "image_too_small");
    assertNothingStored();
    assertThat(upload("a.png", "image/png", png(16, 16)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a tiny PNG declaring 100000x100000 pixels is refused from its header, at once")
  void decompressionBomb() throws Exception {
    byte[] bomb = pngBomb(100_000, 100_000);
    assertThat(bomb.length).isLessThan(1_000);
    // Refused from the header: decoding 10^10 pixels would end in an out-of-memory error, not this.
    assertJsonError(upload("bomb.png", "image/png", bomb), 422, "too_many_pixels");
    assertJsonError(upload("bomb.png", "image/png", pngBomb(2_001, 2_000)), 422, "too_many_pixels");
    assertNothingStored();
  }

  @Test
  @DisplayName("1 MB PNGs (RGB and palette) whose zTXt unpacks to 1 GiB are 422 and never stored or queued")
  void textBombs() throws Exception {
    for (boolean palette : List.of(false, true)) {
      byte[] bomb = HostileImages.pngWithTextBomb(1024, palette);
      assertThat(bomb.length).isLessThan(UPLOAD_LIMIT);
      assertJsonError(upload("bomb.png", "image/png", bomb), 422, "image_metadata_too_large");
    }
    assertNothingStored();
  }

  @Test
  @DisplayName("a PNG whose colour profile unpacks to 1 GiB is 422; ordinary PNG metadata is accepted")
  void profileBombAndOrdinaryMetadata() throws Exception {
    assertJsonError(upload("icc.png", "image/png", HostileImages.pngWithProfileBomb(1024)), 422,
        "image_metadata_too_large");
    assertNothingStored();
    assertThat(upload("meta.png", "image/png", HostileImages.pngWithOrdinaryMetadata()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a request announcing a body far over the limit is answered 413 before the body is sent")
  void announcedTooLarge() throws Exception {
    // The body is never sent: an answer at all shows it came from the announced length alone.
    String response = rawRequest("POST /api/v1/task HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + 50L * 1024 * 1024 * 1024
        + "\r\n\r\n--xyz\r\n");
    assertThat(response).matches("(?s)HTTP/1.1 413.*file_too_large.*");
    byte[] big = new byte[3 * 1024 * 1024];
    System.arraycopy(png(64, 64), 0, big, 0, 100);
    assertJsonError(upload("big.png", "image/png", big), 413, "file_too_large");
    assertNothingStored();
  }

  @Test
  @DisplayName("a file name with ../ and control characters changes nothing: the stored name is our own")
  void hostileFileName() throws Exception {
    HttpResponse<Buffer> response = upload("../../etc/\u0001passwd\r\n.png", "image/png", png(64, 64));
    assertThat(response.statusCode()).isEqualTo(200);
    String id = response.bodyAsJsonObject().getString("id");
    Task task = Task.fromDocument(get(gw.mongo.findOne(Names.TASKS_COLLECTION, new JsonObject().put("_id", id), null)));
    assertThat(task.filename()).isEqualTo("/uploads/" + id + ".png");
    assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
  }

  @Test
  @DisplayName("option values out of range or of the wrong type are 422 naming the field")
  void badOptionValues() throws Exception {
    Map<String, String> cases = Map.of("duration", "abc", "fps", "1e9", "focus", "x", "size", "99999x99999",
        "effect", "<script>", "quality", "", "easing", "linear;drop");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<Buffer> response = uploadWith(Map.of(c.getKey(), c.getValue()));
      if (c.getValue().isEmpty() && response.statusCode() == 200) {
        continue; // an empty field may mean "default"
      }
      assertJsonError(response, 422, "invalid_" + c.getKey());
    }
    assertJsonError(uploadWith(Map.of("duration", "-1")), 422, "invalid_duration");
    assertJsonError(uploadWith(Map.of("duration", "NaN")), 422, "invalid_duration");
  }

  @Test
  @DisplayName("task ids that are not UUIDs, very long, %00 or ../ are 404 JSON")
  void hostileTaskIds() throws Exception {
    for (String id : List.of("nope", "%00", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "x".repeat(5000),
        TaskMessage.newTaskId().toUpperCase(Locale.ROOT), "' OR 1=1 --".replace(" ", "%20"), "%7B%22%24ne%22%3A1%7D")) {
      HttpResponse<Buffer> response = get(gw.http.get("/api/v1/task/" + id).send());
      assertThat(response.statusCode()).as(id).isIn(400, 404);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(get(gw.http.get("/api/v1/video/" + id).send()).statusCode()).isIn(400, 404);
    }
  }

  @Test
  @DisplayName("a query string that is not valid percent-encoding is a 400 JSON, on every route")
  void malformedQueryStrings() throws Exception {
    String id = TaskMessage.newTaskId();
    for (String path : List.of("/api/v1/task/" + id + "?x=%ZZ", "/api/v1/task/" + id + "/image?index=%E0%A4%A",
        "/api/v1/video/" + id + "?%", "/api/v1/ping?x=%G1", "/api/v1/task?%zz")) {
      assertJsonError(get(gw.http.get(path).send()), 400, "malformed_query");
    }
    assertThat(get(gw.http.get("/api/v1/ping?x=%41%20ok").send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("unknown methods are 405 JSON and an unknown path 404 JSON")
  void unknownMethods() throws Exception {
    assertJsonError(get(gw.http.put("/api/v1/ping").send()), 405, "method_not_allowed");
    assertJsonError(get(gw.http.patch("/api/v1/task").send()), 405, "method_not_allowed");
    assertJsonError(get(gw.http.put("/api/v1/task/" + TaskMessage.newTaskId()).send()), 405, "method_not_allowed");
    assertJsonError(get(gw.http.get("/api/v1/tasks").send()), 404, "not_found");
  }

  @Test
  @DisplayName("headers over the size limit are 431 JSON, and the server keeps serving")
  void hugeHeaders() throws Exception {
    String response = rawRequest("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(17_000)
        + "\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 431");
    assertThat(response).contains("application/json").contains("\"headers_too_large\"");
    assertThat(get(gw.http.get("/api/v1/ping").send()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a request line over the size limit is 414 JSON")
  void hugeRequestLine() throws Exception {
    String response = rawRequest("GET /api/v1/task/" + "x".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(response).matches("(?s)HTTP/1.[01] 414.*");
    assertThat(response).contains("application/json");
  }

  /** Sends raw bytes; what the server answered until it closed the connection or went quiet for 15 s. */
  private static String rawRequest(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway.actualPort())) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException quiet) {
        // the server keeps the connection open (or reset it): we have what it said
      }
      return answer.toString(StandardCharsets.US_ASCII);
    }
  }
}
