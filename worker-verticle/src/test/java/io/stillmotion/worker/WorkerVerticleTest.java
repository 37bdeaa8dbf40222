package io.stillmotion.worker;

import io.stillmotion.model.Names;
import io.stillmotion.model.RenderOptions;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker against the embedded MongoDB and the test broker (a real RabbitMQ when configured). */
class WorkerVerticleTest {

  private static WorkerTestBed bed;
  private static final List<TaskEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    bed = WorkerTestBed.open(Vertx.vertx(), "worker-test",
        Map.of("WORKER_ID", "test-worker", "RENDER_THREADS", "2"), true);
    get(bed.rabbit.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false));
    JsonObject queue = get(bed.rabbit.queueDeclareAuto());
    get(bed.rabbit.queueBind(queue.getString("queue"), Names.EVENTS_EXCHANGE, "task.*"));
    get(bed.rabbit.basicConsumer(queue.getString("queue"), new QueueOptions().setAutoAck(true))
        .onSuccess(c -> c.handler(m -> events.add(TaskEvent.fromJson(m.body().toJsonObject())))));
    get(bed.vertx.deployVerticle(new WorkerVerticle(bed.config())));
  }

  @AfterAll
  static void stop() throws Exception {
    bed.close();
  }

  static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.RED, width, height, Color.CYAN));
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static String submit(byte[] image, RenderOptions options) throws Exception {
    String id = TaskMessage.newTaskId();
    Task task = Task.pending(id, "png", options, System.currentTimeMillis());
    get(bed.media.putBytes(Names.UPLOADS_BUCKET, task.uploadFileName(), image));
    get(bed.tasks.insert(task));
    publish(new TaskMessage(id).toBuffer());
    return id;
  }

  private static void publish(Buffer body) throws Exception {
    get(bed.rabbit.basicPublish("", Names.TASK_QUEUE, body));
  }

  private static RenderOptions shortVideo() {
    return RenderOptions.fromFields(Map.of("duration", "1", "size", "720x720", "fps", "24"));
  }

  private static Task awaitTerminal(String id) {
    Task[] result = new Task[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      result[0] = get(bed.tasks.find(id));
      return result[0] != null && result[0].status().isTerminal();
    });
    return result[0];
  }

  @Test
  @DisplayName("a queued task is claimed, rendered, stored with poster and thumbnail, and FINISHED")
  void rendersTask() throws Exception {
    String id = submit(png(400, 300), shortVideo());

    Task done = awaitTerminal(id);

    assertThat(done.status()).isEqualTo(TaskStatus.FINISHED);
    assertThat(done.progress()).isEqualTo(100);
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.workerId()).isNull();
    assertThat(done.result()).as("the files recorded by the winning attempt").isNotNull();
    Buffer video = get(bed.media.readAll(Names.VIDEOS_BUCKET, done.media().video()));
    assertThat(video.getString(4, 8)).isEqualTo("ftyp");
    assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, done.media().poster()))).isNotNull();
    assertThat(get(bed.media.stat(Names.VIDEOS_BUCKET, done.media().thumbnail()))).isNotNull();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        events.stream().anyMatch(e -> e.taskId().equals(id) && e.status() == TaskStatus.FINISHED));
    List<Integer> progress = events.stream().filter(e -> e.taskId().equals(id)).map(TaskEvent::progress).toList();
    assertThat(progress).isSorted();
  }

  @Test
  @DisplayName("a redelivered message for a finished task renders nothing twice")
  void redeliveryIsHarmless() throws Exception {
    String id = submit(png(200, 200), shortVideo());
    awaitTerminal(id);
    long updated = get(bed.tasks.find(id)).updatedAt();

    publish(new TaskMessage(id).toBuffer());
    String marker = submit(png(200, 200), shortVideo());
    awaitTerminal(marker);

    Task again = get(bed.tasks.find(id));
    assertThat(again.attempts()).isEqualTo(1);
    assertThat(again.updatedAt()).isEqualTo(updated);
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files", new JsonObject().put("filename",
        new JsonObject().put("$regex", "^" + id + "\\..*mp4$"))))).isEqualTo(1);
  }

  @Test
  @DisplayName("an image that cannot be decoded fails at once with a message a person can act on")
  void undecodableFailsPermanently() throws Exception {
    byte[] notAnImage = "this is not a picture".getBytes();
    String id = submit(notAnImage, shortVideo());

    Task failed = awaitTerminal(id);

    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.message()).isNotBlank();
    assertThat(get(bed.mongo.count(Names.VIDEOS_BUCKET + ".files", new JsonObject().put("filename",
        new JsonObject().put("$regex", "^" + id + "\\."))))).isZero();
  }

  @Test
  @DisplayName("a PNG whose zTXt unpacks to 1 GiB, handed to the worker directly, fails at once naming the metadata")
  void hostilePngFailsPermanently() throws Exception {
    String id = submit(io.stillmotion.render.HostileImages.pngWithTextBomb(1024, true), shortVideo());

    Task failed = awaitTerminal(id);

    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.message()).contains("text chunk that unpacks to more than 1 MiB");
  }

  @Test
  @DisplayName("poison messages are dropped and the worker goes on with the next task")
  void poisonMessages() throws Exception {
    publish(Buffer.buffer("not json at all"));
    publish(new JsonObject().put("taskId", "not-a-uuid").toBuffer());
    publish(new TaskMessage(TaskMessage.newTaskId()).toBuffer());

    String id = submit(png(200, 200), shortVideo());

    assertThat(awaitTerminal(id).status()).isEqualTo(TaskStatus.FINISHED);
    await().atMost(Duration.ofSeconds(30)).until(() -> get(bed.rabbit.messageCount(Names.TASK_QUEUE)) == 0);
  }
}
