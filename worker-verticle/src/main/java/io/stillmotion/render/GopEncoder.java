package io.stillmotion.render;

import io.stillmotion.model.RenderOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.Picture;

/**
 * Renders and encodes one GOP: frames [first, end), an IDR frame then P frames, with a fresh
 * encoder and rate control so GOPs are independent of each other and can run on any thread.
 * Returns Annex B access units in display order.
 */
final class GopEncoder {

  /** One encoded frame. */
  record Packet(int frame, byte[] data, boolean key) {
  }

  private final CameraPath path;
  private final FrameRenderer renderer;
  private final RenderOptions options;
  private final H264Level level;

  GopEncoder(CameraPath path, FrameRenderer renderer, RenderOptions options, H264Level level) {
    this.path = path;
    this.renderer = renderer;
    this.options = options;
    this.level = level;
  }

  List<Packet> encode(int first, int end, BooleanSupplier cancelled, IntConsumer frameDone)
      throws RenderCancelledException {
    int frames = end - first;
    LevelRateControl rc =
        LevelRateControl.forQuality(options.quality(), level, options.width(), options.height(), options.fps());
    rc.startGop(frames);
    SignalledH264Encoder encoder = new SignalledH264Encoder(rc, level, options.fps(), frames);
    Picture picture = renderer.newPicture();
    ByteBuffer out = ByteBuffer.allocate(picture.getWidth() * picture.getHeight() * 2 + 4096);
    List<Packet> packets = new ArrayList<>(frames);
    for (int f = first; f < end; f++) {
      if (cancelled.getAsBoolean()) {
        throw new RenderCancelledException();
      }
      renderer.render(path.at(f), picture);
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
