package io.stillmotion.render.h264;

import io.stillmotion.render.TestMedia;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * CPU time of the candidate SADs of whole P frames ({@link QuarterPelPlanes#sad16x16} as the slice
 * coder calls it: the four quarter-pel corners around the camera's vector, the rounded one first
 * without a limit, the others limited by the best cost so far, vectors costed against the median of
 * the winners, then the P_Skip vector when it is another one near the camera's, limited by the best
 * cost). The frames are a 1 s Ken Burns move over a real photo (luma only, sampled bilinearly from
 * ffmpeg's scaling), coded by {@link MotionH264Encoder}, whose reconstructions are the references.
 * Prints the minimum and median thread CPU per frame's SADs over {@code bench.rounds} rounds
 * (default 30) and a checksum of the costs, which two builds must share.
 *
 * <p>{@code -Dbench.other=<classes folder>} runs another build's classes (compiled with the same
 * {@code sad16x16} signature) in their own class loader too, rounds alternating A B B A, so that
 * two kernels are compared under the same load. Arguments: photo path (default the path photo),
 * width, height (default 1280x720).
 */
public final class CandidateSadBench {

  private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();
  private static final int FRAMES = 31;
  private static final int QP = 26;

  /** One P frame's job: its source, the reference's planes and the camera motion between them. */
  private record Job(Picture source, QuarterPelPlanes planes, CameraMotion motion) {
  }

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String photo = args.length > 0 ? args[0]
        : io.stillmotion.render.TestMedia.sharedPhoto("path-2560x1600.jpg").orElseThrow(
            () -> new IllegalStateException("no path photo: set -Dshared.dir to the shared folder")).toString();
    int width = args.length > 2 ? Integer.parseInt(args[1]) : 1280;
    int height = args.length > 2 ? Integer.parseInt(args[2]) : 720;
    int rounds = Integer.getInteger("bench.rounds", 30);
    List<String> names = new ArrayList<>(List.of("this build"));
    List<LongSupplier> runners = new ArrayList<>(List.of(new Runner(photo, width, height)));
    String other = System.getProperty("bench.other");
    if (other != null) {
      names.add(other);
      runners.add(otherBuild(Path.of(other), photo, width, height));
    }
    for (int i = 0; i < rounds; i++) {
      runners.forEach(LongSupplier::getAsLong);
    }
    double[][] ms = new double[runners.size()][rounds];
    long[] checksums = new long[runners.size()];
    for (int i = 0; i < rounds; i++) {
      for (int k = 0; k < runners.size(); k++) {
        int which = (i & 1) == 0 ? k : runners.size() - 1 - k;
        long started = THREAD_CPU.getCurrentThreadCpuTime();
        checksums[which] = runners.get(which).getAsLong();
        ms[which][i] = (THREAD_CPU.getCurrentThreadCpuTime() - started) / 1e6 / (FRAMES - 1);
      }
    }
    System.out.printf("%s %dx%d, %d P frames, %d rounds%n", Path.of(photo).getFileName(), width, height, FRAMES - 1,
        rounds);
    if (runners.size() == 2) {
      double[] ratios = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        ratios[i] = ms[0][i] / ms[1][i];
      }
      Arrays.sort(ratios);
      System.out.printf("this build / the other, round by round: median %.3f, quartiles %.3f-%.3f%n",
          ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4]);
    }
    for (int k = 0; k < runners.size(); k++) {
      Arrays.sort(ms[k]);
      System.out.printf("%-40s ms a frame's SADs: min %.3f median %.3f; %s; checksum %016x%n", names.get(k), ms[k][0],
          ms[k][rounds / 2], runners.get(k), checksums[k]);
    }
  }

  /** A runner of the build in {@code classes}, with this bench and the libraries of this class path. */
  private static LongSupplier otherBuild(Path classes, String photo, int width, int height) throws Exception {
    String ours = Path.of(QuarterPelPlanes.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    List<URL> urls = new ArrayList<>(List.of(classes.toUri().toURL()));
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!Path.of(entry).toAbsolutePath().toString().equals(ours)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    return (LongSupplier) Class.forName(Runner.class.getName(), true, loader)
        .getConstructor(String.class, int.class, int.class).newInstance(photo, width, height);
  }

  /** One build's frames and refiner: each call runs the candidate SADs of all frames once. */
  public static final class Runner implements LongSupplier {
    private final List<Job> jobs;
    private final Refiner refiner;

    public Runner(String photo, int width, int height) throws IOException, InterruptedException {
      this.jobs = jobs(Path.of(photo), width, height);
      this.refiner = new Refiner(width, height);
    }

    @Override
    public long getAsLong() {
      return refiner.all(jobs);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.0f SADs a frame", (double) refiner.calls / refiner.frames);
    }
  }

  /** The SADs of refine() over every macroblock of a frame, its winners feeding the next vectors' costs. */
  static final class Refiner {
    private final int mbW;
    private final int mbH;
    private final QuarterPelPlanes.SourceBlock block = new QuarterPelPlanes.SourceBlock();
    private final byte[] prediction = new byte[256];
    private final int[] blockSads = new int[16];
    private final int vectorLambda = Costs.lambda(QP - 12);
    private long calls;
    private long frames;

    Refiner(int width, int height) {
      this.mbW = (width + 15) / 16;
      this.mbH = (height + 15) / 16;
    }

    long all(List<Job> jobs) {
      long checksum = 0;
      for (Job job : jobs) {
        checksum = checksum * 31 + frame(job);
      }
      return checksum;
    }

    private long frame(Job job) {
      frames++;
      MotionField field = new MotionField(mbW, mbH);
      byte[] luma = job.source().getPlaneData(0);
      int stride = job.source().getPlaneWidth(0);
      long checksum = 0;
      for (int mbY = 0; mbY < mbH; mbY++) {
        for (int mbX = 0; mbX < mbW; mbX++) {
          block.load(luma, mbY * 16 * stride + mbX * 16, stride);
          long mvp = field.median(mbX, mbY);
          double exactX = job.motion().quarterX(mbX * 16 + 7.5);
          double exactY = job.motion().quarterY(mbY * 16 + 7.5);
          long best = MotionField.pack((int) Math.round(exactX), (int) Math.round(exactY));
          int bestCost = sad(job.planes(), mbX, mbY, best, Integer.MAX_VALUE)
              + vectorLambda * Costs.mvdBits(best, mvp);
          long camera = best;
          for (int d = 0; d < 4; d++) {
            long candidate = MotionField.pack((int) Math.floor(exactX) + (d & 1), (int) Math.floor(exactY) + (d >> 1));
            if (candidate != camera) {
              int mvCost = vectorLambda * Costs.mvdBits(candidate, mvp);
              int cost = sad(job.planes(), mbX, mbY, candidate, bestCost - mvCost) + mvCost;
              if (cost < bestCost) {
                bestCost = cost;
                best = candidate;
              }
            }
          }
          long skipMv = field.skip(mbX, mbY);
          if (skipMv != best && Math.abs(MotionField.unpackX(skipMv) - exactX) <= 16
              && Math.abs(MotionField.unpackY(skipMv) - exactY) <= 16) {
            int skipCost = sad(job.planes(), mbX, mbY, skipMv, bestCost + 1);
            if (skipCost <= bestCost) {
              best = skipMv;
              bestCost = skipCost;
            }
          }
          field.setInter(mbX, mbY, MotionField.unpackX(best), MotionField.unpackY(best));
          checksum = checksum * 31 + bestCost;
        }
      }
      return checksum;
    }

    private int sad(QuarterPelPlanes planes, int mbX, int mbY, long mv, int limit) {
      calls++;
      int qx = (mbX << 6) + MotionField.unpackX(mv);
      int qy = (mbY << 6) + MotionField.unpackY(mv);
      int sad = planes.sad16x16(qx, qy, block, limit, prediction, blockSads);
      return sad >= 0 ? sad : 0;
    }
  }

  /** Codes the move's frames and keeps each P frame's source, reference planes and motion. */
  private static List<Job> jobs(Path photo, int width, int height) throws IOException, InterruptedException {
    int coverW = width * 6 / 5;
    int coverH = height * 6 / 5;
    byte[] image = TestMedia.scaledRaw(photo, coverW, coverH, "gray");
    MotionH264Encoder encoder = new MotionH264Encoder(new StreamFormat(width, height, 40, null));
    List<Job> jobs = new ArrayList<>();
    Scenes.View previous = null;
    for (int f = 0; f < FRAMES; f++) {
      double t = (double) f / (FRAMES - 1);
      double step = 1 / Math.pow(1.2, t) * 1.2 * 0.99;
      Scenes.View view = new Scenes.View(0.2 * t * (coverW - width * step), 0.15 * t * (coverH - height * step),
          step);
      Picture frame = sample(image, coverW, coverH, view, width, height);
      if (previous == null) {
        encoder.encodeIdr(frame, QP, 0);
      } else {
        CameraMotion motion = Scenes.motion(previous, view);
        QuarterPelPlanes planes = new QuarterPelPlanes(frame.getPlaneWidth(0), frame.getPlaneHeight(0));
        planes.load(encoder.reconstruction());
        jobs.add(new Job(frame, planes, motion));
        encoder.encodeP(frame, motion, QP, true);
      }
      previous = view;
    }
    return jobs;
  }

  /** Luma of a view, bilinear, as jcodec stores samples (value - 128); chroma left grey. */
  private static Picture sample(byte[] image, int w, int h, Scenes.View v, int width, int height) {
    int pw = (width + 15) & ~15;
    int ph = (height + 15) & ~15;
    Picture pic = Picture.create(pw, ph, ColorSpace.YUV420J);
    byte[] luma = pic.getPlaneData(0);
    for (int y = 0; y < ph; y++) {
      double sy = v.top() + (Math.min(y, height - 1) + 0.5) * v.step() - 0.5;
      int y0 = Math.max(0, Math.min(h - 2, (int) Math.floor(sy)));
      double fy = Math.max(0, Math.min(1, sy - y0));
      for (int x = 0; x < pw; x++) {
        double sx = v.left() + (Math.min(x, width - 1) + 0.5) * v.step() - 0.5;
        int x0 = Math.max(0, Math.min(w - 2, (int) Math.floor(sx)));
        double fx = Math.max(0, Math.min(1, sx - x0));
        double top = (image[y0 * w + x0] & 0xff) * (1 - fx) + (image[y0 * w + x0 + 1] & 0xff) * fx;
        double bottom = (image[(y0 + 1) * w + x0] & 0xff) * (1 - fx) + (image[(y0 + 1) * w + x0 + 1] & 0xff) * fx;
        luma[y * pw + x] = (byte) ((int) Math.round(top * (1 - fy) + bottom * fy) - 128);
      }
    }
    return pic;
  }
}
