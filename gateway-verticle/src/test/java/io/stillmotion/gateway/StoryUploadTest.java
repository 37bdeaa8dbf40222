package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.stillmotion.gateway.GatewayFixture.assertJsonError;
import static io.stillmotion.testing.Futures.get;
import static io.stillmotion.gateway.GatewayFixture.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stories through {@code POST /task}: 2-20 images in repeated {@code file} parts, a soundtrack in
 * {@code audio}, per-image fields and the {@code story} document; and every hostile variant refused
 * with a JSON error that names the field (and image or JSON path), leaving nothing stored.
 */
class StoryUploadTest {

  private static GatewayFixture gw;
  private GatewayFixture.Stored before;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture("story-upload-test", Map.of("STORY_MAX_BYTES", String.valueOf(3 * 1024 * 1024)));
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

  /** A story request: the images in order, then fields (a list value repeats the field), then audio. */
  private static HttpResponse<Buffer> send(List<byte[]> images, Map<String, Object> fields, byte[] audio)
      throws Exception {
    MultipartForm form = MultipartForm.create();
    for (int i = 0; i < images.size(); i++) {
      form.binaryFileUpload("file", "photo" + i + ".png", Buffer.buffer(images.get(i)), "image/png");
    }
    fields.forEach((name, value) -> {
      if (value instanceof List<?> values) {
        values.forEach(v -> form.attribute(name, String.valueOf(v)));
      } else {
        form.attribute(name, String.valueOf(value));
      }
    });
    if (audio != null) {
      form.binaryFileUpload("audio", "music.mp3", Buffer.buffer(audio), "audio/mpeg");
    }
    return get(gw.http.post("/api/v1/task").sendMultipartForm(form));
  }

  /**
   * The start of a story request with a Content-Length, as browsers and curl send it: the server
   * may answer from the headers alone. Returns what it said.
   */
  private static String sendWithLength(List<byte[]> images, byte[] audio) throws Exception {
    String boundary = "storyboundary7c1e";
    Buffer body = Buffer.buffer();
    for (int i = 0; i < images.size(); i++) {
      part(body, boundary, "file", "p" + i + ".png", "image/png", images.get(i));
    }
    part(body, boundary, "audio", "music.mp3", "audio/mpeg", audio);
    body.appendString("--" + boundary + "--\r\n");
    String head = "POST /api/v1/task HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway.actualPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body.getBytes(0, 4096));
      socket.getOutputStream().flush();
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException quiet) {
        // the server keeps the connection open (or reset it): we have what it said
      }
      return answer.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  private static void part(Buffer body, String boundary, String field, String name, String type, byte[] bytes) {
    body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
        + name + "\"\r\nContent-Type: " + type + "\r\n\r\n").appendBytes(bytes).appendString("\r\n");
  }

  private static List<byte[]> pictures(int n) throws Exception {
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      images.add(png(64 + 8 * i, 48));
    }
    return images;
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  @DisplayName("three images, captions, a title, a transition and music make one task with three images and a story")
  void acceptsAStory() throws Exception {
    List<byte[]> images = pictures(3);
    HttpResponse<Buffer> created = send(images, Map.of("caption", List.of("Hall", "", "Garden"), "title", "Our flat",
        "transition", "slide", "effect", "zoom-in", "size", "720x1280"), AudioFixtures.fixture("tone-2s.mp3"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getString("id");
    JsonObject task = get(gw.http.get("/api/v1/task/" + id).send()).bodyAsJsonObject();
    JsonArray imagesJson = task.getJsonArray("images");
    assertThat(imagesJson).hasSize(3);
    assertThat(imagesJson.getJsonObject(2).getString("url")).isEqualTo("/api/v1/task/" + id + "/image?index=2");
    JsonObject story = task.getJsonObject("story");
    assertThat(story.getString("title")).isEqualTo("Our flat");
    assertThat(story.getDouble("duration")).isEqualTo(12.0);
    assertThat(story.getJsonArray("shots").getJsonObject(0).getString("caption")).isEqualTo("Hall");
    assertThat(story.getJsonArray("shots").getJsonObject(1).getString("caption")).isNull();
    assertThat(story.getJsonArray("shots").getJsonObject(2).getString("effect")).isEqualTo("zoom-in");
    assertThat(story.getJsonArray("transitions").getJsonObject(0).getString("type")).isEqualTo("slide");
    assertThat(story.getJsonObject("audio").getString("format")).isEqualTo("mp3");
    assertThat(task.getJsonObject("options").getString("size")).isEqualTo("720x1280");
    assertThat(task.getJsonObject("options").getDouble("duration")).isEqualTo(12.0);
    assertThat(gw.storedUploads()).isEqualTo(before.uploads() + 4);
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> image = get(gw.http.get("/api/v1/task/" + id + "/image?index=" + i).send());
      assertThat(image.statusCode()).isEqualTo(200);
      assertThat(image.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(image.body().getBytes()).isEqualTo(images.get(i));
    }
    assertThat(get(gw.http.get("/api/v1/task/" + id + "/image").send()).body().getBytes()).isEqualTo(images.get(0));
    assertJsonError(get(gw.http.get("/api/v1/task/" + id + "/image?index=3").send()), 404, "image_not_found");
    assertJsonError(get(gw.http.get("/api/v1/task/" + id + "/image?index=two").send()), 400, "invalid_index");
  }

  @Test
  @DisplayName("a single-image task lists its one image and has no story")
  void singleImageKeepsItsShape() throws Exception {
    HttpResponse<Buffer> created = send(pictures(1), Map.of("effect", "pan-left"), null);
    assertThat(created.statusCode()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getString("id");
    JsonObject task = get(gw.http.get("/api/v1/task/" + id).send()).bodyAsJsonObject();
    assertThat(task.containsKey("story")).isFalse();
    assertThat(task.getString("imageUrl")).isEqualTo("/api/v1/task/" + id + "/image");
    assertThat(task.getJsonArray("images")).hasSize(1);
    assertJsonError(get(gw.http.get("/api/v1/task/" + id + "/image?index=1").send()), 404, "image_not_found");
  }

  @Test
  @DisplayName("21 images are refused naming the limit of 20, and nothing is stored")
  void twentyOneImages() throws Exception {
    HttpResponse<Buffer> refused = send(pictures(21), Map.of(), null);
    assertJsonError(refused, 400, "too_many_files");
    assertThat(error(refused).getString("message")).contains("at most 20").contains("21");
    assertNothingStored();
  }

  @Test
  @DisplayName("a bad third image is refused naming its position; the two good ones are not kept")
  void badImageInTheMiddle() throws Exception {
    List<byte[]> images = pictures(4);
    images.set(2, "this is not a picture".getBytes());
    HttpResponse<Buffer> refused = send(images, Map.of(), null);
    assertJsonError(refused, 415, "unsupported_image");
    assertThat(error(refused).getInteger("index")).isEqualTo(2);
    assertThat(error(refused).getString("message")).startsWith("Image 3 of 4:");
    images.set(2, png(8, 8));
    assertThat(error(send(images, Map.of(), null)).getString("code")).isEqualTo("image_too_small");
    assertNothingStored();
  }

  @Test
  @DisplayName("an 'audio' file that is not audio is 415, an 11-minute MP3 422, a three-hour one 413; nothing stored")
  void hostileAudio() throws Exception {
    HttpResponse<Buffer> notAudio = send(pictures(2), Map.of(), png(32, 32));
    assertJsonError(notAudio, 415, "unsupported_audio");
    assertThat(error(notAudio).getString("field")).isEqualTo("audio");
    Path dir = Files.createTempDirectory("audio");
    HttpResponse<Buffer> tooLong = send(pictures(2), Map.of(),
        Files.readAllBytes(AudioFixtures.lowBitrateMp3(dir, 11 * 60)));
    assertJsonError(tooLong, 422, "audio_too_long");
    assertThat(error(tooLong).getString("message")).contains("at most 600 s");
    byte[] threeHours = Files.readAllBytes(AudioFixtures.lowBitrateMp3(dir, 3 * 3600));
    assertThat(sendWithLength(pictures(2), threeHours)).matches("(?s)HTTP/1.1 413.*file_too_large.*");
    HttpResponse<Buffer> chunked = send(pictures(2), Map.of(), threeHours);
    assertThat(chunked.statusCode()).as(chunked.bodyAsString()).isIn(400, 413);
    assertThat(error(chunked).getString("message")).contains("larger than the limit");
    assertJsonError(send(pictures(1), Map.of(), AudioFixtures.fixture("tone-2s.mp3")), 422, "invalid_audio");
    assertNothingStored();
  }

  @Test
  @DisplayName("a 10 kB caption is a 422 naming the field and the image")
  void hugeCaption() throws Exception {
    HttpResponse<Buffer> refused = send(pictures(3), Map.of("caption", List.of("ok", "fine", "x".repeat(10_240))),
        null);
    assertJsonError(refused, 422, "invalid_caption");
    assertThat(error(refused).getString("field")).isEqualTo("caption");
    assertThat(error(refused).getInteger("index")).isEqualTo(2);
    assertThat(error(refused).getString("message")).startsWith("caption of image 3 is 10240 characters long");
    assertNothingStored();
  }

  @Test
  @DisplayName("a caption within the character limit that does not fit the frame is a 422 naming the image")
  void captionThatDoesNotFit() throws Exception {
    HttpResponse<Buffer> refused = send(pictures(2), Map.of("caption", List.of("Fine", "W".repeat(190)),
        "size", "720x720"), null);
    assertJsonError(refused, 422, "text_does_not_fit");
    assertThat(error(refused).getString("field")).isEqualTo("caption");
    assertThat(error(refused).getInteger("index")).isEqualTo(1);
    HttpResponse<Buffer> inDocument = send(pictures(2), Map.of("story",
        "{\"shots\": [{}, {\"caption\": \"" + "W".repeat(190) + "\"}]}"), null);
    assertJsonError(inDocument, 422, "text_does_not_fit");
    assertThat(error(inDocument).getString("path")).isEqualTo("$.shots[1].caption");
    assertNothingStored();
  }

  @Test
  @DisplayName("a field far beyond any caption (200 kB) is refused as a JSON 4xx too")
  void monstrousField() throws Exception {
    HttpResponse<Buffer> refused = send(pictures(2), Map.of("title", "y".repeat(200_000)), null);
    assertThat(refused.statusCode()).isBetween(400, 499);
    assertThat(refused.getHeader("Content-Type")).startsWith("application/json");
    assertNothingStored();
  }

  @Test
  @DisplayName("unknown transitions, per-image values of the wrong count and bad values of one image are 422")
  void badFields() throws Exception {
    HttpResponse<Buffer> wipe = send(pictures(2), Map.of("transition", "wipe"), null);
    assertJsonError(wipe, 422, "invalid_transition");
    assertThat(error(wipe).getString("message")).isEqualTo("transition must be one of: cut, crossfade, slide");
    HttpResponse<Buffer> count = send(pictures(3), Map.of("effect", List.of("zoom-in", "zoom-out")), null);
    assertJsonError(count, 422, "invalid_effect");
    assertThat(error(count).getString("field")).isEqualTo("effect");
    HttpResponse<Buffer> third = send(pictures(3), Map.of("effect", List.of("zoom-in", "zoom-out", "spin")), null);
    assertJsonError(third, 422, "invalid_effect");
    assertThat(error(third).getInteger("index")).isEqualTo(2);
    assertThat(error(third).getString("message")).startsWith("effect of image 3 must be one of:");
    assertJsonError(send(pictures(2), Map.of("duration", "500"), null), 422, "invalid_duration");
    assertJsonError(send(pictures(2), Map.of("transitionDuration", "3"), null), 422, "invalid_transitionDuration");
    assertNothingStored();
  }

  @Test
  @DisplayName("a story document that does not match its schema is a 422 naming the JSON path")
  void badDocument() throws Exception {
    HttpResponse<Buffer> refused = send(pictures(2),
        Map.of("story", "{\"shots\": [{\"effect\": \"zoom-in\"}, {\"zoom\": 12}]}"), null);
    assertJsonError(refused, 422, "invalid_story");
    assertThat(error(refused).getString("path")).isEqualTo("$.shots[1].zoom");
    assertThat(error(refused).getInteger("index")).isEqualTo(1);
    assertJsonError(send(pictures(2), Map.of("story", "{\"shots\": [{}]}"), null), 422, "invalid_story");
    assertJsonError(send(pictures(2), Map.of("story", "{not json"), null), 422, "invalid_story");
    assertJsonError(send(pictures(2), Map.of("story", "{\"shots\": [{}, {}]}", "effect", "zoom-in"), null), 422,
        "invalid_effect");
    assertNothingStored();
  }

  @Test
  @DisplayName("a valid story document with output options is accepted and read back with every default filled in")
  void document() throws Exception {
    String doc = "{\"title\": \"Trip\", \"shots\": [{\"duration\": 3, \"caption\": \"Day 1\"},"
        + " {\"duration\": 5, \"focus\": \"auto\", \"transition\": {\"type\": \"cut\"}}]}";
    HttpResponse<Buffer> created = send(pictures(2), Map.of("story", doc, "fps", "24"), null);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    JsonObject task = get(gw.http.get("/api/v1/task/" + created.bodyAsJsonObject().getString("id")).send())
        .bodyAsJsonObject();
    assertThat(task.getJsonObject("options").getDouble("duration")).isEqualTo(8.0);
    assertThat(task.getJsonObject("options").getInteger("fps")).isEqualTo(24);
    JsonObject story = task.getJsonObject("story");
    assertThat(story.getJsonArray("shots").getJsonObject(1).getString("focus")).isEqualTo("auto");
    assertThat(story.getJsonArray("transitions").getJsonObject(0).getString("type")).isEqualTo("cut");
  }

  @Test
  @DisplayName("a story's files together beyond STORY_MAX_BYTES are 413, though each is within UPLOAD_MAX_BYTES")
  void storyTooLarge() throws Exception {
    byte[] big = new byte[1_600_000];
    System.arraycopy(png(64, 64), 0, big, 0, 100);
    HttpResponse<Buffer> refused = send(List.of(big, big), Map.of(), null);
    assertJsonError(refused, 413, "story_too_large");
    assertNothingStored();
  }

  @Test
  @DisplayName("the uploads of a refused story are deleted from the gateway's scratch space")
  void scratchSpaceIsEmptied() throws Exception {
    send(pictures(3), Map.of("transition", "wipe"), null);
    send(pictures(21), Map.of(), null);
    Path incoming = gw.dataDir.resolve("incoming");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
      try (var files = Files.list(incoming)) {
        assertThat(files.toList()).isEmpty();
      }
    });
  }

  @Test
  @DisplayName("stored names: the first image as the seed system's filename, the others numbered, the music apart")
  void storedNames() throws Exception {
    HttpResponse<Buffer> created = send(pictures(2), Map.of(), AudioFixtures.fixture("tone-2s.m4a"));
    String id = created.bodyAsJsonObject().getString("id");
    List<String> names = get(gw.mongo.find(Names.UPLOADS_BUCKET + ".files",
        new JsonObject().put("filename", new JsonObject().put("$regex", "^" + id)))).stream()
        .map(f -> f.getString("filename")).sorted().toList();
    assertThat(names).containsExactly(id + ".1.png", id + ".audio.m4a", id + ".png");
  }
}
