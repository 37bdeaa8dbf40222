package io.stillmotion.render.h264;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jcodec.common.model.Picture;

/**
 * What a GOP worker needs: frames and the view each shows in, Annex B access units out. The first
 * frame of each GOP is an IDR picture; every later one is coded along the camera motion from the
 * last reference frame's view (a P frame {@value FrameQpControl#REFERENCE_INTERVAL} frames after the
 * last reference is the next one, and so is every frame whose view asks to be {@link View#kept} or
 * has moved out of the reference's by more than {@link #MAX_UNCOVERED}; the others are disposable),
 * at the QP {@link FrameQpControl} picks for the quality under the level's rate.
 *
 * <p>The frames after a reference form a group that depends on nothing but that reference: its
 * disposable frames and the next reference (a group of one where references follow each other).
 * {@link #codeGop} codes a group's frames on helper threads (and its own) while the calling thread
 * draws the next group, so one GOP keeps several cores busy and a video needs no more IDR frames
 * than its length calls for (they are half the bytes of a 5 s video coded as two GOPs). The rate
 * control hears of a group's bytes when the next group starts, whichever way the GOP is coded, so
 * both ways write the very same stream.
 *
 * <p>Views are given as the image position of the frame's top-left corner and the image pixels
 * per frame pixel. One instance per thread; it may code any number of GOPs in turn.
 */
public final class GopCoder {

  /**
   * Where a frame of a GOP looks at the image: its top-left corner and image pixels per frame pixel;
   * {@code kept}: code the frame as a reference whatever its position, for frames the camera motion
   * predicts poorly (two images mixed), which are best predicted from the frame just before.
   */
  public record View(double left, double top, double step, boolean kept) {

    public View(double left, double top, double step) {
      this(left, top, step, false);
    }
  }

  /** The frames of a GOP, drawn in order on the thread that codes the GOP. */
  public interface Frames {
    /** Draws frame {@code index} of the GOP into {@code into} and returns its view. */
    View draw(int index, Picture into);

    /**
     * The view frame {@code index} of the GOP will show, if it is known before the frame is drawn
     * (null if not): the IDR frame's QP follows how much of the GOP still shows its content.
     */
    default View view(int index) {
      return null;
    }

    /**
     * Asked before each frame is drawn or coded, from any of the coding threads: true makes
     * {@link #codeGop} throw {@link Stopped} at once; frames a helper thread is coding then are
     * finished there, their bytes dropped.
     */
    default boolean stopped() {
      return false;
    }
  }

  /** Thrown by {@link #codeGop} when its {@link Frames} asked it to stop. */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("the GOP's coding was asked to stop", null, false, false);
    }
  }

  /**
   * A frame more than this share of whose view lies outside its reference's is made the next
   * reference. Measured (BytesBench, medium quality, size at equal PSNR-Y against x264 veryfast,
   * honeywave photo at 720p, which pans about 1.7% of the view a frame at its fastest; IDR bonus 10):
   * without 0.976, 0.015 1.052, 0.025 0.977, 0.03 0.945, 0.035 0.945, 0.04 0.929, 0.045 0.933, 0.05
   * 0.939, 0.07 0.948; at 1080p (IDR bonus 5) 0.03 0.933, 0.04 0.917, 0.045 0.922, 0.05 0.924. The
   * other photos zoom in and uncover nothing: their streams do not change.
   */
  static final double MAX_UNCOVERED = 0.04;

  private final StreamFormat format;
  private final MotionH264Encoder encoder;
  private final int baseQp;
  private final double maxBitsPerSecond;
  private final int fps;
  /** Bytes of the frames coded since the current group started (the rate control hears of them at the next). */
  private final List<Integer> pending = new ArrayList<>();
  private FrameQpControl rateControl;
  private int index;
  /** Position in the GOP of the current reference (0: the IDR frame). */
  private int referenceIndex;
  private View reference;
  /** The view of the reference the next group drawn is predicted from. */
  private View drawnFrom;

  /** {@code baseQp}: the reference P frames' QP while the stream stays within {@code maxBitsPerSecond}. */
  public GopCoder(StreamFormat format, int baseQp, double maxBitsPerSecond, int fps) {
    this.format = format;
    this.encoder = new MotionH264Encoder(format);
    this.baseQp = baseQp;
    this.maxBitsPerSecond = maxBitsPerSecond;
    this.fps = fps;
  }

  /** Codes the first frame of a GOP; {@code gopIndex} tells consecutive IDR pictures apart. */
  public byte[] startGop(int gopIndex, Picture frame, double viewLeft, double viewTop, double viewStep) {
    return startGop(gopIndex, frame, new View(viewLeft, viewTop, viewStep), 1, i -> null);
  }

  /**
   * Codes the first frame of a GOP of {@code count} frames, with the views of the later ones where
   * {@code ahead} knows them (see {@link Frames#view}).
   */
  public byte[] startGop(int gopIndex, Picture frame, View view, int count, IntFunction<View> ahead) {
    byte[] unit = encoder.encodeIdr(frame, begin(view, count, ahead), gopIndex);
    pending.add(unit.length);
    return unit;
  }

  /** Starts a GOP's rate control and reference chain at its first frame's view; returns the IDR frame's QP. */
  private int begin(View first, int count, IntFunction<View> ahead) {
    rateControl = new FrameQpControl(baseQp, maxBitsPerSecond, fps, shownShare(first, count, ahead));
    pending.clear();
    index = 0;
    referenceIndex = 0;
    reference = first;
    return rateControl.nextQp(0);
  }

  /** Codes the next frame of the current GOP. */
  public byte[] next(Picture frame, double viewLeft, double viewTop, double viewStep) {
    return next(frame, new View(viewLeft, viewTop, viewStep));
  }

  /** Codes the next frame of the current GOP, as a reference if {@code view} is {@link View#kept} (or due). */
  public byte[] next(Picture frame, View view) {
    if (rateControl == null) {
      throw new IllegalStateException("a GOP starts with startGop");
    }
    index++;
    if (index == referenceIndex + 1) {
      pending.forEach(rateControl::coded);
      pending.clear();
    }
    boolean isReference = isReference(index, view);
    byte[] unit = encoder.encodeP(frame, motion(view), qp(index, isReference, view), isReference);
    pending.add(unit.length);
    if (isReference) {
      reference = view;
      referenceIndex = index;
    }
    return unit;
  }

  private boolean isReference(int indexInGop, View view) {
    return dueReference(indexInGop - referenceIndex, reference, view);
  }

  /**
   * Whether a frame {@code distance} frames after the reference it would be predicted from is the
   * next reference: when kept, when {@value FrameQpControl#REFERENCE_INTERVAL} frames away, and
   * when more than {@link #MAX_UNCOVERED} of its view lies outside the reference's. That part of
   * the frame is predicted from beyond the reference's edge (intra or a poor prediction coded at
   * the disposable QP), which a pan brings in a strip a frame; a zoom in uncovers nothing.
   */
  private boolean dueReference(int distance, View from, View view) {
    return view.kept() || distance == FrameQpControl.REFERENCE_INTERVAL || 1 - shown(from, view) > MAX_UNCOVERED;
  }

  /**
   * The mean share of the GOP's later frames' views that the first frame's view shows, over the
   * frames whose views are known ahead (those that are not count as all shown).
   */
  private double shownShare(View first, int count, IntFunction<View> ahead) {
    double sum = 0;
    for (int i = 1; i < count; i++) {
      View view = ahead.apply(i);
      sum += view == null ? 1 : shown(first, view);
    }
    return count > 1 ? sum / (count - 1) : 1;
  }

  /** The share of {@code view}'s area that {@code from} shows too. */
  private double shown(View from, View view) {
    double w = format.width();
    double h = format.height();
    double overlapW = Math.max(0, Math.min(from.left() + w * from.step(), view.left() + w * view.step())
        - Math.max(from.left(), view.left()));
    double overlapH = Math.max(0, Math.min(from.top() + h * from.step(), view.top() + h * view.step())
        - Math.max(from.top(), view.top()));
    return overlapW * overlapH / (w * view.step() * h * view.step());
  }

  /**
   * A kept frame is coded at the QP of the disposable frame it would otherwise be: a reference's QP
   * for each frame of a crossfade spent 14% more bytes than before at equal PSNR-Y (a 6-photo story
   * at 360x640), the disposable QP 7% fewer (and up to 4 steps more gained nothing more).
   */
  private int qp(int indexInGop, boolean isReference, View view) {
    return rateControl.nextQp(indexInGop, isReference && !view.kept());
  }

  /**
   * Codes a whole GOP of {@code count} frames, the disposable ones on {@code helpers} (as many at
   * once as the pool has threads); returns the access units in display order, the same bytes
   * {@link #startGop} and {@link #next} write. {@code coded} hears of each frame once it is coded.
   *
   * <p>A group's frames can only be coded once the group before is (their QP depends on its
   * bytes), but they can be drawn before. So while the helpers code a group, this thread draws the
   * next one into a second set of pictures, then codes whatever frames of the group no helper has
   * started: when the group's last frame is done, the next group is ready to go, and the drawing
   * (which must stay on this thread, in order) no longer holds up the reference (which the next
   * group waits for). Likewise the first two groups are drawn while a helper codes the IDR frame
   * (which nothing else can be coded before), and the first group's coding starts without waiting
   * for any drawing.
   */
  public List<byte[]> codeGop(int gopIndex, int count, Frames frames, Supplier<Picture> newPicture,
      ExecutorService helpers, int helperThreads, IntConsumer coded) {
    byte[][] units = new byte[count][];
    PictureSets pictures = new PictureSets(newPicture);
    BlockingQueue<MotionH264Encoder> idle = new ArrayBlockingQueue<>(helperThreads + 1);
    for (int i = 0; i <= helperThreads; i++) {
      idle.add(new MotionH264Encoder(format));
    }
    // The IDR frame has a picture of its own: the second group is drawn into the set of pictures
    // the first group's successors use while the IDR frame is still being coded from it.
    Picture firstPicture = newPicture.get();
    stopIfAsked(frames);
    View first = frames.draw(0, firstPicture);
    int idrQp = begin(first, count, frames::view);
    drawnFrom = first;
    Future<byte[]> idr = helpers.submit(() -> encoder.encodeIdr(firstPicture, idrQp, gopIndex));
    Group group;
    Group second;
    try {
      group = count > 1 ? drawGroup(1, count, frames, pictures, 1) : null;
      second = group != null && group.end() < count ? drawGroup(group.end(), count, frames, pictures, 2) : null;
      units[0] = await(idr);
    } finally {
      idr.cancel(false);
    }
    report(units, 0, 1, coded);
    for (int number = 3; group != null; ) {
      GroupCoding coding = new GroupCoding(group, units, idle, frames);
      try {
        coding.start(helpers, helperThreads);
        Group next = second;
        second = null;
        if (next == null && group.end() < count) {
          next = drawGroup(group.end(), count, frames, pictures, number++);
        }
        coding.codeRest();
        coding.await();
        report(units, group.start(), group.end(), coded);
        group = next;
      } finally {
        coding.abandon();
      }
    }
    return List.of(units);
  }

  /** Tells the rate control and the caller of frames [from, to), which are coded. */
  private void report(byte[][] units, int from, int to, IntConsumer coded) {
    for (int f = from; f < to; f++) {
      rateControl.coded(units[f].length);
      coded.accept(f);
    }
  }

  /**
   * Draws the frames from {@code start} predicted from the current reference, up to the next
   * reference or {@code count}, into the picture set of the group's parity (the one the group
   * before does not use).
   */
  private Group drawGroup(int start, int count, Frames frames, PictureSets pictures, int groupNumber) {
    List<View> views = new ArrayList<>();
    List<Picture> into = new ArrayList<>();
    for (int f = start; f < count; f++) {
      stopIfAsked(frames);
      Picture picture = pictures.get(groupNumber, f - start);
      View view = frames.draw(f, picture);
      views.add(view);
      into.add(picture);
      // A group starts right after a reference, which need not be the current one yet (the
      // second group is drawn before the first is coded).
      if (dueReference(f - (start - 1), drawnFrom, view)) {
        drawnFrom = view;
        return new Group(start, views, into, true);
      }
    }
    return new Group(start, views, into, false);
  }

  /** Frames drawn and waiting to be coded: [start, end), the last one the next reference if so marked. */
  private record Group(int start, List<View> views, List<Picture> pictures, boolean endsInReference) {

    int end() {
      return start + views.size();
    }
  }

  /**
   * Two sets of pictures, one per group in flight (the one being coded, the one being drawn); each
   * picture is made when first drawn into.
   */
  private static final class PictureSets {
    private final Supplier<Picture> newPicture;
    private final Picture[][] sets = new Picture[2][FrameQpControl.REFERENCE_INTERVAL];

    PictureSets(Supplier<Picture> newPicture) {
      this.newPicture = newPicture;
    }

    /** Picture {@code i} of the set with the given parity. */
    Picture get(int set, int i) {
      Picture[] pictures = sets[set & 1];
      if (pictures[i] == null) {
        pictures[i] = newPicture.get();
      }
      return pictures[i];
    }
  }

  /**
   * A group's frames, each coded once by whichever thread claims it first: the helpers from the
   * start, the GOP's own thread once it has drawn the next group. The reference goes first: it
   * takes longest (a lower QP, and its half-pel planes to interpolate), so started last it would
   * leave the other cores idle at the end. QPs and motions are fixed when the group starts, so
   * who codes a frame changes no byte. The reference is decoded into the buffer of the one before,
   * which no frame still being coded reads.
   */
  private final class GroupCoding {
    private final Group group;
    private final byte[][] units;
    private final BlockingQueue<MotionH264Encoder> idle;
    private final MotionH264Encoder.Reference from;
    private final CameraMotion[] motions;
    private final int[] qps;
    /** Positions in the group, in the order they are claimed. */
    private final int[] order;
    private final AtomicInteger claimed = new AtomicInteger();
    private final List<Future<?>> tasks = new ArrayList<>();
    private final Frames frames;

    GroupCoding(Group group, byte[][] units, BlockingQueue<MotionH264Encoder> idle, Frames frames) {
      this.frames = frames;
      this.group = group;
      this.units = units;
      this.idle = idle;
      this.from = encoder.reference();
      int n = group.views().size();
      motions = new CameraMotion[n];
      qps = new int[n];
      order = new int[n];
      int last = group.endsInReference() ? n - 1 : -1;
      for (int i = 0; i < n; i++) {
        View view = group.views().get(i);
        index = group.start() + i;
        motions[i] = motion(view);
        qps[i] = qp(index, i == last, view);
        order[group.endsInReference() ? (i + 1) % n : i] = i;
      }
      if (last >= 0) {
        reference = group.views().get(last);
        referenceIndex = group.start() + last;
      }
    }

    void start(ExecutorService helpers, int helperThreads) {
      for (int t = 0; t < Math.min(helperThreads, order.length); t++) {
        tasks.add(helpers.submit(() -> {
          codeRest();
          return null;
        }));
      }
    }

    /**
     * Codes unclaimed frames until none is left. A stop asked for is heard before each frame, so a
     * cancelled render (the start's warm-up when the first task arrives, above all) holds the cores
     * for at most the frames already being coded, not for the rest of its group.
     */
    void codeRest() {
      MotionH264Encoder helper = borrow();
      try {
        for (int k = claimed.getAndIncrement(); k < order.length; k = claimed.getAndIncrement()) {
          if (frames.stopped()) {
            claimed.set(order.length);
            throw new Stopped();
          }
          code(order[k], helper);
        }
      } finally {
        idle.add(helper);
      }
    }

    private void code(int i, MotionH264Encoder helper) {
      int frame = group.start() + i;
      Picture picture = group.pictures().get(i);
      units[frame] = group.endsInReference() && i == order.length - 1
          ? encoder.encodeReference(picture, frame, motions[i], qps[i])
          : helper.encodeDisposable(picture, from, frame, motions[i], qps[i]);
    }

    private MotionH264Encoder borrow() {
      try {
        return idle.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while coding a GOP", e);
      }
    }

    void await() {
      tasks.forEach(GopCoder::await);
    }

    /** After a failure: no frame is started any more. */
    void abandon() {
      claimed.set(order.length);
      tasks.forEach(t -> t.cancel(false));
    }
  }

  private static void stopIfAsked(Frames frames) {
    if (frames.stopped()) {
      throw new Stopped();
    }
  }

  private CameraMotion motion(View view) {
    return CameraMotion.between(reference.left(), reference.top(), reference.step(), view.left(), view.top(),
        view.step());
  }

  private static <T> T await(Future<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while coding a GOP", e);
    } catch (ExecutionException e) {
      // Errors (an OutOfMemoryError above all) reach the renderer as they are, as on the GOP's own thread.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }
}
