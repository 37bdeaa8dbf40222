package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import io.stillmotion.render.Quality;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GopCoderTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 192;

  @Test
  @DisplayName("GOPs coded in turn by one coder decode as one stream, frame for frame")
  void consecutiveGopsDecode() {
    List<Scenes.View> views = Scenes.views(Scenes.Move.KEN_BURNS, WIDTH, HEIGHT, 12);
    GopCoder coder = new GopCoder(Streams.format(WIDTH, HEIGHT), Quality.MEDIUM, 14_000_000, 30);
    H264Decoder decoder = new H264Decoder();
    for (int f = 0; f < views.size(); f++) {
      Scenes.View v = views.get(f);
      Picture frame = Scenes.render(v, WIDTH, HEIGHT);
      byte[] unit = f % 4 == 0 ? coder.startGop(f / 4, frame, v.left(), v.top(), v.step())
          : coder.next(frame, v.left(), v.top(), v.step());
      Picture decoded = decoder.decodeFrame(ByteBuffer.wrap(unit), Picture.create(WIDTH, HEIGHT,
          ColorSpace.YUV420J).getData());
      assertThat(Streams.psnr(Streams.plane(frame, 0, WIDTH, HEIGHT), Streams.plane(decoded, 0, WIDTH, HEIGHT)))
          .as("frame %d", f).isGreaterThan(33);
    }
  }

  @Test
  @DisplayName("a lower quality writes fewer bytes, and a tight rate ceiling fewer still")
  void qualityAndCeilingShapeTheSize() {
    long high = gopBytes(Quality.HIGH, 50_000_000);
    long low = gopBytes(Quality.LOW, 50_000_000);
    long capped = gopBytes(Quality.HIGH, 300_000);
    assertThat(low).isLessThan(high);
    assertThat(capped).isLessThan(high);
  }

  private static long gopBytes(Quality quality, double maxBitsPerSecond) {
    List<Scenes.View> views = Scenes.views(Scenes.Move.PAN_RIGHT, WIDTH, HEIGHT, 10);
    GopCoder coder = new GopCoder(Streams.format(WIDTH, HEIGHT), quality, maxBitsPerSecond, 30);
    List<byte[]> units = new ArrayList<>();
    for (int f = 0; f < views.size(); f++) {
      Scenes.View v = views.get(f);
      Picture frame = Scenes.render(v, WIDTH, HEIGHT);
      units.add(f == 0 ? coder.startGop(0, frame, v.left(), v.top(), v.step())
          : coder.next(frame, v.left(), v.top(), v.step()));
    }
    return units.stream().mapToLong(u -> u.length).sum();
  }
}
