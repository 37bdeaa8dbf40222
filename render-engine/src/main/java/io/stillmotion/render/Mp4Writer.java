package io.stillmotion.render;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.Brand;
import org.jcodec.containers.mp4.WebOptimizedMP4Muxer;

/**
 * Writes one H.264 track into an MP4 with the index (moov) before the media data, so browsers
 * start playing before the whole file has arrived. Frames must come in order; one tick per frame
 * at a timescale of the frame rate.
 */
final class Mp4Writer implements Closeable {

  private final FileChannelWrapper channel;
  private final WebOptimizedMP4Muxer muxer;
  private final MuxerTrack track;
  private final int fps;
  private long next;

  Mp4Writer(Path file, int width, int height, int fps, int frames) throws IOException {
    this.channel = NIOUtils.writableChannel(file.toFile());
    this.fps = fps;
    try {
      this.muxer = new WebOptimizedMP4Muxer(channel, Brand.MP4, headerSize(frames));
      this.track = muxer.addVideoTrack(Codec.H264,
          VideoCodecMeta.createSimpleVideoCodecMeta(new Size(width, height), ColorSpace.YUV420J));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Room reserved for the moov box: sample sizes, offsets, sync samples and fixed boxes. */
  private static int headerSize(int frames) {
    return 8192 + frames * 24;
  }

  void add(byte[] annexB, boolean key) throws IOException {
    Packet packet = Packet.createPacket(ByteBuffer.wrap(annexB), next, fps, 1, next,
        key ? Packet.FrameType.KEY : Packet.FrameType.INTER, null);
    track.addFrame(packet);
    next++;
  }

  /** Writes the index; the file is complete after this. */
  void finish() throws IOException {
    muxer.finish();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
