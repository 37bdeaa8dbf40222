package io.stillmotion.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.Codec;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoRendererTest {

  private static VideoRenderer renderer;
  private static byte[] photo;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    renderer = new VideoRenderer(2);
    photo = TestMedia.jpeg(TestMedia.photoLike(800, 500, 42), 0.92f);
  }

  @AfterAll
  static void stop() {
    renderer.close();
  }

  private static RenderSpec small(Effect effect, double seconds, int fps) {
    return new RenderSpec(effect, seconds, fps, 320, 180, Easing.EASE_IN_OUT, 0.5, 0.5, Quality.MEDIUM);
  }

  private List<Path> filesIn(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  @Test
  @DisplayName("the MP4 holds one H.264 track of the right size, frame count and duration, index first")
  void mp4Structure() throws Exception {
    RenderSpec o = small(Effect.KEN_BURNS, 2, 25);
    RenderResult result = renderer.render(photo, o, dir, RenderListener.NONE);
    TestMedia.Mp4Info info = TestMedia.probe(result.video());
    assertThat(info.codec()).isEqualTo(Codec.H264);
    assertThat(info.width()).isEqualTo(320);
    assertThat(info.height()).isEqualTo(180);
    assertThat(info.frames()).isEqualTo(50).isEqualTo(o.frameCount()).isEqualTo(result.frames());
    assertThat(info.sizes()).hasSize(50);
    assertThat(info.durationSeconds()).isEqualTo(2.0);
    assertThat(result.videoBytes()).isEqualTo(Files.size(result.video()));
    byte[] head = Arrays.copyOf(Files.readAllBytes(result.video()), 64);
    String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text.indexOf("moov")).as("moov box before the media data").isBetween(0, 40);
  }

  @Test
  @DisplayName("the media data follows the index at once: no room reserved for the index is left unused in the file")
  void noUnusedRoom() throws Exception {
    RenderResult result = renderer.render(photo, small(Effect.KEN_BURNS, 2, 25), dir, RenderListener.NONE);
    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(result.video()));
    List<String> boxes = new ArrayList<>();
    while (file.remaining() >= 8) {
      int size = file.getInt(file.position());
      byte[] type = new byte[4];
      file.get(file.position() + 4, type);
      boxes.add(new String(type, java.nio.charset.StandardCharsets.ISO_8859_1));
      file.position(file.position() + size);
    }
    assertThat(boxes).containsExactly("ftyp", "moov", "mdat");
    assertThat(file.remaining()).isZero();
    assertThat(TestMedia.probe(result.video()).frames()).isEqualTo(50);
  }

  @Test
  @DisplayName("jcodec's stock encoder stays selectable and writes the same frames, several times larger")
  void jcodecEncoderSelectable() throws Exception {
    RenderSpec o = small(Effect.ZOOM_IN, 2, 25);
    RenderResult ours = renderer.render(photo, o, dir, RenderListener.NONE);
    try (VideoRenderer stock = new VideoRenderer(2, VideoEncoder.JCODEC)) {
      RenderResult theirs = stock.render(photo, o, dir, RenderListener.NONE);
      TestMedia.Mp4Info info = TestMedia.probe(theirs.video());
      assertThat(info.codec()).isEqualTo(Codec.H264);
      assertThat(info.frames()).isEqualTo(50);
      assertThat(info.width()).isEqualTo(320);
      assertThat(theirs.videoBytes()).isGreaterThan(2 * ours.videoBytes());
    }
  }

  @Test
  @DisplayName("every GOP starts with a key frame; a video within the longest GOP needs only one, whatever the threads")
  void gopsStartWithKeyFrames() throws Exception {
    RenderSpec o = small(Effect.ZOOM_IN, 3, 30);
    RenderResult result = renderer.render(photo, o, dir, RenderListener.NONE);
    List<Boolean> keys = TestMedia.probe(result.video()).keyFrames();
    int gops = VideoRenderer.gopCount(90, 30, 1, VideoEncoder.MOTION.maxGopSeconds);
    assertThat(gops).isEqualTo(1);
    List<Integer> keyAt = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i)) {
        keyAt.add(i);
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int g = 0; g < gops; g++) {
      expected.add(g * 90 / gops);
    }
    assertThat(keyAt).isEqualTo(expected);
  }

  @Test
  @DisplayName("the SPS declares BT.601 limited range, the level, and the frame rate in its VUI")
  void spsSignalsColour() throws Exception {
    RenderSpec o = small(Effect.PAN_LEFT, 1, 30);
    RenderResult result = renderer.render(photo, o, dir, RenderListener.NONE);
    try (SeekableByteChannel ch = NIOUtils.readableChannel(result.video().toFile())) {
      ByteBuffer codecPrivate = MP4Demuxer.createMP4Demuxer(ch).getVideoTrack().getMeta().getCodecPrivate();
      ByteBuffer nal = H264Utils.nextNALUnit(codecPrivate.duplicate());
      nal.get();
      SeqParameterSet sps = SeqParameterSet.read(nal);
      assertThat(sps.profileIdc).isEqualTo(77);
      assertThat(sps.levelIdc).isEqualTo(31);
      assertThat(sps.vuiParams).isNotNull();
      assertThat(sps.vuiParams.videoFullRangeFlag).isFalse();
      assertThat(sps.vuiParams.matrixCoefficients).isEqualTo(6);
      assertThat(sps.vuiParams.colourPrimaries).isEqualTo(1);
      assertThat(sps.vuiParams.timingInfoPresentFlag).isTrue();
      assertThat(sps.vuiParams.fixedFrameRateFlag).isTrue();
    }
  }

  @Test
  @DisplayName("flat colour patches survive encoding and decoding within a few levels")
  void flatPatchesKeepTheirColour() throws Exception {
    BufferedImage patches = TestMedia.patches(960, 540, 0xD03030, 0x30B040, 0x3050D0, 0xF0E0C0, 0x404040,
        0xE0A020);
    byte[] image = TestMedia.encode(patches, "png");
    RenderSpec o = new RenderSpec(Effect.ZOOM_IN, 1, 30, 320, 180, Easing.LINEAR, 0.5, 0.5, Quality.MEDIUM);
    RenderResult result = renderer.render(image, o, dir, RenderListener.NONE);
    ReferenceFrames reference = new ReferenceFrames(image, o);
    List<byte[]> decoded = TestMedia.decodeAll(result.video(), 320, 180);
    assertThat(decoded).hasSize(30);
    for (int[] plane : new int[][] {{0, 320, 180, 20}, {320 * 180, 160, 90, 10}, {320 * 180 * 5 / 4, 160, 90, 10}}) {
      List<Integer> errors = new ArrayList<>();
      for (int f = 0; f < 30; f += 4) {
        byte[] want = reference.frame(f);
        byte[] got = decoded.get(f);
        int r = plane[3];
        for (int y = r; y < plane[2] - r; y += 2) {
          for (int x = r; x < plane[1] - r; x += 2) {
            if (flat(want, plane[0], plane[1], x, y, r)) {
              int i = plane[0] + y * plane[1] + x;
              errors.add(Math.abs((want[i] & 0xFF) - (got[i] & 0xFF)));
            }
          }
        }
      }
      errors.sort(null);
      double mean = errors.stream().mapToInt(Integer::intValue).average().orElseThrow();
      assertThat(errors).as("plane at %d", plane[0]).hasSizeGreaterThan(500);
      assertThat(mean).as("mean error, plane at %d", plane[0]).isLessThanOrEqualTo(1.5);
      assertThat(errors.get(errors.size() * 99 / 100)).as("99th percentile, plane at %d", plane[0])
          .isLessThanOrEqualTo(4);
      assertThat(errors.get(errors.size() - 1)).as("worst, plane at %d", plane[0]).isLessThanOrEqualTo(8);
    }
  }

  /** True when the reference is one flat colour a macroblock or more around (x, y): no edge ringing. */
  private static boolean flat(byte[] frame, int offset, int stride, int x, int y, int r) {
    int v = frame[offset + y * stride + x];
    for (int dy = -r; dy <= r; dy++) {
      for (int dx = -r; dx <= r; dx++) {
        if (frame[offset + (y + dy) * stride + x + dx] != v) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  @DisplayName("a detailed 720p video stays within the bit rate of the level it declares")
  void bitrateWithinLevel() throws Exception {
    byte[] busy = TestMedia.jpeg(TestMedia.photoLike(1920, 1080, 5), 0.95f);
    RenderSpec o = new RenderSpec(Effect.KEN_BURNS, 3, 30, 1280, 720, Easing.EASE_IN_OUT, 0.3, 0.6,
        Quality.HIGH);
    RenderResult result = renderer.render(busy, o, dir, RenderListener.NONE);
    H264Level level = H264Level.forVideo(1280, 720, 30);
    assertThat(level).isEqualTo(H264Level.L3_1);
    double mbitPerSecond = result.videoBytes() * 8 / 3.0;
    assertThat(mbitPerSecond).isLessThanOrEqualTo(level.maxBitsPerSecond());
    List<Integer> sizes = TestMedia.probe(result.video()).sizes();
    for (int start = 0; start + 30 <= sizes.size(); start += 15) {
      long bits = 8L * sizes.subList(start, start + 30).stream().mapToLong(Integer::longValue).sum();
      assertThat(bits).as("bits in the second from frame %d", start).isLessThanOrEqualTo(level.maxBitsPerSecond());
    }
  }

  @Test
  @DisplayName("lower quality gives a smaller file")
  void qualityOrdersSize() throws Exception {
    long[] bytes = new long[3];
    for (Quality q : Quality.values()) {
      RenderSpec o = new RenderSpec(Effect.ZOOM_OUT, 1, 30, 640, 360, Easing.LINEAR, 0.5, 0.5, q);
      bytes[q.ordinal()] = renderer.render(photo, o, dir, RenderListener.NONE).videoBytes();
    }
    assertThat(bytes[0]).isLessThan(bytes[1]);
    assertThat(bytes[1]).isLessThan(bytes[2]);
  }

  @Test
  @DisplayName("progress is reported for every frame and never goes backwards")
  void progressIsMonotonic() throws Exception {
    List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    RenderListener listener = new RenderListener() {
      @Override
      public void onProgress(int framesDone, int totalFrames) {
        assertThat(totalFrames).isEqualTo(60);
        seen.add(framesDone);
      }
    };
    renderer.render(photo, small(Effect.PAN_UP, 2, 30), dir, listener);
    assertThat(seen).hasSize(60).isSorted();
    assertThat(seen.get(59)).isEqualTo(60);
  }

  @Test
  @DisplayName("a render's threads run at the lowest priority, so the JIT and the event loops of its process go first")
  void renderThreadsYield() throws Exception {
    java.util.Map<String, Integer> priorities = new java.util.concurrent.ConcurrentHashMap<>();
    RenderListener listener = new RenderListener() {
      @Override
      public void onProgress(int framesDone, int totalFrames) {
        priorities.put(Thread.currentThread().getName(), Thread.currentThread().getPriority());
      }

      @Override
      public boolean isCancelled() {
        priorities.put(Thread.currentThread().getName(), Thread.currentThread().getPriority());
        return false;
      }
    };
    renderer.render(photo, small(Effect.KEN_BURNS, 2, 30), dir, listener);
    priorities.remove(Thread.currentThread().getName());
    assertThat(priorities).as("the render's own threads").isNotEmpty();
    assertThat(priorities.values()).as("their priorities: %s", priorities).containsOnly(Thread.MIN_PRIORITY);
  }

  @Test
  @DisplayName("the poster and thumbnail are handed over once while frames are still being encoded, as the result carries them")
  void stillsBeforeTheVideoIsDone() throws Exception {
    java.util.concurrent.CountDownLatch handedOver = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean lastFrameWaited = new java.util.concurrent.atomic.AtomicBoolean();
    List<byte[]> stills = java.util.Collections.synchronizedList(new ArrayList<>());
    RenderListener listener = new RenderListener() {
      @Override
      public void onProgress(int done, int totalFrames) {
        if (done == totalFrames - 1) {
          // The video cannot be done before the stills were handed over (or the wait gave up).
          try {
            lastFrameWaited.set(handedOver.await(60, java.util.concurrent.TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public void onStills(byte[] posterJpeg, byte[] thumbnailJpeg) {
        stills.add(posterJpeg);
        stills.add(thumbnailJpeg);
        handedOver.countDown();
      }
    };
    RenderResult result = renderer.render(photo, small(Effect.KEN_BURNS, 2, 30), dir, listener);
    assertThat(lastFrameWaited).as("stills handed over before the last frame was encoded").isTrue();
    assertThat(stills).hasSize(2);
    assertThat(stills.get(0)).isEqualTo(result.posterJpeg());
    assertThat(stills.get(1)).isEqualTo(result.thumbnailJpeg());
  }

  @Test
  @DisplayName("cancelling stops the render and deletes the unfinished file")
  void cancellationDeletesFile() throws Exception {
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    RenderListener listener = new RenderListener() {
      @Override
      public void onProgress(int framesDone, int totalFrames) {
        done.set(framesDone);
      }

      @Override
      public boolean isCancelled() {
        return done.get() >= 10;
      }
    };
    assertThatThrownBy(() -> renderer.render(photo, small(Effect.KEN_BURNS, 5, 30), dir, listener))
        .isInstanceOf(RenderCancelledException.class);
    assertThat(done.get()).isLessThan(150);
    assertThat(filesIn(dir)).isEmpty();
  }

  @Test
  @DisplayName("an undecodable upload fails permanently and leaves no file behind")
  void undecodableImage() throws Exception {
    assertThatThrownBy(() -> renderer.render(new byte[] {1, 2, 3, 4}, small(Effect.ZOOM_IN, 1, 30), dir,
        RenderListener.NONE))
        .isInstanceOf(RenderException.class)
        .matches(e -> ((RenderException) e).isPermanent());
    assertThat(filesIn(dir)).isEmpty();
  }

  @Test
  @DisplayName("the poster is the full-size first frame and the thumbnail 320 pixels on its long side")
  void posterAndThumbnail() throws Exception {
    RenderSpec o = new RenderSpec(Effect.ZOOM_IN, 1, 24, 720, 1280, Easing.LINEAR, 0.5, 0.5, Quality.LOW);
    RenderResult result = renderer.render(photo, o, dir, RenderListener.NONE);
    BufferedImage poster = ImageIO.read(new ByteArrayInputStream(result.posterJpeg()));
    BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(result.thumbnailJpeg()));
    assertThat(poster.getWidth()).isEqualTo(720);
    assertThat(poster.getHeight()).isEqualTo(1280);
    assertThat(thumb.getHeight()).isEqualTo(320);
    assertThat(thumb.getWidth()).isEqualTo(180);
  }

  @Test
  @DisplayName("a phone photo tagged 'rotate 90' is shown upright in the video")
  void exifOrientationReachesTheVideo() throws Exception {
    // Stored landscape: red left, blue right. Upright (orientation 6): red on top, blue below.
    BufferedImage stored = TestMedia.patches(300, 200, 0xE02020, 0x2020E0);
    byte[] jpeg = TestMedia.withExifOrientation(TestMedia.jpeg(stored, 0.95f), 6);
    RenderSpec o = new RenderSpec(Effect.ZOOM_OUT, 1, 30, 720, 1280, Easing.LINEAR, 0.5, 0.5, Quality.LOW);
    RenderResult result = renderer.render(jpeg, o, dir, RenderListener.NONE);
    List<byte[]> frames = TestMedia.decodeAll(result.video(), 720, 1280);
    byte[] last = frames.get(frames.size() - 1);
    int crTop = last[720 * 1280 * 5 / 4 + 20 * 360 + 180] & 0xFF;
    int crBottom = last[720 * 1280 * 5 / 4 + 620 * 360 + 180] & 0xFF;
    assertThat(crTop).as("red on top").isGreaterThan(160);
    assertThat(crBottom).as("blue below").isLessThan(128);
  }

  @Test
  @DisplayName("a tiny image is enlarged smoothly to fill the whole frame")
  void tinyImageFillsFrame() throws Exception {
    BufferedImage tiny = TestMedia.patches(3, 2, 0x000000, 0x808080, 0xFFFFFF);
    RenderSpec o = small(Effect.PAN_RIGHT, 1, 30);
    RenderResult result = renderer.render(TestMedia.encode(tiny, "png"), o, dir, RenderListener.NONE);
    byte[] first = TestMedia.decodeAll(result.video(), 320, 180).get(0);
    int previous = 0;
    for (int x = 0; x < 320; x += 8) {
      int y = first[90 * 320 + x] & 0xFF;
      assertThat(y).as("luma at x=%d", x).isGreaterThanOrEqualTo(previous - 3);
      previous = y;
    }
    assertThat(first[90 * 320 + 160] & 0xFF).isBetween(60, 200);
  }

  @Test
  @DisplayName("the same input renders to the same bytes, whichever thread encoded which GOP")
  void deterministic() throws Exception {
    RenderSpec o = small(Effect.KEN_BURNS, 2, 30);
    Path a = renderer.render(photo, o, dir, RenderListener.NONE).video();
    Path b = renderer.render(photo, o, dir, RenderListener.NONE).video();
    assertThat(Arrays.equals(mediaData(a), mediaData(b))).as("same media data").isTrue();
  }

  @Test
  @DisplayName("a render stopped while its poster is made makes no JPEG of it (the warm-up gives the cores back at once)")
  void stillsStopWhenCancelled() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger drawn = new AtomicInteger();
    FrameSource frames = new FrameSource() {
      @Override
      public Picture newPicture() {
        return Picture.create(64, 48, ColorSpace.YUV420J);
      }

      @Override
      public Viewport render(int frame, Picture into) {
        drawn.incrementAndGet();
        cancelled.set(true); // the task arrives while the first frame is drawn
        return null;
      }
    };
    VideoFormat format = new VideoFormat(64, 48, 30, Quality.MEDIUM);

    assertThatThrownBy(() -> VideoRenderer.stills(frames, format, cancelled::get))
        .isInstanceOf(RenderCancelledException.class);
    assertThat(drawn.get()).isEqualTo(1);
    cancelled.set(false);
    FrameSource calm = new FrameSource() {
      @Override
      public Picture newPicture() {
        return frames.newPicture();
      }

      @Override
      public Viewport render(int frame, Picture into) {
        return null;
      }
    };
    VideoRenderer.Stills stills = VideoRenderer.stills(calm, format, cancelled::get);
    assertThat(ImageIO.read(new ByteArrayInputStream(stills.poster())).getWidth()).isEqualTo(64);
    assertThat(stills.thumbnail()).isNotEmpty();
  }

  /** The file from the mdat box on: the header differs only in its creation time. */
  private static byte[] mediaData(Path mp4) throws Exception {
    byte[] all = Files.readAllBytes(mp4);
    String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
    return Arrays.copyOfRange(all, text.indexOf("mdat"), all.length);
  }
}
