package io.stillmotion.gateway;

import io.stillmotion.render.Easing;
import io.stillmotion.render.Effect;
import io.stillmotion.render.Quality;
import io.stillmotion.render.Speed;
import io.stillmotion.render.Transition;
import io.stillmotion.model.Motion;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Story;
import io.stillmotion.model.StoryDocument;
import io.stillmotion.model.TaskForm;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls every route of the API for real (gateway and worker) and checks each answer's status,
 * content type and JSON shape against {@code openapi.json}, and that every documented operation was
 * called: the document cannot drift from the code without this test failing.
 */
class OpenApiConformanceTest {

  private static final String UNKNOWN = "3f1c2d6e-8a5b-4c7d-9e0f-123456789abc";
  private static TestSystem system;
  private static JsonObject spec;
  private static SchemaChecker schemas;
  private final Set<String> called = new TreeSet<>();
  private final List<String> problems = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    system = TestSystem.withWorker("openapi-test", Map.of());
    try (InputStream in = OpenApiConformanceTest.class.getResourceAsStream("/openapi.json")) {
      spec = new JsonObject(Buffer.buffer(in.readAllBytes()));
    }
    schemas = new SchemaChecker(spec);
  }

  @AfterAll
  static void stop() throws Exception {
    system.close();
  }

  @Test
  @DisplayName("the document is OpenAPI 3.1, served as is, and all its references resolve")
  void wellFormed() throws Exception {
    assertThat(spec.getString("openapi")).isEqualTo("3.1.0");
    HttpResponse<Buffer> served = get(system.http.get("/api/v1/openapi.json").send());
    assertThat(served.bodyAsJsonObject()).isEqualTo(spec);
    assertAllRefsResolve(spec);
  }

  @Test
  @DisplayName("the documented form fields and their allowed values are exactly those RenderOptions accepts")
  void optionsMatchTheModel() {
    JsonObject fields = spec.getJsonObject("components").getJsonObject("schemas").getJsonObject("TaskCreate")
        .getJsonObject("properties");
    List<String> expected = new ArrayList<>(TaskForm.ALL_FIELDS);
    expected.add(TaskRequest.IMAGE_FIELD);
    expected.add(TaskRequest.AUDIO_FIELD);
    expected.add(TaskRoutes.CALLBACK_FIELD);
    assertThat(fields.fieldNames()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(enumOf(fields, "speed")).containsExactlyInAnyOrder(names(Speed.values(), Speed::apiName));
    assertThat(enumOf(fields, "transition"))
        .containsExactlyInAnyOrder(names(Transition.Kind.values(), Transition.Kind::apiName));
    assertThat(fields.getJsonObject("transitionDuration").getDouble("default")).isEqualTo(Story.DEFAULT_TRANSITION_SECONDS);
    assertThat(fields.getJsonObject("zoom").getDouble("maximum")).isEqualTo(Motion.MAX_ZOOM);
    assertThat(enumOf(fields, "effect")).containsExactlyInAnyOrder(names(Effect.values(), Effect::apiName));
    assertThat(enumOf(fields, "easing")).containsExactlyInAnyOrder(names(Easing.values(), Easing::apiName));
    assertThat(enumOf(fields, "quality")).containsExactlyInAnyOrder(names(Quality.values(), Quality::apiName));
    assertThat(enumOf(fields, "size")).containsExactlyInAnyOrderElementsOf(RenderOptions.ALLOWED_SIZES);
    assertThat(enumOf(fields, "fps")).containsExactlyInAnyOrderElementsOf(RenderOptions.ALLOWED_FPS);
    assertThat(fields.getJsonObject("duration").getDouble("minimum")).isEqualTo(RenderOptions.MIN_DURATION);
    assertThat(fields.getJsonObject("duration").getDouble("maximum")).isEqualTo(Story.MAX_DURATION);
    JsonObject defaults = RenderOptions.defaults().toJson();
    for (String field : List.of("effect", "fps", "size", "easing", "quality", "duration")) {
      Object documented = fields.getJsonObject(field).getValue("default");
      Object actual = defaults.getValue(field);
      if (actual instanceof Number number) {
        assertThat(((Number) documented).doubleValue()).as(field).isEqualTo(number.doubleValue());
      } else {
        assertThat(documented).as(field).isEqualTo(actual);
      }
    }
  }

  @Test
  @DisplayName("the story document's schema names exactly the properties and values the parser reads")
  void storySchemaMatchesTheParser() {
    JsonObject schemas = spec.getJsonObject("components").getJsonObject("schemas");
    JsonObject shot = schemas.getJsonObject("StoryShot").getJsonObject("properties");
    assertThat(shot.fieldNames()).containsExactlyInAnyOrder("duration", "effect", "zoom", "speed", "focus", "start",
        "end", "caption", "transition");
    assertThat(enumOf(shot, "effect")).containsExactlyInAnyOrder(names(Effect.values(), Effect::apiName));
    assertThat(enumOf(shot, "speed")).containsExactlyInAnyOrder(names(Speed.values(), Speed::apiName));
    assertThat(shot.getJsonObject("duration").getDouble("minimum")).isEqualTo(Story.MIN_SHOT_SECONDS);
    assertThat(shot.getJsonObject("duration").getDouble("maximum")).isEqualTo(Story.MAX_SHOT_SECONDS);
    JsonObject transition = schemas.getJsonObject("StoryTransition").getJsonObject("properties");
    assertThat(enumOf(transition, "type"))
        .containsExactlyInAnyOrder(names(Transition.Kind.values(), Transition.Kind::apiName));
    assertThat(transition.getJsonObject("duration").getDouble("minimum")).isEqualTo(Transition.MIN_SECONDS);
    assertThat(transition.getJsonObject("duration").getDouble("maximum")).isEqualTo(Transition.MAX_SECONDS);
    JsonObject doc = schemas.getJsonObject("StoryDocument");
    assertThat(doc.getJsonObject("properties").fieldNames())
        .containsExactlyInAnyOrder("title", "duration", "transition", "shots");
    assertThat(doc.getJsonObject("properties").getJsonObject("shots").getInteger("maxItems")).isEqualTo(Story.MAX_IMAGES);
    Object example = doc.getJsonArray("examples").getValue(0);
    assertThat(StoryDocument.parse(example.toString(), 3).shots()).hasSize(3);
  }

  private static List<Object> enumOf(JsonObject fields, String name) {
    return fields.getJsonObject(name).getJsonArray("enum").getList();
  }

  private static <E> Object[] names(E[] values, java.util.function.Function<E, String> name) {
    return java.util.Arrays.stream(values).map(name).toArray();
  }

  @Test
  @DisplayName("every route answers what the document says: status, content type and JSON shape")
  void everyRouteConforms() throws Exception {
    call(HttpMethod.GET, "/api/v1/ping", "/api/v1/ping", r -> r, 200);
    call(HttpMethod.GET, "/api/v1/openapi.json", "/api/v1/openapi.json", r -> r, 200);

    String id = created(Map.of("duration", "1", "size", "720x720", "fps", "24"));
    String cancelled = created(Map.of("effect", "zoom-in", "callbackUrl", "https://hooks.example.com/x"));
    String story = createdStory();
    createErrors();

    String task = "/api/v1/task/{id}";
    call(HttpMethod.DELETE, task, "/api/v1/task/" + cancelled, r -> r, 200);
    call(HttpMethod.DELETE, task, "/api/v1/task/" + cancelled, r -> r, 200);
    call(HttpMethod.DELETE, task, "/api/v1/task/" + UNKNOWN, r -> r, 404);
    system.awaitTask(id, Duration.ofSeconds(60), t -> t.status().isTerminal());
    call(HttpMethod.DELETE, task, "/api/v1/task/" + id, r -> r, 409);
    call(HttpMethod.GET, task, "/api/v1/task/" + id, r -> r, 200);
    call(HttpMethod.GET, task, "/api/v1/task/" + cancelled, r -> r, 200);
    call(HttpMethod.GET, task, "/api/v1/task/" + UNKNOWN, r -> r, 404);
    call(HttpMethod.GET, task, "/api/v1/task/not-an-id", r -> r, 404);
    String failed = system.finishedTask(TaskStatus.FAILED);
    call(HttpMethod.GET, task, "/api/v1/task/" + failed, r -> r, 200);
    call(HttpMethod.DELETE, task, "/api/v1/task/" + failed, r -> r, 409);

    events("/api/v1/task/" + id + "/events", 200);
    events("/api/v1/task/" + UNKNOWN + "/events", 404);

    media("/api/v1/task/{id}/image", "/api/v1/task/" + id + "/image", "/api/v1/task/" + UNKNOWN + "/image");
    call(HttpMethod.GET, "/api/v1/task/{id}/image", "/api/v1/task/" + story + "/image?index=1", r -> r, 200);
    call(HttpMethod.GET, "/api/v1/task/{id}/image", "/api/v1/task/" + story + "/image?index=2", r -> r, 404);
    call(HttpMethod.GET, "/api/v1/task/{id}/image", "/api/v1/task/" + story + "/image?index=x", r -> r, 400);
    call(HttpMethod.GET, task, "/api/v1/task/" + story, r -> r, 200);
    media("/api/v1/task/{id}/poster", "/api/v1/task/" + id + "/poster", "/api/v1/task/" + cancelled + "/poster");
    media("/api/v1/task/{id}/thumbnail", "/api/v1/task/" + id + "/thumbnail",
        "/api/v1/task/" + cancelled + "/thumbnail");
    media("/api/v1/video/{id}", "/api/v1/video/" + id, "/api/v1/video/" + cancelled);

    assertThat(problems).isEmpty();
    assertThat(called.stream().map(c -> c.substring(0, c.lastIndexOf(' '))).distinct().toList())
        .containsExactlyInAnyOrderElementsOf(documentedOperations());
  }

  private String created(Map<String, String> fields) throws Exception {
    HttpResponse<Buffer> response = system.upload(GatewayFixture.png(320, 240), fields);
    check(HttpMethod.POST, "/api/v1/task", response, 200);
    return response.bodyAsJsonObject().getString("id");
  }

  private String createdStory() throws Exception {
    MultipartForm form = MultipartForm.create()
        .binaryFileUpload("file", "a.png", Buffer.buffer(GatewayFixture.png(320, 240)), "image/png")
        .binaryFileUpload("file", "b.png", Buffer.buffer(GatewayFixture.png(240, 320)), "image/png")
        .attribute("caption", "First").attribute("caption", "Second").attribute("title", "Two pictures")
        .attribute("duration", "2").attribute("size", "720x720").attribute("fps", "24");
    HttpResponse<Buffer> response = get(system.http.post("/api/v1/task").sendMultipartForm(form));
    check(HttpMethod.POST, "/api/v1/task", response, 200);
    MultipartForm bad = MultipartForm.create()
        .binaryFileUpload("file", "a.png", Buffer.buffer(GatewayFixture.png(64, 64)), "image/png")
        .binaryFileUpload("file", "b.png", Buffer.buffer(GatewayFixture.png(64, 64)), "image/png")
        .attribute("story", "{\"shots\": [{}, {\"effect\": \"spin\"}]}");
    check(HttpMethod.POST, "/api/v1/task", get(system.http.post("/api/v1/task").sendMultipartForm(bad)), 422);
    return response.bodyAsJsonObject().getString("id");
  }

  private void createErrors() throws Exception {
    String path = "/api/v1/task";
    check(HttpMethod.POST, path, get(system.http.post(path).sendBuffer(Buffer.buffer("x"))), 415);
    check(HttpMethod.POST, path, get(system.http.post(path).sendMultipartForm(MultipartForm.create()
        .attribute("effect", "zoom-in"))), 400);
    check(HttpMethod.POST, path, system.upload(GatewayFixture.png(64, 64), Map.of("fps", "29")), 422);
    check(HttpMethod.POST, path, system.upload(GatewayFixture.png(64, 64), Map.of("callbackUrl", "ftp://x")), 422);
    check(HttpMethod.POST, path, system.upload("not an image".getBytes(), Map.of()), 415);
    check(HttpMethod.POST, path, get(system.http.post(path).putHeader("Origin", "https://elsewhere.example")
        .sendMultipartForm(MultipartForm.create().attribute("effect", "zoom-in"))), 403);
    Path big = Files.createTempFile(system.dataDir, "big", ".png");
    Files.write(big, new byte[3 * 1024 * 1024]);
    check(HttpMethod.POST, path, get(system.http.post(path).sendMultipartForm(MultipartForm.create()
        .binaryFileUpload("file", "big.png", big.toString(), "image/png"))), 413);
  }

  private void media(String template, String ready, String missing) throws Exception {
    HttpResponse<Buffer> whole = call(HttpMethod.GET, template, ready, r -> r, 200);
    call(HttpMethod.GET, template, ready, r -> r.putHeader("Range", "bytes=0-9"), 206);
    call(HttpMethod.GET, template, ready, r -> r.putHeader("If-None-Match", whole.getHeader("ETag")), 304);
    call(HttpMethod.GET, template, ready, r -> r.putHeader("Range", "bytes=999999999-"), 416);
    call(HttpMethod.GET, template, missing, r -> r, 404);
  }

  private void events(String path, int status) throws Exception {
    String template = "/api/v1/task/{id}/events";
    if (status != 200) {
      call(HttpMethod.GET, template, path, r -> r, status);
      return;
    }
    SseClient sse = SseClient.open(system.vertx, system.port(), path, null);
    get(sse.ended.future());
    sse.close();
    JsonObject response = documentedResponse("get", template, 200);
    String type = mediaType(sse.response.getHeader("Content-Type"));
    JsonObject content = response.getJsonObject("content", new JsonObject()).getJsonObject(type);
    if (content == null) {
      problems.add("GET " + template + " 200: content type " + type + " is not documented");
      return;
    }
    assertThat(sse.events).isNotEmpty();
    for (SseClient.Event event : sse.events) {
      schemas.check(event.json(), content.getJsonObject("x-event-data"))
          .forEach(p -> problems.add("GET " + template + " event: " + p));
    }
    called.add("get " + template + " 200");
  }

  private interface Customizer {
    HttpRequest<Buffer> apply(HttpRequest<Buffer> request);
  }

  private HttpResponse<Buffer> call(HttpMethod method, String template, String path, Customizer customizer,
      int expectedStatus) throws Exception {
    HttpResponse<Buffer> response = get(customizer.apply(system.http.request(method, path)).send());
    check(method, template, response, expectedStatus);
    return response;
  }

  private void check(HttpMethod method, String template, HttpResponse<Buffer> response, int expectedStatus) {
    String what = method + " " + template + " " + response.statusCode();
    assertThat(response.statusCode()).as(what + " " + response.bodyAsString()).isEqualTo(expectedStatus);
    called.add(method.name().toLowerCase() + " " + template + " " + response.statusCode());
    JsonObject documented = documentedResponse(method.name().toLowerCase(), template, response.statusCode());
    if (documented == null) {
      problems.add(what + ": status not documented");
      return;
    }
    for (String header : documented.getJsonObject("headers", new JsonObject()).fieldNames()) {
      if (response.getHeader(header) == null) {
        problems.add(what + ": documented header " + header + " is missing");
      }
    }
    JsonObject content = documented.getJsonObject("content");
    if (content == null) {
      if (response.body() != null && response.body().length() > 0) {
        problems.add(what + ": documented without a body but has one");
      }
      return;
    }
    String type = mediaType(response.getHeader("Content-Type"));
    if (!content.containsKey(type)) {
      problems.add(what + ": content type " + type + " not documented (" + content.fieldNames() + ")");
      return;
    }
    if (type.equals("application/json")) {
      schemas.check(response.bodyAsJsonObject(), content.getJsonObject(type).getJsonObject("schema"))
          .forEach(p -> problems.add(what + ": " + p));
    }
  }

  private JsonObject documentedResponse(String method, String template, int status) {
    JsonObject path = spec.getJsonObject("paths").getJsonObject(template);
    JsonObject operation = path == null ? null : path.getJsonObject(method);
    if (operation == null) {
      problems.add(method + " " + template + ": operation not documented");
      return null;
    }
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status));
    return response == null ? null : schemas.resolve(response);
  }

  private List<String> documentedOperations() {
    List<String> operations = new ArrayList<>();
    JsonObject paths = spec.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "post", "put", "delete", "patch", "head", "options").contains(method)) {
          operations.add(method + " " + path);
        }
      }
    }
    return operations;
  }

  private static String mediaType(String header) {
    return header == null ? "" : header.split(";")[0].trim().toLowerCase();
  }

  private void assertAllRefsResolve(Object node) {
    if (node instanceof JsonObject object) {
      if (object.containsKey("$ref")) {
        assertThat(schemas.resolve(object)).as(object.getString("$ref")).isNotNull();
      }
      object.forEach(e -> assertAllRefsResolve(e.getValue()));
    } else if (node instanceof io.vertx.core.json.JsonArray array) {
      array.forEach(this::assertAllRefsResolve);
    }
  }
}
