package io.stillmotion.render.h264;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * disposable frames and the next reference (a group of one where references follow each other). {@link #codeGop} codes a group's disposable frames on
 * helper threads while the calling thread draws the frames and codes the chain of references, so
 * one GOP keeps several cores busy and a video needs no more IDR frames than its length calls
 * for (they are half the bytes of a 5 s video coded as two GOPs). The rate control hears of a
 * group's bytes when the next group starts, whichever way the GOP is coded, so both ways write
 * the very same stream.
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
    rateControl = new FrameQpControl(baseQp, maxBitsPerSecond, fps);
    pending.clear();
    index = 0;
    referenceIndex = 0;
    byte[] unit = encoder.encodeIdr(frame, rateControl.nextQp(0), gopIndex);
    pending.add(unit.length);
    reference = new View(viewLeft, viewTop, viewStep);
    return unit;
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
   */
  public List<byte[]> codeGop(int gopIndex, int count, Frames frames, Supplier<Picture> newPicture,
      ExecutorService helpers, int helperThreads, IntConsumer coded) {
    byte[][] units = new byte[count][];
    Picture[] pictures = new Picture[FrameQpControl.REFERENCE_INTERVAL];
    for (int i = 0; i < pictures.length; i++) {
      pictures[i] = newPicture.get();
    }
    BlockingQueue<MotionH264Encoder> idle = new ArrayBlockingQueue<>(helperThreads);
    for (int i = 0; i < helperThreads; i++) {
      idle.add(new MotionH264Encoder(format));
    }
    View first = frames.draw(0, pictures[0]);
    units[0] = startGop(gopIndex, pictures[0], first.left(), first.top(), first.step());
    Group group = new Group(List.of(), 1);
    int previous = 0;
    try {
      for (int start = 1; start < count; start = group.end()) {
        awaitAll(group.tasks());
        pending.clear();
        for (int f = previous; f < start; f++) {
          rateControl.coded(units[f].length);
          coded.accept(f);
        }
        previous = start;
        group = codeGroup(start, count, frames, pictures, units, helpers, idle);
      }
      awaitAll(group.tasks());
      for (int f = previous; f < count; f++) {
        coded.accept(f);
      }
    } finally {
      group.tasks().forEach(g -> g.cancel(false));
    }
    return List.of(units);
  }

  /**
   * The frames from {@code start} predicted from the current reference, up to the next reference or
   * {@code count}: the disposable ones handed to the helpers, the reference (if the group has one)
   * coded here meanwhile. The reference after it is decoded into the buffer of the one before,
   * which no frame still being coded reads.
   */
  private Group codeGroup(int start, int count, Frames frames, Picture[] pictures, byte[][] units,
      ExecutorService helpers, BlockingQueue<MotionH264Encoder> idle) {
    List<Future<?>> tasks = new ArrayList<>();
    MotionH264Encoder.Reference from = encoder.reference();
    for (int f = start; f < count; f++) {
      index = f;
      Picture picture = pictures[f - start];
      View view = frames.draw(f, picture);
      CameraMotion motion = motion(view);
      boolean isReference = isReference(f, view);
      int qp = qp(f, isReference, view);
      if (isReference) {
        units[f] = encoder.encodeReference(picture, f, motion, qp);
        reference = view;
        referenceIndex = f;
        return new Group(tasks, f + 1);
      } else {
        int frame = f;
        tasks.add(helpers.submit(() -> {
          MotionH264Encoder helper = idle.take();
          try {
            units[frame] = helper.encodeDisposable(picture, from, frame, motion, qp);
          } finally {
            idle.add(helper);
          }
          return null;
        }));
      }
    }
    return new Group(tasks, count);
  }

  /** A group's disposable frames being coded, and where the next group starts. */
  private record Group(List<Future<?>> tasks, int end) {
  }

  private CameraMotion motion(View view) {
    return CameraMotion.between(reference.left(), reference.top(), reference.step(), view.left(), view.top(),
        view.step());
  }

  private static void awaitAll(List<Future<?>> tasks) {
    for (Future<?> task : tasks) {
      try {
        task.get();
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
}
