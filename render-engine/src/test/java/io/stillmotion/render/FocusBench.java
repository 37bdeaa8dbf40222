package io.stillmotion.render;

import io.stillmotion.render.faces.FaceDetector;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code focus=auto} costs per shot: {@link FocusFinder} on decoded photos (the shared test
 * photos and the two portraits of the tests), the face detector alone and everything (shrinking
 * the decoded photo, detection, and saliency when there is no face). Median thread CPU time of 9
 * runs after 3 to warm up; the photos' decoding is not counted (a render decodes anyway). Run with
 * {@code make bench}; it lives in this package because {@code FocusFinder} is the engine's own.
 */
public final class FocusBench {

  private static final int WARM_UP = 3;
  private static final int RUNS = 9;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    List<String> names = new ArrayList<>();
    List<RgbImage> images = new ArrayList<>();
    for (String shared : List.of("path-2560x1600.jpg", "autumn-2560x1600.jpg", "colorful-cups-2560x1600.jpg",
        "honeywave-1080x1920.jpg")) {
      Optional<Path> file = TestMedia.sharedPhoto(shared);
      if (file.isPresent()) {
        names.add(shared);
        images.add(ImageDecoder.decode(Files.readAllBytes(file.get())));
      } else {
        System.out.println("(no " + shared + ": set -Dshared.dir to the shared folder)");
      }
    }
    for (String portrait : List.of("astronaut-512.jpg", "grace-hopper-512x600.jpg")) {
      try (InputStream in = FocusBench.class.getResourceAsStream("/faces/" + portrait)) {
        names.add(portrait);
        images.add(ImageDecoder.decode(in.readAllBytes()));
      }
    }
    Motion motion = Motion.of(Effect.ZOOM_IN);
    System.out.println("| photo | size | faces | focus | detector (ms CPU) | focus=auto in all (ms CPU) |");
    System.out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < images.size(); i++) {
      RgbImage img = images.get(i);
      FaceDetector detector = FaceDetector.frontal();
      int[] size = detector.workingSize(img.width(), img.height());
      RgbImage small = Resampler.areaAverage(img, size[0], size[1]);
      byte[] grey = FocusFinder.grey(small);
      int faces = detector.detect(grey, size[0], size[1]).size();
      double detect = median(() -> detector.detect(grey, size[0], size[1]));
      double all = median(() -> FocusFinder.find(img, motion, 16.0 / 9));
      Focus focus = FocusFinder.find(img, motion, 16.0 / 9);
      System.out.printf("| %s | %dx%d | %d | %.2f, %.2f | %.1f | %.1f |%n", names.get(i), img.width(), img.height(),
          faces, focus.x(), focus.y(), detect, all);
    }
  }

  private static double median(Runnable work) {
    for (int i = 0; i < WARM_UP; i++) {
      work.run();
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = THREADS.getCurrentThreadCpuTime();
      work.run();
      ms[i] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms[RUNS / 2];
  }
}
