package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.common.model.ColorSpace;
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
  @DisplayName("noise at the lowest QP, with levels past CABAC's unary prefix, decodes exactly")
  void noiseAtLowestQpDecodesExactly(@TempDir Path dir) throws Exception {
    int width = 96;
    int height = 64;
    Random random = new Random(9);
    MotionH264Encoder encoder = new MotionH264Encoder(Streams.format(width, height));
    List<byte[]> units = new ArrayList<>();
    List<Picture> reconstructions = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      Picture frame = Picture.create(width, height, ColorSpace.YUV420J);
      for (byte[] plane : frame.getData()) {
        for (int i = 0; i < plane.length; i++) {
          plane[i] = (byte) (random.nextInt(256) - 128);
        }
      }
      units.add(f == 0 ? encoder.encodeIdr(frame, Quant.MIN_QP, 0)
          : encoder.encodeP(frame, Scenes.motion(new Scenes.View(0, 0, 1), new Scenes.View(f, 0, 1)), Quant.MIN_QP,
              true));
      reconstructions.add(encoder.reconstruction().cloneCropped());
    }
    Streams.Gop gop = new Streams.Gop(width, height, units, reconstructions, List.of());
    List<Picture> jcodec = Streams.decodeWithJcodec(gop);
    List<int[][]> ffmpeg = Files.isExecutable(Streams.FFMPEG) ? Streams.decodeWithFfmpeg(gop, dir) : null;
    for (int f = 0; f < units.size(); f++) {
      for (int p = 0; p < 3; p++) {
        int[] expected = Streams.plane(reconstructions.get(f), p, width, height);
        assertThat(Streams.differences(Streams.plane(jcodec.get(f), p, width, height), expected)).isZero();
        if (ffmpeg != null) {
          assertThat(Streams.differences(ffmpeg.get(f)[p], expected)).isZero();
        }
      }
    }
  }

  @Test
  @DisplayName("over a smooth image, zooming out and panning, no macroblock's vector (skipped or not) drifts over 4 pixels from the camera's")
  void skippedVectorsFollowTheCamera() {
    int width = 192;
    int height = 384;
    Scenes.View reference = new Scenes.View(0, 0, 1);
    Scenes.View view = new Scenes.View(-1.5, 40, 1.0 / 0.96);
    CameraMotion motion = Scenes.motion(reference, view);
    MotionH264Encoder encoder = new MotionH264Encoder(Streams.format(width, height));
    H264Decoder decoder = new H264Decoder();
    decoder.decodeFrame(ByteBuffer.wrap(encoder.encodeIdr(smooth(reference, width, height), 27, 0)),
        Picture.create(width, height, ColorSpace.YUV420J).getData());
    byte[] unit = encoder.encodeP(smooth(view, width, height), motion, 34, false);
    H264Utils.MvList2D vectors = decoder.decodeFrame(ByteBuffer.wrap(unit),
        Picture.create(width, height, ColorSpace.YUV420J).getData()).getMvs();
    int inter = 0;
    for (int mbY = 0; mbY < height / 16; mbY++) {
      for (int mbX = 0; mbX < width / 16; mbX++) {
        if (vectors.mv0R(mbX * 4, mbY * 4) != 0) {
          continue;
        }
        inter++;
        assertThat(vectors.mv0X(mbX * 4, mbY * 4)).as("x of macroblock %d,%d", mbX, mbY)
            .isCloseTo((int) Math.round(motion.quarterX(mbX * 16 + 7.5)), org.assertj.core.data.Offset.offset(16));
        assertThat(vectors.mv0Y(mbX * 4, mbY * 4)).as("y of macroblock %d,%d", mbX, mbY)
            .isCloseTo((int) Math.round(motion.quarterY(mbY * 16 + 7.5)), org.assertj.core.data.Offset.offset(16));
      }
    }
    assertThat(inter).isGreaterThan(width / 16 * height / 16 * 3 / 4);
  }

  /** A smooth luma wave (no edges, no texture) under flat chroma, as the view sees it. */
  private static Picture smooth(Scenes.View v, int width, int height) {
    Picture pic = Picture.create(width, height, ColorSpace.YUV420J);
    byte[] luma = pic.getPlaneData(0);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double u = v.left() + (x + 0.5) * v.step();
        double w = v.top() + (y + 0.5) * v.step();
        luma[y * width + x] = (byte) Math.round(40 * Math.sin(u * 0.011 + w * 0.007));
      }
    }
    return pic;
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
