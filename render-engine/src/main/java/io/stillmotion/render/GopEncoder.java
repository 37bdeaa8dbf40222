package io.stillmotion.render;

import io.stillmotion.render.h264.GopCoder;
import io.stillmotion.render.h264.StreamFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.Picture;

/**
 * Draws and encodes one GOP: frames [first, end), an IDR frame then P frames, with a fresh
 * encoder and rate control so GOPs are independent of each other and can run on any thread.
 * The encoder is ours (motion-aware) or jcodec's stock one, per {@link VideoEncoder}.
 * Returns Annex B access units in display order.
 */
final class GopEncoder {

  /** One encoded frame. */
  record Packet(int frame, byte[] data, boolean key) {
  }

  private final FrameSource frames;
  private final VideoFormat options;
  private final H264Level level;
  private final VideoEncoder kind;
  private final ExecutorService helpers;
  private final int helperThreads;

  /**
   * {@code helpers} (null: none) code the frames of a GOP with the calling thread, which also draws
   * them; only our encoder uses them.
   */
  GopEncoder(FrameSource frames, VideoFormat options, H264Level level, VideoEncoder kind, ExecutorService helpers,
      int helperThreads) {
    this.frames = frames;
    this.options = options;
    this.level = level;
    this.kind = kind;
    this.helpers = helpers;
    this.helperThreads = helperThreads;
  }

  /**
   * The QP each quality asks of our encoder (that of its reference P frames; the IDR and disposable
   * frames are offset from it); the level still caps the bit rate.
   */
  static int motionQp(Quality quality) {
    return switch (quality) {
      case LOW -> 32;
      case MEDIUM -> 27;
      case HIGH -> 23;
    };
  }

  List<Packet> encode(int first, int end, BooleanSupplier cancelled, IntConsumer frameDone)
      throws RenderCancelledException {
    return kind == VideoEncoder.MOTION
        ? encodeWithMotion(first, end, cancelled, frameDone)
        : encodeWithJcodec(first, end, cancelled, frameDone);
  }

  /** Our encoder: each frame is coded along the camera motion from the previous view. */
  private List<Packet> encodeWithMotion(int first, int end, BooleanSupplier cancelled, IntConsumer frameDone)
      throws RenderCancelledException {
    StreamFormat format = new StreamFormat(options.width(), options.height(), level.idc(),
        SignalledH264Encoder.vui(options.fps()));
    GopCoder coder = new GopCoder(format, motionQp(options.quality()), level.maxBitsPerSecond(), options.fps());
    if (helpers != null) {
      return encodeInParallel(coder, first, end, cancelled, frameDone);
    }
    Picture picture = frames.newPicture();
    List<Packet> packets = new ArrayList<>(end - first);
    for (int f = first; f < end; f++) {
      if (cancelled.getAsBoolean()) {
        throw new RenderCancelledException();
      }
      GopCoder.View view = gopView(frames.render(f, picture), f);
      byte[] unit = f == first
          ? coder.startGop(first, picture, view, end - first, i -> viewAhead(first + i))
          : coder.next(picture, view);
      packets.add(new Packet(f, unit, f == first));
      frameDone.accept(f);
    }
    return packets;
  }

  private List<Packet> encodeInParallel(GopCoder coder, int first, int end, BooleanSupplier cancelled,
      IntConsumer frameDone) throws RenderCancelledException {
    List<byte[]> units;
    try {
      units = coder.codeGop(first, end - first, new GopCoder.Frames() {
        @Override
        public GopCoder.View draw(int index, Picture into) {
          return gopView(frames.render(first + index, into), first + index);
        }

        @Override
        public GopCoder.View view(int index) {
          return viewAhead(first + index);
        }

        @Override
        public boolean stopped() {
          return cancelled.getAsBoolean();
        }
      }, frames::newPicture, helpers, helperThreads, index -> frameDone.accept(first + index));
    } catch (GopCoder.Stopped e) {
      throw new RenderCancelledException();
    }
    List<Packet> packets = new ArrayList<>(units.size());
    for (int i = 0; i < units.size(); i++) {
      packets.add(new Packet(first + i, units.get(i), i == 0));
    }
    return packets;
  }

  /** The view as the encoder takes it: the frame's corner and image pixels per frame pixel. */
  private GopCoder.View gopView(Viewport view, int frame) {
    return new GopCoder.View(view.left(), view.top(), view.width() / options.width(), frames.mixes(frame));
  }

  private GopCoder.View viewAhead(int frame) {
    Viewport view = frames.view(frame);
    return view == null ? null : gopView(view, frame);
  }

  private List<Packet> encodeWithJcodec(int first, int end, BooleanSupplier cancelled, IntConsumer frameDone)
      throws RenderCancelledException {
    int count = end - first;
    LevelRateControl rc =
        LevelRateControl.forQuality(options.quality(), level, options.width(), options.height(), options.fps());
    rc.startGop(count);
    SignalledH264Encoder encoder = new SignalledH264Encoder(rc, level, options.fps(), count);
    Picture picture = frames.newPicture();
    ByteBuffer out = ByteBuffer.allocate(picture.getWidth() * picture.getHeight() * 2 + 4096);
    List<Packet> packets = new ArrayList<>(count);
    for (int f = first; f < end; f++) {
      if (cancelled.getAsBoolean()) {
        throw new RenderCancelledException();
      }
      frames.render(f, picture);
      int n = f - first;
      out.clear();
      ByteBuffer data = n == 0
          ? encoder.doEncodeFrame(picture, out, true, 0, SliceType.I)
          : encoder.doEncodeFrame(picture, out, false, n, SliceType.P);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      packets.add(new Packet(f, bytes, n == 0));
      frameDone.accept(f);
    }
    return packets;
  }
}
