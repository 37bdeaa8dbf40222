package io.stillmotion.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AudioProbeTest {

  @TempDir
  Path dir;

  private final AudioProbe probe = new AudioProbe();

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = AudioProbeTest.class.getResourceAsStream("/audio/" + name)) {
      return in.readAllBytes();
    }
  }

  private Path file(byte[] bytes) throws Exception {
    Path f = Files.createTempFile(dir, "audio", ".bin");
    Files.write(f, bytes);
    return f;
  }

  /**
   * An MP3 of silent MPEG-2.5 Layer III frames, 8 kbit/s at 8 kHz: 72 bytes and 72 ms each, so an
   * hour costs only 3.6 MB.
   */
  static Path lowBitrateMp3(Path dir, double seconds) throws Exception {
    Path f = Files.createTempFile(dir, "long", ".mp3");
    byte[] frame = new byte[72];
    frame[0] = (byte) 0xFF;
    frame[1] = (byte) 0xE2;
    frame[2] = (byte) 0x18;
    frame[3] = (byte) 0xC0;
    long frames = Math.round(seconds / 0.072);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
      for (long i = 0; i < frames; i++) {
        out.write(frame);
      }
    }
    return f;
  }

  @Test
  @DisplayName("MP3, ADTS AAC and M4A are recognised from their bytes, with their real length")
  void formats() throws Exception {
    AudioProbe.AudioInfo mp3 = probe.probe(file(fixture("tone-2s.mp3")));
    assertThat(mp3.format()).isEqualTo("mp3");
    assertThat(mp3.contentType()).isEqualTo("audio/mpeg");
    assertThat(mp3.durationSeconds()).isCloseTo(2.09, within(0.06));
    AudioProbe.AudioInfo adts = probe.probe(file(fixture("tone-2s.aac")));
    assertThat(adts.container()).isEqualTo("adts");
    assertThat(adts.durationSeconds()).isCloseTo(2.06, within(0.05));
    AudioProbe.AudioInfo m4a = probe.probe(file(fixture("tone-2s.m4a")));
    assertThat(m4a.format()).isEqualTo("aac");
    assertThat(m4a.container()).isEqualTo("mp4");
    assertThat(m4a.extension()).isEqualTo("m4a");
    assertThat(m4a.durationSeconds()).isCloseTo(2.0, within(0.06));
  }

  @Test
  @DisplayName("a three-hour MP3 is refused by its length, read from its frames, in well under a second")
  void threeHours() throws Exception {
    Path threeHours = lowBitrateMp3(dir, 3 * 3600);
    assertThat(Files.size(threeHours)).isLessThan(11_000_000);
    long start = System.nanoTime();
    assertThatThrownBy(() -> probe.probe(threeHours)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(422);
      assertThat(e.code()).isEqualTo("audio_too_long");
    });
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    assertThat(probe.probe(lowBitrateMp3(dir, 60)).durationSeconds()).isCloseTo(60, within(0.1));
  }

  @Test
  @DisplayName("files that are not audio are 415; audio headers with nothing playable are 422")
  void notAudio() throws Exception {
    for (byte[] bytes : new byte[][] {"just text, not music".getBytes(), TestSystem.png(32, 32),
        {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0}}) {
      assertThatThrownBy(() -> probe.probe(file(bytes))).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.status()).as(new String(bytes, 0, 4)).isEqualTo(415));
    }
    byte[] mp3 = fixture("tone-2s.mp3");
    byte[] id3Only = Arrays.copyOf(mp3, 20);
    assertThatThrownBy(() -> probe.probe(file(id3Only))).isInstanceOf(ApiException.class);
    byte[] m4a = fixture("tone-2s.m4a");
    assertThatThrownBy(() -> probe.probe(file(Arrays.copyOf(m4a, 40)))).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo("audio_unreadable"));
    assertThatThrownBy(() -> probe.probe(file(new byte[0]))).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.status()).isEqualTo(400));
  }
}
