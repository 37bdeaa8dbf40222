package io.stillmotion.render.h264;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jcodec.common.model.Picture;

/**
 * What a GOP worker needs: frames and the view each shows in, Annex B access units out. The first
 * frame of each GOP is an IDR picture; every later one is coded along the camera motion from the
 * last reference frame's view (a P frame {@value FrameQpControl#REFERENCE_INTERVAL} frames after the
 * last reference is the next one, and so is every frame whose view asks to be {@link View#kept}; the
 * others are disposable), at the QP {@link FrameQpControl} picks for the quality under the level's
 * rate.
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
  }

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
    byte[] unit = encoder.encodeIdr(frame, begin(new View(viewLeft, viewTop, viewStep)), gopIndex);
    pending.add(unit.length);
    return unit;
  }

  /** Starts a GOP's rate control and reference chain at its first frame's view; returns the IDR frame's QP. */
  private int begin(View first) {
    rateControl = new FrameQpControl(baseQp, maxBitsPerSecond, fps);
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
    return view.kept() || indexInGop - referenceIndex == FrameQpControl.REFERENCE_INTERVAL;
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
    View first = frames.draw(0, firstPicture);
    int idrQp = begin(first);
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
    GroupCoding coding = group == null ? null : new GroupCoding(group, idle, helpers, helperThreads);
    if (coding != null) {
      coding.confirmed = true;
      coding.begin(encoder.reference());
    }
    for (int number = 3; coding != null; ) {
      GroupCoding successor = null;
      try {
        Group next = second;
        second = null;
        if (next == null && group.end() < count) {
          next = drawGroup(group.end(), count, frames, pictures, number++);
        }
        if (next != null) {
          // Coded speculatively, at the QPs the rate control gives before hearing of this group,
          // by threads that run out of this group's frames once its reference is coded.
          successor = new GroupCoding(next, idle, helpers, helperThreads);
          coding.offerSuccessor(successor);
        }
        coding.codeRest();
        coding.await(units);
        report(units, group.start(), group.end(), coded);
        if (successor != null) {
          successor = successor.confirm();
          successor.addHelpers();
        }
      } finally {
        coding.abandon();
      }
      group = successor == null ? null : successor.group;
      coding = successor;
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
      Picture picture = pictures.get(groupNumber, f - start);
      View view = frames.draw(f, picture);
      views.add(view);
      into.add(picture);
      // A group starts right after a reference, which need not be the current one yet (the
      // second group is drawn before the first is coded).
      if (view.kept() || f - (start - 1) == FrameQpControl.REFERENCE_INTERVAL) {
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
   *
   * <p>A group is made while the group before is still being coded, at the QPs the rate control
   * gives before hearing of that group's bytes: once the group before has its reference coded, its
   * disposable frames (which read nothing but that reference) are coded by the threads that run
   * out of the group before's frames, instead of those threads waiting for its last frames. Its
   * reference waits until {@link #confirm} finds the QPs right, which they are unless the rate
   * control raises or relaxes the QP; then the group is coded afresh at the right QPs, so the
   * stream is the same either way.
   */
  private final class GroupCoding {
    private final Group group;
    private final BlockingQueue<MotionH264Encoder> idle;
    private final ExecutorService helpers;
    private final int helperThreads;
    private final CameraMotion[] motions;
    private final int[] qps;
    private final byte[][] units;
    /** Frames [0, disposables) are disposable; the one after, if any, is the group's reference. */
    private final int disposables;
    private final AtomicInteger nextDisposable = new AtomicInteger();
    private final AtomicBoolean referenceClaimed = new AtomicBoolean();
    /** Counts down once per frame coded (or failed, or never to be coded). */
    private final CountDownLatch done;
    private final List<Future<?>> tasks = new ArrayList<>();
    /** The reference frames are predicted from; set when coding may start. */
    private volatile MotionH264Encoder.Reference from;
    /** The QPs are final: the reference may be coded. */
    private volatile boolean confirmed;
    private volatile Throwable failure;
    /** Guarded by this: the next group, and whether this group's reference is coded. */
    private GroupCoding successor;
    private boolean referenceCoded;
    private boolean abandoned;

    GroupCoding(Group group, BlockingQueue<MotionH264Encoder> idle, ExecutorService helpers, int helperThreads) {
      this.group = group;
      this.idle = idle;
      this.helpers = helpers;
      this.helperThreads = helperThreads;
      int n = group.views().size();
      motions = new CameraMotion[n];
      for (int i = 0; i < n; i++) {
        index = group.start() + i;
        motions[i] = motion(group.views().get(i));
      }
      qps = qps(group);
      units = new byte[n][];
      disposables = group.endsInReference() ? n - 1 : n;
      done = new CountDownLatch(n);
      if (group.endsInReference()) {
        reference = group.views().get(n - 1);
        referenceIndex = group.start() + n - 1;
      }
    }

    /** The same group at the QPs the rate control now gives (the motions stay: the reference view has moved on). */
    private GroupCoding(GroupCoding stale) {
      this.group = stale.group;
      this.idle = stale.idle;
      this.helpers = stale.helpers;
      this.helperThreads = stale.helperThreads;
      this.motions = stale.motions;
      this.qps = qps(group);
      this.units = new byte[motions.length][];
      this.disposables = stale.disposables;
      this.done = new CountDownLatch(motions.length);
      this.confirmed = true;
    }

    /**
     * Called on the GOP's thread once the group before is coded and the rate control has heard of
     * it: this group if its QPs are right (its reference may now be coded), else a fresh one at
     * the right QPs, after the frames already started here are done.
     */
    GroupCoding confirm() {
      if (Arrays.equals(qps, qps(group))) {
        confirmed = true;
        return this;
      }
      discard();
      GroupCoding fresh = new GroupCoding(this);
      fresh.begin(from);
      return fresh;
    }

    /** Lets the helpers (and whoever calls {@link #codeRest}) code frames predicted from {@code reference}. */
    void begin(MotionH264Encoder.Reference reference) {
      from = reference;
      addHelpers();
    }

    /** Puts the helpers to work on the frames still unclaimed (more where they have run out). */
    void addHelpers() {
      synchronized (this) {
        if (abandoned) {
          return;
        }
        for (int t = 0; t < Math.min(helperThreads, motions.length); t++) {
          tasks.add(helpers.submit(() -> {
            codeRest();
            return null;
          }));
        }
      }
    }

    /** The next group, to start once this one's reference is coded. */
    void offerSuccessor(GroupCoding next) {
      boolean ready;
      synchronized (this) {
        successor = next;
        ready = referenceCoded;
      }
      if (ready) {
        next.begin(encoder.reference());
      }
    }

    private void referenceDone() {
      GroupCoding next;
      synchronized (this) {
        referenceCoded = true;
        next = successor;
      }
      if (next != null) {
        next.begin(encoder.reference());
      }
    }

    /** Codes unclaimed frames until none is left (the reference left for later while unconfirmed). */
    void codeRest() {
      if (from == null) {
        return;
      }
      MotionH264Encoder helper = borrow();
      try {
        for (int i = claim(); i >= 0; i = claim()) {
          code(i, helper);
        }
      } finally {
        idle.add(helper);
      }
    }

    private int claim() {
      if (confirmed && disposables < motions.length && !referenceClaimed.get()
          && referenceClaimed.compareAndSet(false, true)) {
        return disposables;
      }
      int k = nextDisposable.getAndIncrement();
      return k < disposables ? k : -1;
    }

    private void code(int i, MotionH264Encoder helper) {
      int frame = group.start() + i;
      Picture picture = group.pictures().get(i);
      try {
        if (i == disposables) {
          units[i] = encoder.encodeReference(picture, frame, motions[i], qps[i]);
          referenceDone();
        } else {
          units[i] = helper.encodeDisposable(picture, from, frame, motions[i], qps[i]);
        }
      } catch (RuntimeException | Error e) {
        failure = e;
        throw e;
      } finally {
        done.countDown();
      }
    }

    private MotionH264Encoder borrow() {
      try {
        return idle.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while coding a GOP", e);
      }
    }

    /** Waits until every frame is coded and copies the access units into the GOP's. */
    void await(byte[][] into) {
      awaitDone();
      Throwable failed = failure;
      if (failed instanceof Error error) {
        throw error;
      }
      if (failed != null) {
        throw (RuntimeException) failed;
      }
      System.arraycopy(units, 0, into, group.start(), units.length);
    }

    private void awaitDone() {
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while coding a GOP", e);
      }
    }

    /** No frame is started any more; waits for those started (which are never read). */
    private void discard() {
      int started = Math.min(disposables, nextDisposable.getAndSet(Integer.MAX_VALUE / 2));
      referenceClaimed.set(true);
      for (int i = started; i < motions.length; i++) {
        done.countDown();
      }
      awaitDone();
    }

    /** After a failure (or at the end): no frame is started any more, here or in the next group. */
    void abandon() {
      GroupCoding next;
      synchronized (this) {
        abandoned = true;
        next = successor;
        tasks.forEach(t -> t.cancel(false));
      }
      nextDisposable.set(Integer.MAX_VALUE / 2);
      referenceClaimed.set(true);
      if (next != null && next != this) {
        next.stopIfUnconfirmed();
      }
    }

    /** Stops a speculative group whose predecessor failed. */
    private void stopIfUnconfirmed() {
      if (!confirmed) {
        synchronized (this) {
          abandoned = true;
          tasks.forEach(t -> t.cancel(false));
        }
        nextDisposable.set(Integer.MAX_VALUE / 2);
      }
    }
  }

  /** The QP of each frame of a group, as the rate control now gives them. */
  private int[] qps(Group group) {
    int n = group.views().size();
    int last = group.endsInReference() ? n - 1 : -1;
    int[] qps = new int[n];
    for (int i = 0; i < n; i++) {
      qps[i] = qp(group.start() + i, i == last, group.views().get(i));
    }
    return qps;
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
