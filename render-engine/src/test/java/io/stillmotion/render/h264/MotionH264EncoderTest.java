package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MotionH264EncoderTest {

  private static final int FRAMES = 12;
  private static final int[][] SIZES = {{64, 64}, {320, 192}, {200, 120}};
  private static final int[] QPS = {20, 30, 42};

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenes.Move.class)
  @DisplayName("jcodec's decoder outputs exactly the encoder's reconstruction, every frame of every move")
  void jcodecDecodesTheReconstruction(Scenes.Move move) {
    for (int s = 0; s < SIZES.length; s++) {
      Streams.Gop gop = Streams.encode(move, SIZES[s][0], SIZES[s][1], FRAMES, QPS[s]);
      List<Picture> decoded = Streams.decodeWithJcodec(gop);
      for (int f = 0; f < FRAMES; f++) {
        for (int p = 0; p < 3; p++) {
          assertThat(Streams.differences(Streams.plane(decoded.get(f), p, gop.width(), gop.height()),
              Streams.plane(gop.reconstructions().get(f), p, gop.width(), gop.height())))
              .as("%s %dx%d frame %d plane %d", move, gop.width(), gop.height(), f, p)
              .isZero();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenes.Move.class)
  @DisplayName("ffmpeg decodes exactly the encoder's reconstruction, every frame of every move")
  void ffmpegDecodesTheReconstruction(Scenes.Move move, @TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Streams.FFMPEG), "ffmpeg not installed");
    for (int s = 0; s < SIZES.length; s++) {
      Streams.Gop gop = Streams.encode(move, SIZES[s][0], SIZES[s][1], FRAMES, QPS[s]);
      List<int[][]> decoded = Streams.decodeWithFfmpeg(gop, dir);
      assertThat(decoded).hasSize(FRAMES);
      for (int f = 0; f < FRAMES; f++) {
        for (int p = 0; p < 3; p++) {
          assertThat(Streams.differences(decoded.get(f)[p],
              Streams.plane(gop.reconstructions().get(f), p, gop.width(), gop.height())))
              .as("%s %dx%d frame %d plane %d", move, gop.width(), gop.height(), f, p)
              .isZero();
        }
      }
    }
  }

  @Test
  @DisplayName("a pan of 48 pixels a frame, with vectors reaching far outside the picture, decodes exactly")
  void fastPanDecodesExactly(@TempDir Path dir) throws Exception {
    List<Scenes.View> views = List.of(new Scenes.View(0, 0, 1), new Scenes.View(48, 10, 1),
        new Scenes.View(0, 20, 1), new Scenes.View(-48, 0, 1));
    Streams.Gop gop = Streams.encode(views, 160, 96, 26, 0);
    List<Picture> jcodec = Streams.decodeWithJcodec(gop);
    List<int[][]> ffmpeg = Files.isExecutable(Streams.FFMPEG) ? Streams.decodeWithFfmpeg(gop, dir) : null;
    for (int f = 0; f < views.size(); f++) {
      for (int p = 0; p < 3; p++) {
        int[] expected = Streams.plane(gop.reconstructions().get(f), p, 160, 96);
        assertThat(Streams.differences(Streams.plane(jcodec.get(f), p, 160, 96), expected)).isZero();
        if (ffmpeg != null) {
          assertThat(Streams.differences(ffmpeg.get(f)[p], expected)).isZero();
        }
      }
    }
  }

  @Test
  @DisplayName("the reconstruction stays close to the source through the GOP")
  void qualityHolds() {
    Streams.Gop gop = Streams.encode(Scenes.Move.KEN_BURNS, 320, 192, FRAMES, 24);
    for (int f = 0; f < FRAMES; f++) {
      double psnr = Streams.psnr(Streams.plane(gop.sources().get(f), 0, 320, 192),
          Streams.plane(gop.reconstructions().get(f), 0, 320, 192));
      assertThat(psnr).as("frame %d", f).isGreaterThan(36);
    }
  }
}
