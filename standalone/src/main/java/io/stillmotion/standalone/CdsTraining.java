package io.stillmotion.standalone;

import io.stillmotion.model.StillmotionConfig;
import io.stillmotion.render.SamplePhoto;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training run behind {@code make run}'s class data sharing archive (JDK 17 AppCDS): {@code make}
 * runs it once with {@code -XX:ArchiveClassesAtExit=...} on the same class path as the standalone jar,
 * and the archive then holds, already parsed and verified, the classes that a start and a first video
 * load: the embedded database and broker, the gateway, the worker, the image check and the render
 * path. It starts the whole system on a temporary data directory and a free port, uploads a made-up
 * photo over HTTP as a client would, waits until its one-second video is FINISHED and stops: it needs
 * nothing outside this JVM. Exits with 1 when the video did not finish, so that no archive of a
 * path that does not work is kept.
 */
public final class CdsTraining {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
  private static final String BOUNDARY = "stillmotion-cds-training";

  private CdsTraining() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("vertx.disableFileCPResolving", "true"); // as Main does
    Path dir = Files.createTempDirectory("stillmotion-cds-training");
    String status = "NOT STARTED";
    try {
      Map<String, String> env = new HashMap<>(System.getenv());
      // Only this JVM's own servers, on a free port and a throwaway data directory.
      env.remove("MONGO_URI");
      env.remove("AMQP_URI");
      env.put("HTTP_PORT", "0");
      env.put("HTTP_HOST", "127.0.0.1");
      env.put("DATA_DIR", dir.toString());
      env.remove("API_TOKEN");
      StandaloneApp app = StandaloneApp.start(StillmotionConfig.fromEnv(env));
      try {
        status = uploadAndWait(app.httpPort());
      } finally {
        app.close();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (!"FINISHED".equals(status)) {
      System.err.println("CDS training: the training video ended " + status);
      System.exit(1);
    }
    // Exit explicitly: the archive is written as the JVM exits, and no thread left behind may hold it up.
    System.exit(0);
  }

  /** Uploads a made-up photo for a one-second video; the task's last status (FINISHED when it worked). */
  static String uploadAndWait(int port) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + port + "/api/v1/task";
    HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(base))
        .header("content-type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(SamplePhoto.jpeg(1600, 1000))))
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    Matcher id = ID.matcher(posted.body());
    if (posted.statusCode() != 200 || !id.find()) {
      return "REFUSED " + posted.statusCode() + " " + posted.body();
    }
    // The task's event stream ends after its terminal state; its last status is the answer.
    HttpResponse<String> events = client.send(HttpRequest.newBuilder(URI.create(base + "/" + id.group(1) + "/events"))
        .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
    Matcher status = STATUS.matcher(events.body());
    String last = "NO STATUS";
    while (status.find()) {
      last = status.group(1);
    }
    return last;
  }

  static byte[] multipart(byte[] jpeg) {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n1\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n1280x720\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
        + "Content-Type: image/jpeg\r\n\r\n";
    String tail = "\r\n--" + BOUNDARY + "--\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(jpeg);
    out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
