package io.stillmotion.render.bench;

import io.stillmotion.render.Effect;
import io.stillmotion.render.Focus;
import io.stillmotion.render.ImageSource;
import io.stillmotion.render.Motion;
import io.stillmotion.render.RenderListener;
import io.stillmotion.render.RenderResult;
import io.stillmotion.render.Shot;
import io.stillmotion.render.Speed;
import io.stillmotion.render.Story;
import io.stillmotion.render.TestMedia;
import io.stillmotion.render.Transition;
import io.stillmotion.render.VideoRenderer;
import io.stillmotion.render.audio.Soundtrack;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Stories on this machine: the 6-photo 9:16 story with a title, captions, crossfades and music
 * (time and size), what each part costs (the same story with cuts, slides, no text, no music),
 * and, with {@code large} as first argument, twenty 40-megapixel photos in one story, meant for a
 * JVM with a small heap ({@code -Xmx}) to show the memory stays bounded. Run by {@code make bench}.
 */
public final class StoryBench {

  private static final String[] PHOTOS = {"autumn-2560x1600.jpg", "colorful-cups-2560x1600.jpg",
      "honeywave-1080x1920.jpg", "path-2560x1600.jpg"};
  private static final String[] CAPTIONS = {"Saturday morning", "Coffee by the river", "The old town at dusk",
      "A walk through the woods", "Colours everywhere", "Home again"};

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    int threads = Runtime.getRuntime().availableProcessors();
    Path work = Files.createTempDirectory("stillmotion-story-bench");
    try (VideoRenderer renderer = new VideoRenderer(threads)) {
      if (args.length > 0 && args[0].equals("large")) {
        int[] n = args.length == 5
            ? new int[] {Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4])}
            : new int[] {7300, 5475, 1080, 1920};
        large(renderer, work, n[0], n[1], n[2], n[3]);
        return;
      }
      byte[][] photos = new byte[PHOTOS.length][];
      for (int i = 0; i < PHOTOS.length; i++) {
        photos[i] = Files.readAllBytes(TestMedia.requiredSharedPhoto(PHOTOS[i]));
      }
      byte[] music;
      try (InputStream in = StoryBench.class.getResourceAsStream("/audio/tone-1500ms.mp3")) {
        music = in.readAllBytes();
      }
      renderer.render(story(photos, 360, 640, Transition.crossfade(0.8), true, music), work, RenderListener.NONE);
      System.out.printf("%nStories, 6 photos, 3 s each, 1080x1920 at 30 fps, quality medium, %d threads%n", threads);
      System.out.println("| story | time (CPU time) | size | vs the full story (CPU time, bytes) |");
      System.out.println("|---|---|---|---|");
      long[] full = run(renderer, work, "title, captions, crossfades 0.8 s, MP3",
          story(photos, 1080, 1920, Transition.crossfade(0.8), true, music), null);
      run(renderer, work, "same, cuts", story(photos, 1080, 1920, Transition.CUT, true, music), full);
      run(renderer, work, "same, slides 0.8 s", story(photos, 1080, 1920, Transition.slide(0.8), true, music), full);
      run(renderer, work, "crossfades, no text", story(photos, 1080, 1920, Transition.crossfade(0.8), false, music),
          full);
      run(renderer, work, "crossfades, text, no music",
          story(photos, 1080, 1920, Transition.crossfade(0.8), true, null), full);
    } finally {
      try (var files = Files.list(work)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(work);
    }
  }

  private static Story story(byte[][] photos, int w, int h, Transition transition, boolean text, byte[] music)
      throws Exception {
    Effect[] moves = {Effect.ZOOM_IN, Effect.PAN_LEFT, Effect.KEN_BURNS, Effect.ZOOM_OUT, Effect.PAN_RIGHT,
        Effect.ZOOM_IN};
    Story.Builder b = Story.builder(w, h, 30).defaultTransition(transition);
    if (text) {
      b.title("A weekend away");
    }
    if (music != null) {
      b.soundtrack(Soundtrack.probe(music));
    }
    for (int i = 0; i < 6; i++) {
      byte[] photo = photos[i % photos.length];
      Motion motion = Motion.of(moves[i]).withFocus(i % 2 == 0 ? Focus.AUTO : Focus.CENTER)
          .withSpeed(i == 4 ? Speed.FAST : Speed.NORMAL);
      b.shot(new Shot(() -> photo, 3, motion, text ? CAPTIONS[i] : null));
    }
    return b.build();
  }

  private static long[] run(VideoRenderer renderer, Path work, String name, Story story, long[] base)
      throws Exception {
    long start = System.nanoTime();
    long cpuStart = cpuNanos();
    RenderResult r = renderer.render(story, work, RenderListener.NONE);
    long ms = (System.nanoTime() - start) / 1_000_000;
    long cpuMs = (cpuNanos() - cpuStart) / 1_000_000;
    String versus = base == null ? "—"
        : String.format("%+.1f%% CPU, %+.1f%% bytes", 100.0 * (cpuMs - base[0]) / base[0],
            100.0 * (r.videoBytes() - base[1]) / base[1]);
    System.out.printf("| %s | %.1f s, %.0f fps (%.1f s) | %.2f MB | %s |%n", name, ms / 1000.0,
        r.frames() / (ms / 1000.0), cpuMs / 1000.0, r.videoBytes() / 1e6, versus);
    System.out.flush();
    Files.deleteIfExists(r.video());
    return new long[] {cpuMs, r.videoBytes()};
  }

  /**
   * Twenty large JPEGs (by default 40 megapixels), 1 s each with crossfades, at 1080x1920 (by
   * default); prints the peak heap. Each shot reads its own copy of the bytes, as a service would.
   */
  private static void large(VideoRenderer renderer, Path work, int imageW, int imageH, int frameW, int frameH)
      throws Exception {
    byte[] jpeg = TestMedia.jpeg(TestMedia.photoLike(imageW, imageH, 9), 0.85f);
    System.gc();
    Story.Builder b = Story.builder(frameW, frameH, 30).defaultTransition(Transition.crossfade(0.5));
    for (int i = 0; i < 20; i++) {
      b.shot(new Shot(jpeg::clone, 1, Motion.of(i % 2 == 0 ? Effect.ZOOM_IN : Effect.PAN_LEFT)));
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    long start = System.nanoTime();
    RenderResult r = renderer.render(b.build(), work, RenderListener.NONE);
    long ms = (System.nanoTime() - start) / 1_000_000;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("20 photos of %.0f MP (%.1f MB JPEG each), 20 s at %dx%d: %.1f s, %.2f MB, peak heap %d MB"
        + " (max heap %d MB)%n", imageW * (double) imageH / 1e6, jpeg.length / 1e6, frameW, frameH, ms / 1000.0,
        r.videoBytes() / 1e6, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    System.out.flush();
    Files.deleteIfExists(r.video());
  }

  /** CPU time of the whole process: on a shared machine a steadier measure than the clock. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
