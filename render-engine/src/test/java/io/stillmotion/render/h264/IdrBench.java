package io.stillmotion.render.h264;

import io.stillmotion.render.TestMedia;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * CPU time of one IDR frame ({@link MotionH264Encoder#encodeIdr}) on real photos at 720p and
 * 1080p: the intra coding at the start of every video and GOP. Each photo is scaled by ffmpeg to
 * the frame size; the frame is coded {@code bench.rounds} times (default 40) after as many warm-up
 * rounds, and the median and minimum CPU milliseconds of the coding thread are printed with the
 * stream's size and CRC, so two builds run side by side can be checked to write the same bytes.
 * Arguments: photo paths (default the path and cups photos).
 */
public final class IdrBench {

  private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();
  private static final int[][] SIZES = {{1280, 720}, {1920, 1080}};
  private static final int QP = 24;

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String[] photos = args.length > 0 ? args
        : java.util.stream.Stream.of("path-2560x1600.jpg", "colorful-cups-2560x1600.jpg")
            .map(name -> io.stillmotion.render.TestMedia.sharedPhoto(name).orElseThrow(
                () -> new IllegalStateException("no " + name + ": set -Dshared.dir to the shared folder")).toString())
            .toArray(String[]::new);
    int rounds = Integer.getInteger("bench.rounds", 40);
    for (String photo : photos) {
      for (int[] size : SIZES) {
        Picture frame = load(Path.of(photo), size[0], size[1]);
        MotionH264Encoder encoder = new MotionH264Encoder(new StreamFormat(size[0], size[1], 40, null));
        byte[] stream = null;
        for (int i = 0; i < rounds; i++) {
          stream = encoder.encodeIdr(frame, QP, 0);
        }
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          long started = THREAD_CPU.getCurrentThreadCpuTime();
          stream = encoder.encodeIdr(frame, QP, 0);
          ms[i] = (THREAD_CPU.getCurrentThreadCpuTime() - started) / 1e6;
        }
        Arrays.sort(ms);
        CRC32 crc = new CRC32();
        crc.update(stream);
        System.out.printf("%-32s %4dx%-4d median %7.2f ms  min %7.2f ms  %8d bytes  crc %08x%n",
            Path.of(photo).getFileName(), size[0], size[1], ms[rounds / 2], ms[0], stream.length, crc.getValue());
      }
    }
  }

  /** The photo scaled to the frame by ffmpeg, its planes padded to whole macroblocks by repeating the edges. */
  private static Picture load(Path photo, int width, int height) throws IOException, InterruptedException {
    byte[] raw = TestMedia.scaledRaw(photo, width, height, "yuv420p");
    int pw = (width + 15) & ~15;
    int ph = (height + 15) & ~15;
    Picture pic = Picture.create(pw, ph, ColorSpace.YUV420J);
    int offset = 0;
    for (int c = 0; c < 3; c++) {
      int shift = c == 0 ? 0 : 1;
      int w = width >> shift;
      int h = height >> shift;
      int stride = pw >> shift;
      byte[] plane = pic.getPlaneData(c);
      for (int y = 0; y < ph >> shift; y++) {
        for (int x = 0; x < stride; x++) {
          plane[y * stride + x] = (byte) ((raw[offset + Math.min(y, h - 1) * w + Math.min(x, w - 1)] & 0xff) - 128);
        }
      }
      offset += w * h;
    }
    return pic;
  }
}
