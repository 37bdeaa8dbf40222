package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4MuxingTest {

  private static final int FPS = 30;

  @Test
  @DisplayName("two GOPs muxed by jcodec's faststart MP4 muxer decode in ffmpeg to the reconstruction")
  void mp4DecodesToTheReconstruction(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Streams.FFMPEG), "ffmpeg not installed");
    Streams.Gop first = Streams.encode(Scenes.Move.KEN_BURNS, 200, 120, 6, 26);
    Streams.Gop second = Streams.encode(Scenes.Move.ZOOM_OUT, 200, 120, 6, 30, 1);
    Path mp4 = dir.resolve("video.mp4");
    try (FileChannelWrapper channel = NIOUtils.writableChannel(mp4.toFile())) {
      WebOptimizedMP4Muxer muxer = new WebOptimizedMP4Muxer(channel, Brand.MP4, 8192);
      MuxerTrack track = muxer.addVideoTrack(Codec.H264,
          VideoCodecMeta.createSimpleVideoCodecMeta(new Size(200, 120), ColorSpace.YUV420J));
      int n = 0;
      for (Streams.Gop gop : List.of(first, second)) {
        for (int f = 0; f < gop.units().size(); f++, n++) {
          track.addFrame(Packet.createPacket(ByteBuffer.wrap(gop.units().get(f)), n, FPS, 1, n,
              f == 0 ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
        }
      }
      muxer.finish();
    }
    Path yuv = dir.resolve("decoded.yuv");
    Streams.run(Streams.FFMPEG.toString(), "-v", "error", "-y", "-i", mp4.toString(), "-f", "rawvideo", "-pix_fmt",
        "yuv420p", "-fps_mode", "passthrough", yuv.toString());
    byte[] raw = Files.readAllBytes(yuv);
    int frameSize = 200 * 120 * 3 / 2;
    assertThat(raw).hasSize(12 * frameSize);
    int f = 0;
    for (Streams.Gop gop : List.of(first, second)) {
      for (int i = 0; i < gop.units().size(); i++, f++) {
        int offset = f * frameSize;
        for (int p = 0; p < 3; p++) {
          int[] expected = Streams.plane(gop.reconstructions().get(i), p, 200, 120);
          int[] actual = new int[expected.length];
          for (int k = 0; k < actual.length; k++) {
            actual[k] = raw[offset + k] & 0xff;
          }
          offset += expected.length;
          assertThat(Streams.differences(actual, expected)).as("frame %d plane %d", f, p).isZero();
        }
      }
    }
  }
}
