package io.stillmotion.render.h264;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * Bytes, PSNR-Y and speed of the motion encoder at a few QPs (of its reference P frames; the IDR
 * and disposable frames are offset as {@link FrameQpControl} does) against jcodec's stock encoder and
 * x264 veryfast (one thread, same 30-frame GOPs; its default High profile with B frames and CABAC,
 * and restricted to Baseline like ours) at a few CRFs, all fed the same frames: a 5 s
 * Ken Burns move (zoom 1 to 1.2 with a diagonal drift) over a real photo, area-scaled so one
 * source pixel lands on about one output pixel at the closest zoom, sampled bilinearly.
 * PSNR-Y is measured on ffmpeg's decode of each stream. Single-threaded; fps are indicative on a
 * shared machine. Arguments: photo path, width, height (default 1280x720).
 */
public final class EncoderBench {

  private static final java.lang.management.ThreadMXBean THREAD_CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private static final int FPS = 30;
  private static final int FRAMES = 150;
  private static final int GOP = 30;
  private static final double ZOOM = 1.2;

  private record Result(String encoder, long bytes, double psnr, double fps, double cpuFps) {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Path photo = Path.of(args.length > 0 ? args[0] : "../shared/testdata/photos/path-2560x1600.jpg");
    int width = args.length > 2 ? Integer.parseInt(args[1]) : 1280;
    int height = args.length > 2 ? Integer.parseInt(args[2]) : 720;
    Path work = Files.createTempDirectory("encoder-bench");
    try {
      run(photo, width, height, work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path photo, int width, int height, Path work) throws IOException, InterruptedException {
    List<Scenes.View> views = new ArrayList<>();
    List<Picture> frames = render(ImageIO.read(photo.toFile()), width, height, views);
    List<Result> results = new ArrayList<>();
    motion(frames, views, width, height, 26, work); // warm-up: let the JIT compile the encoder first
    for (int qp : new int[] {22, 26, 30, 34}) {
      results.add(motion(frames, views, width, height, qp, work));
    }
    if (!Boolean.getBoolean("bench.motionOnly")) {
      addOthers(frames, width, height, work, results);
    }
    System.out.printf("%s %dx%d@%d, %d frames, GOP %d%n", photo.getFileName(), width, height, FPS, FRAMES, GOP);
    System.out.printf("%-24s %12s %10s %9s %8s %8s%n", "encoder", "bytes", "Mbit/s", "PSNR-Y", "fps", "cpu-fps");
    for (Result r : results) {
      System.out.printf("%-24s %12d %10.2f %9.2f %8.1f %8.1f%n", r.encoder(), r.bytes(),
          r.bytes() * 8.0 * FPS / FRAMES / 1e6, r.psnr(), r.fps(), r.cpuFps());
    }
    System.out.println("cpu-fps: frames per second of the coding thread's own CPU time (steadier on a shared"
        + " machine than fps)");
  }

  /** jcodec's stock encoder and x264 (skipped with {@code -Dbench.motionOnly=true}, to compare versions of ours). */
  private static void addOthers(List<Picture> frames, int width, int height, Path work, List<Result> results)
      throws IOException, InterruptedException {
    results.add(jcodec(frames, width, height, work));
    for (String profile : new String[] {"high", "baseline"}) {
      for (int crf : new int[] {18, 23, 28}) {
        results.add(x264(frames, width, height, profile, crf, work));
      }
    }
  }

  private static Result motion(List<Picture> frames, List<Scenes.View> views, int width, int height, int qp,
      Path work) throws IOException, InterruptedException {
    StreamFormat format = new StreamFormat(width, height, 40, null);
    Path file = work.resolve("motion-" + qp + ".h264");
    long started = System.nanoTime();
    long cpuStarted = THREAD_CPU.getCurrentThreadCpuTime();
    try (OutputStream out = Files.newOutputStream(file)) {
      MotionH264Encoder encoder = new MotionH264Encoder(format);
      FrameQpControl offsets = new FrameQpControl(qp, Double.MAX_VALUE, FPS);
      Scenes.View reference = null;
      for (int f = 0; f < FRAMES; f++) {
        Scenes.View view = views.get(f);
        if (f % GOP == 0) {
          out.write(encoder.encodeIdr(frames.get(f), offsets.nextQp(0), f / GOP));
          reference = view;
        } else {
          boolean keep = FrameQpControl.isReference(f % GOP);
          out.write(encoder.encodeP(frames.get(f), Scenes.motion(reference, view), offsets.nextQp(f % GOP), keep));
          reference = keep ? view : reference;
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (THREAD_CPU.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
    return new Result("motion qp " + qp, Files.size(file), psnr(file, frames, width, height, work),
        FRAMES / seconds, FRAMES / cpuSeconds);
  }

  private static Result jcodec(List<Picture> frames, int width, int height, Path work)
      throws IOException, InterruptedException {
    Path file = work.resolve("jcodec.h264");
    H264Encoder encoder = H264Encoder.createH264Encoder();
    encoder.setKeyInterval(GOP);
    ByteBuffer buffer = ByteBuffer.allocate(width * height * 4);
    long started = System.nanoTime();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (Picture frame : frames) {
        buffer.clear();
        ByteBuffer data = encoder.encodeFrame(frame, buffer).getData();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        out.write(bytes);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result("jcodec stock", Files.size(file), psnr(file, frames, width, height, work), FRAMES / seconds,
        Double.NaN);
  }

  private static Result x264(List<Picture> frames, int width, int height, String profile, int crf, Path work)
      throws IOException, InterruptedException {
    Path raw = work.resolve("source.yuv");
    if (!Files.exists(raw)) {
      try (OutputStream out = Files.newOutputStream(raw)) {
        for (Picture frame : frames) {
          out.write(rawFrame(frame, width, height));
        }
      }
    }
    Path file = work.resolve("x264-" + profile + "-" + crf + ".h264");
    long started = System.nanoTime();
    Streams.run(Streams.FFMPEG.toString(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s",
        width + "x" + height, "-r", String.valueOf(FPS), "-i", raw.toString(), "-c:v", "libx264", "-preset",
        "veryfast", "-profile:v", profile, "-crf", String.valueOf(crf), "-g", String.valueOf(GOP), "-threads", "1", "-f", "h264",
        file.toString());
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result("x264 vf " + profile + " crf " + crf, Files.size(file), psnr(file, frames, width, height, work),
        FRAMES / seconds, Double.NaN);
  }

  private static byte[] rawFrame(Picture frame, int width, int height) {
    byte[] out = new byte[width * height * 3 / 2];
    int o = 0;
    for (int p = 0; p < 3; p++) {
      for (int v : Streams.plane(frame, p, width, height)) {
        out[o++] = (byte) v;
      }
    }
    return out;
  }

  private static double psnr(Path stream, List<Picture> frames, int width, int height, Path work)
      throws IOException, InterruptedException {
    Path decoded = work.resolve("decoded.yuv");
    Streams.run(Streams.FFMPEG.toString(), "-v", "error", "-y", "-f", "h264", "-i", stream.toString(), "-f",
        "rawvideo", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough", decoded.toString());
    byte[] raw = Files.readAllBytes(decoded);
    int frameSize = width * height * 3 / 2;
    if (raw.length != frameSize * frames.size()) {
      System.out.printf("%s: ffmpeg decoded %d frames, not %d: no PSNR%n", stream.getFileName(),
          raw.length / frameSize, frames.size());
      return Double.NaN;
    }
    double sum = 0;
    int[] y = new int[width * height];
    for (int f = 0; f < frames.size(); f++) {
      for (int i = 0; i < y.length; i++) {
        y[i] = raw[f * frameSize + i] & 0xff;
      }
      sum += Streams.psnr(Streams.plane(frames.get(f), 0, width, height), y);
    }
    return sum / frames.size();
  }

  /** Renders the Ken Burns frames and records each frame's view. */
  private static List<Picture> render(BufferedImage photo, int width, int height, List<Scenes.View> views) {
    double aspect = (double) width / height;
    double cover = Math.min(photo.getWidth(), photo.getHeight() * aspect);
    double k = Math.min(1, width * ZOOM / cover);
    int sw = (int) Math.round(photo.getWidth() * k);
    int sh = (int) Math.round(photo.getHeight() * k);
    BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    scaled.getGraphics().drawImage(photo.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    YuvImage image = YuvImage.of(scaled);
    double coverW = cover * k;
    double coverH = coverW / aspect;
    List<Picture> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      double t = (double) f / (FRAMES - 1);
      double e = t * t * (3 - 2 * t);
      double zoom = Math.pow(ZOOM, e);
      double w = coverW / zoom;
      double h = coverH / zoom;
      double cx = w / 2 + (0.3 + 0.4 * e) * (sw - w);
      double cy = h / 2 + (0.35 + 0.3 * e) * (sh - h);
      Scenes.View view = new Scenes.View(cx - w / 2, cy - h / 2, w / width);
      views.add(view);
      frames.add(image.render(view, width, height));
    }
    return frames;
  }

  /** A photo as full-resolution BT.601 limited-range planes, sampled bilinearly. */
  private record YuvImage(int width, int height, float[][] planes) {

    static YuvImage of(BufferedImage rgb) {
      int w = rgb.getWidth();
      int h = rgb.getHeight();
      float[][] planes = new float[3][w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = rgb.getRGB(x, y);
          double r = (p >> 16) & 0xff;
          double g = (p >> 8) & 0xff;
          double b = p & 0xff;
          double luma = 0.299 * r + 0.587 * g + 0.114 * b;
          planes[0][y * w + x] = (float) (16 + 219 * luma / 255);
          planes[1][y * w + x] = (float) (128 + 224 * (b - luma) / 1.772 / 255);
          planes[2][y * w + x] = (float) (128 + 224 * (r - luma) / 1.402 / 255);
        }
      }
      return new YuvImage(w, h, planes);
    }

    Picture render(Scenes.View v, int w, int h) {
      int pw = (w + 15) & ~15;
      int ph = (h + 15) & ~15;
      Picture pic = Picture.create(pw, ph, ColorSpace.YUV420J);
      for (int y = 0; y < ph; y++) {
        for (int x = 0; x < pw; x++) {
          double u = v.left() + (Math.min(x, w - 1) + 0.5) * v.step() - 0.5;
          double s = v.top() + (Math.min(y, h - 1) + 0.5) * v.step() - 0.5;
          pic.getPlaneData(0)[y * pw + x] = (byte) (sample(0, u, s) - 128);
        }
      }
      for (int c = 1; c < 3; c++) {
        for (int y = 0; y < ph / 2; y++) {
          for (int x = 0; x < pw / 2; x++) {
            double u = v.left() + (2 * Math.min(x, w / 2 - 1) + 0.5) * v.step() - 0.5;
            double s = v.top() + (2 * Math.min(y, h / 2 - 1) + 1) * v.step() - 0.5;
            pic.getPlaneData(c)[y * pw / 2 + x] = (byte) (sample(c, u, s) - 128);
          }
        }
      }
      return pic;
    }

    private int sample(int plane, double x, double y) {
      x = Math.max(0, Math.min(width - 1.001, x));
      y = Math.max(0, Math.min(height - 1.001, y));
      int ix = (int) x;
      int iy = (int) y;
      double fx = x - ix;
      double fy = y - iy;
      float[] p = planes[plane];
      int o = iy * width + ix;
      double top = p[o] * (1 - fx) + p[o + 1] * fx;
      double bottom = p[o + width] * (1 - fx) + p[o + width + 1] * fx;
      return (int) Math.round(top * (1 - fy) + bottom * fy);
    }
  }
}
