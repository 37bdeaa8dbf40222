package io.stillmotion.gateway;

import io.stillmotion.model.Names;
import io.stillmotion.model.Soundtrack;
import io.stillmotion.model.Story;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.store.MediaStore;
import io.stillmotion.store.TaskStore;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;

import io.stillmotion.render.ImageSource;
import io.stillmotion.render.InvalidStoryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a checked request into a task: probes every image (and the soundtrack) off the event loop,
 * stores them under names of the new task, records the task and publishes it. Whatever fails, it
 * leaves nothing behind: no task and no stored bytes.
 */
final class TaskIntake {

  private static final Logger log = TaskMdc.logger(TaskIntake.class);

  private final Vertx vertx;
  private final ImageProbe images;
  private final MediaStore media;
  private final TaskStore tasks;
  private final TaskPublisher publisher;
  private final StillmotionMetrics metrics;

  TaskIntake(Vertx vertx, ImageProbe images, MediaStore media, TaskStore tasks, TaskPublisher publisher,
      StillmotionMetrics metrics) {
    this.vertx = vertx;
    this.images = images;
    this.media = media;
    this.tasks = tasks;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  /** What the probes found: each image in order, and the soundtrack or null. */
  private record Probed(List<ImageProbe.ImageInfo> images, io.stillmotion.render.audio.Soundtrack audio) {
  }

  /** Stands for a picture while the engine checks a story before anything is stored: never read. */
  private static final ImageSource NOT_READ = () -> {
    throw new IllegalStateException("a story is only checked here, never rendered");
  };

  /** A stored file of the new task: its local upload and its name in the uploads bucket. */
  private record Upload(Path file, String name) {
  }

  Future<String> accept(TaskRequest request) {
    return probeImages(request, 0, new ArrayList<>())
        .compose(infos -> vertx.executeBlocking(() -> probeRest(request, infos), false))
        .compose(probed -> store(request, probed));
  }

  /** One image after the other, each in the image check's own bounded pool; an error names the image. */
  private Future<List<ImageProbe.ImageInfo>> probeImages(TaskRequest request, int i, List<ImageProbe.ImageInfo> infos) {
    int n = request.images().size();
    if (i == n) {
      return Future.succeededFuture(infos);
    }
    return images.probe(request.images().get(i))
        .recover(e -> Future.failedFuture(e instanceof ApiException api ? api.ofImage(i, n) : e))
        .compose(info -> {
          infos.add(info);
          return probeImages(request, i + 1, infos);
        });
  }

  /** Blocking: the soundtrack, then what only the engine can say of the whole story. */
  private Probed probeRest(TaskRequest request, List<ImageProbe.ImageInfo> infos) {
    Probed probed = new Probed(infos, request.audio() == null ? null : probeAudio(request.audio()));
    if (request.isStory()) {
      checkWithEngine(request, probed.audio);
    }
    return probed;
  }

  /** The engine sniffs and measures the soundtrack (MP3, AAC in ADTS or M4A) from its bytes. */
  private static io.stillmotion.render.audio.Soundtrack probeAudio(Path file) {
    try {
      return io.stillmotion.render.audio.Soundtrack.probe(Files.readAllBytes(file));
    } catch (InvalidStoryException e) {
      throw refusal(e, false);
    } catch (IOException e) {
      throw ApiException.badRequest("upload_unreadable", "The uploaded audio file could not be read.")
          .with("field", TaskRequest.AUDIO_FIELD);
    }
  }

  /** What only the engine knows, e.g. whether each caption fits the frame in its font: asked before storing. */
  private static void checkWithEngine(TaskRequest request, io.stillmotion.render.audio.Soundtrack music) {
    try {
      request.form().story().toEngine(request.form().options(), i -> NOT_READ, music);
    } catch (InvalidStoryException e) {
      throw refusal(e, request.fromDocument());
    }
  }

  /** The engine's refusal as the API's: 415 for a file of a kind it does not read, else 422, naming the part. */
  private static ApiException refusal(InvalidStoryException e, boolean fromDocument) {
    ApiException error = new ApiException(e.isUnsupportedMedia() ? 415 : 422, e.code(), e.getMessage())
        .with("field", e.field());
    if (e.shot() >= 0) {
      error.with("index", e.shot());
    }
    if (fromDocument) {
      error.with("path", e.shot() >= 0 ? "$.shots[" + e.shot() + "]." + e.field() : "$." + e.field());
    }
    return error;
  }

  private Future<String> store(TaskRequest request, Probed probed) {
    String id = TaskMessage.newTaskId();
    List<Upload> uploads = new ArrayList<>();
    for (int i = 0; i < probed.images.size(); i++) {
      uploads.add(new Upload(request.images().get(i), Task.imageFileName(id, i, probed.images.get(i).extension())));
    }
    Task task = Task.pending(id, probed.images.get(0).extension(), request.form().options(), System.currentTimeMillis())
        .withCallbackUrl(request.callbackUrl());
    if (request.isStory()) {
      Story story = request.form().story().withImages(uploads.stream().map(Upload::name).toList());
      if (probed.audio != null) {
        Soundtrack music = Soundtrack.of(Task.audioFileName(id, Soundtrack.extension(probed.audio)), probed.audio);
        uploads.add(new Upload(request.audio(), music.file()));
        story = story.withSoundtrack(music);
      }
      task = task.withStory(story);
    }
    Task accepted = task;
    return putAll(uploads, 0)
        .compose(v -> tasks.insert(accepted))
        // Whatever the clean-up does, the request fails with the original error.
        .recover(e -> deleteAll(uploads).transform(cleaned -> Future.<Void>failedFuture(e)))
        .compose(v -> publisher.publish(id).otherwiseEmpty())
        .map(id)
        .onSuccess(v -> accepted(accepted, probed, request.bytes()));
  }

  /** One file after the other: a story's uploads never all sit in memory at once. */
  private Future<Void> putAll(List<Upload> uploads, int from) {
    if (from == uploads.size()) {
      return Future.succeededFuture();
    }
    Upload upload = uploads.get(from);
    return media.putFile(Names.UPLOADS_BUCKET, upload.name(), upload.file()).compose(v -> putAll(uploads, from + 1));
  }

  private Future<Void> deleteAll(List<Upload> uploads) {
    return Future.join(uploads.stream().map(u -> media.deleteEventually(Names.UPLOADS_BUCKET, u.name())).toList())
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private void accepted(Task task, Probed probed, long bytes) {
    metrics.taskAccepted(bytes);
    ImageProbe.ImageInfo first = probed.images.get(0);
    if (task.story() == null) {
      log.info("[{}] accepted {}x{} {} ({} bytes), options {}", task.id(), first.width(), first.height(),
          first.format(), bytes, task.options().toJson().encode());
    } else {
      log.info("[{}] accepted a story of {} images{} ({} bytes), {} s, options {}", task.id(), probed.images.size(),
          probed.audio == null ? "" : " with " + probed.audio.format() + " music", bytes,
          task.story().durationSeconds(), task.options().toJson().encode());
    }
  }
}
