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
  private final AudioProbe audio = new AudioProbe();
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
  private record Probed(List<ImageProbe.ImageInfo> images, AudioProbe.AudioInfo audio) {
  }

  /** A stored file of the new task: its local upload and its name in the uploads bucket. */
  private record Upload(Path file, String name) {
  }

  Future<String> accept(TaskRequest request) {
    return vertx.executeBlocking(() -> probe(request), false).compose(probed -> store(request, probed));
  }

  private Probed probe(TaskRequest request) {
    List<ImageProbe.ImageInfo> infos = new ArrayList<>();
    int n = request.images().size();
    for (int i = 0; i < n; i++) {
      try {
        infos.add(images.probe(request.images().get(i)));
      } catch (ApiException e) {
        throw e.ofImage(i, n);
      }
    }
    return new Probed(infos, request.audio() == null ? null : probeAudio(request.audio()));
  }

  private AudioProbe.AudioInfo probeAudio(Path file) {
    try {
      return audio.probe(file);
    } catch (ApiException e) {
      throw e.with("field", TaskRequest.AUDIO_FIELD);
    }
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
        AudioProbe.AudioInfo a = probed.audio;
        Soundtrack music = new Soundtrack(Task.audioFileName(id, a.extension()), a.format(), a.container(),
            a.contentType(), a.durationSeconds());
        uploads.add(new Upload(request.audio(), music.file()));
        story = story.withSoundtrack(music);
      }
      task = task.withStory(story);
    }
    Task accepted = task;
    return putAll(uploads, 0)
        .compose(v -> tasks.insert(accepted))
        .recover(e -> deleteAll(uploads).eventually(() -> Future.failedFuture(e)))
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
    return Future.join(uploads.stream().map(u -> media.delete(Names.UPLOADS_BUCKET, u.name())).toList())
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
