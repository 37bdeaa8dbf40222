package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamSignallingTest {

  @Test
  @DisplayName("ffprobe reads a Main profile stream with the declared level, size and colour description")
  void probesAsMain(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Streams.FFPROBE), "ffprobe not installed");
    Streams.Gop gop = Streams.encode(Scenes.Move.PAN_RIGHT, 200, 120, 4, 28);
    Path file = dir.resolve("stream.h264");
    Files.write(file, gop.annexB());
    String probe = Streams.run(Streams.FFPROBE.toString(), "-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream=profile,level,width,height,pix_fmt,color_range,color_space,color_primaries,color_transfer",
        "-of", "default=noprint_wrappers=1", file.toString());
    assertThat(probe).contains("profile=Main", "level=31", "width=200", "height=120",
        "pix_fmt=yuv420p", "color_range=tv", "color_space=smpte170m", "color_primaries=bt709",
        "color_transfer=bt709");
  }

  @Test
  @DisplayName("the SPS says Main profile, frames only and no B slices; the PPS says CABAC")
  void declaresMainWithCabac() {
    ByteBuffer unit = ByteBuffer.wrap(Streams.encode(Scenes.Move.PAN_RIGHT, 64, 64, 2, 28).units().get(0));
    ByteBuffer spsNal = H264Utils.nextNALUnit(unit);
    spsNal.get();
    H264Utils.unescapeNAL(spsNal);
    SeqParameterSet sps = SeqParameterSet.read(spsNal);
    ByteBuffer ppsNal = H264Utils.nextNALUnit(unit);
    ppsNal.get();
    H264Utils.unescapeNAL(ppsNal);
    PictureParameterSet pps = PictureParameterSet.read(ppsNal);
    assertThat(sps.profileIdc).isEqualTo(77);
    assertThat(new boolean[] {sps.constraintSet0Flag, sps.constraintSet1Flag, sps.constraintSet2Flag,
        sps.constraintSet3Flag, sps.constraintSet4Flag, sps.constraintSet5Flag})
        .containsExactly(false, true, false, false, true, true);
    assertThat(pps.entropyCodingModeFlag).isTrue();
  }

  @Test
  @DisplayName("P frames of a slow camera move cost a small fraction of the IDR frame")
  void slowMovesAreCheap() {
    Streams.Gop gop = Streams.encode(Scenes.Move.STILL, 320, 192, 4, 26);
    long idr = gop.units().get(0).length;
    for (int f = 1; f < 4; f++) {
      assertThat(gop.units().get(f).length).as("frame %d", f).isLessThan((int) (idr / 20));
    }
  }
}
