package io.stillmotion.worker;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.render.RenderException;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.VideoRenderer;
import io.stillmotion.render.audio.Soundtrack;
import io.stillmotion.store.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a story task: its pictures are copied from the store to local files first (never all in
 * memory), then the engine reads one shot's picture at a time from them, with the soundtrack
 * probed again from its bytes. The local copies are the caller's to delete ({@link Inputs#dir}).
 */
final class StoryRender {

  private final Vertx vertx;
  private final MediaStore media;
  private final VideoRenderer renderer;

  StoryRender(Vertx vertx, MediaStore media, VideoRenderer renderer) {
    this.vertx = vertx;
    this.media = media;
    this.renderer = renderer;
  }

  /** A story's pictures (in shot order) and soundtrack as local files in {@code dir}. */
  record Inputs(Path dir, List<Path> images, Path soundtrack) {
  }

  /** Copies the task's uploads into a fresh directory under {@code workDir}, one after the other. */
  Future<Inputs> fetch(Task task, Path workDir) {
    Path dir = workDir.resolve(task.id() + ".inputs");
    List<Path> images = new ArrayList<>();
    Future<Void> copied = vertx.fileSystem().mkdirs(dir.toString());
    for (String name : task.imageNames()) {
      Path local = dir.resolve(name);
      images.add(local);
      copied = copied.compose(v -> media.download(Names.UPLOADS_BUCKET, name, local));
    }
    var music = task.story().soundtrack();
    Path soundtrack = music == null ? null : dir.resolve(music.file());
    if (soundtrack != null) {
      copied = copied.compose(v -> media.download(Names.UPLOADS_BUCKET, music.file(), soundtrack));
    }
    return copied.map(v -> new Inputs(dir, images, soundtrack));
  }

  /** Blocking: call on a render thread. */
  RenderResult render(Task task, Inputs inputs, Path workDir, RenderListener listener) throws Exception {
    try {
      Soundtrack music = inputs.soundtrack == null ? null : Soundtrack.probe(Files.readAllBytes(inputs.soundtrack));
      return renderer.render(task.story().toEngine(task.options(), i -> () -> Files.readAllBytes(inputs.images.get(i)),
          music), workDir, listener);
    } catch (IOException e) {
      throw new RenderException("The story's pictures could not be read back on the worker", false, e);
    }
  }
}
