package io.stillmotion.render.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stillmotion.render.InvalidStoryException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SoundtrackTest {

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = SoundtrackTest.class.getResourceAsStream("/audio/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName("AAC in ADTS and in M4A and MP3 are recognised from their bytes, with rate, channels and length")
  void probesTheThreeFormats() throws Exception {
    Soundtrack adts = Soundtrack.probe(fixture("tone-1500ms.aac"));
    Soundtrack m4a = Soundtrack.probe(fixture("tone-1500ms.m4a"));
    Soundtrack mp3 = Soundtrack.probe(fixture("tone-1500ms.mp3"));
    assertThat(adts.format()).isEqualTo(Soundtrack.Format.AAC_ADTS);
    assertThat(m4a.format()).isEqualTo(Soundtrack.Format.AAC_MP4);
    assertThat(mp3.format()).isEqualTo(Soundtrack.Format.MP3);
    for (Soundtrack s : new Soundtrack[] {adts, m4a, mp3}) {
      assertThat(s.sampleRate()).isEqualTo(44100);
      assertThat(s.durationSeconds()).isCloseTo(1.5, within(0.1));
    }
    assertThat(adts.channels()).isEqualTo(2);
    assertThat(mp3.channels()).isEqualTo(1);
  }

  @Test
  @DisplayName("anything else is unsupported media: a JPEG, text, random bytes")
  void refusesWhatIsNotAudio() {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    byte[] text = "this is not music at all".getBytes();
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    noise[0] = 0x12;
    for (byte[] bad : new byte[][] {jpeg, text, noise}) {
      assertThatThrownBy(() -> Soundtrack.probe(bad)).isInstanceOfSatisfying(InvalidStoryException.class, e -> {
        assertThat(e.code()).isEqualTo("unsupported_audio");
        assertThat(e.isUnsupportedMedia()).isTrue();
        assertThat(e.field()).isEqualTo("audio");
      });
    }
  }

  @Test
  @DisplayName("a file that starts like audio and turns into junk is unreadable, not half-accepted")
  void refusesDamagedAudio() throws Exception {
    byte[] mp3 = fixture("tone-1500ms.mp3");
    byte[] damaged = Arrays.copyOf(mp3, mp3.length * 3);
    Arrays.fill(damaged, 600, damaged.length, (byte) 0x55);
    assertThatThrownBy(() -> Soundtrack.probe(damaged))
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> assertThat(e.code()).isEqualTo("audio_unreadable"));
  }

  @Test
  @DisplayName("a three-hour MP3 under the byte limit is refused for its length")
  void refusesThreeHours() {
    byte[] frame = new byte[72];
    frame[0] = (byte) 0xFF;
    frame[1] = (byte) 0xE3;
    frame[2] = (byte) 0x18;
    frame[3] = (byte) 0xC0;
    int frames = 3 * 3600 * 8000 / 576;
    byte[] file = new byte[frames * frame.length];
    for (int i = 0; i < frames; i++) {
      System.arraycopy(frame, 0, file, i * frame.length, frame.length);
    }
    assertThat(file.length).isLessThan(Soundtrack.MAX_BYTES);
    assertThatThrownBy(() -> Soundtrack.probe(file)).isInstanceOfSatisfying(InvalidStoryException.class, e -> {
      assertThat(e.code()).isEqualTo("audio_too_long");
      assertThat(e.getMessage()).contains("10800 s");
    });
  }

  @Test
  @DisplayName("more bytes than the limit are refused before anything is parsed")
  void refusesTooManyBytes() {
    assertThatThrownBy(() -> Soundtrack.probe(new byte[Soundtrack.MAX_BYTES + 1]))
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> assertThat(e.code()).isEqualTo("audio_too_large"));
  }

  @Test
  @DisplayName("an M4A whose sample table claims billions of samples is refused without allocating for them")
  void refusesLyingSampleTable() throws Exception {
    byte[] m4a = fixture("tone-1500ms.m4a");
    int stsz = indexOf(m4a, "stsz");
    m4a[stsz + 12] = (byte) 0x7F;
    assertThatThrownBy(() -> Soundtrack.probe(m4a))
        .isInstanceOfSatisfying(InvalidStoryException.class, e -> assertThat(e.code()).isEqualTo("audio_unreadable"));
  }

  @Test
  @DisplayName("fitting loops a short track and ends within half an audio frame of the video")
  void fitsByLoopingAndCutting() throws Exception {
    for (String name : new String[] {"tone-1500ms.aac", "tone-1500ms.m4a", "tone-1500ms.mp3"}) {
      Soundtrack s = Soundtrack.probe(fixture(name));
      AudioTrack longer = s.fitTo(4.0);
      int frame = longer.frames().get(0).duration();
      assertThat(longer.durationSeconds()).as(name).isCloseTo(4.0, within(0.5 * frame / longer.timescale()));
      AudioTrack shorter = s.fitTo(0.7);
      assertThat(shorter.durationSeconds()).as(name).isCloseTo(0.7, within(0.5 * frame / shorter.timescale()));
    }
  }

  @Test
  @DisplayName("an MP3 fades out: the global gain of its last granules falls, the rest is untouched")
  void mp3FadesOut() throws Exception {
    Soundtrack s = Soundtrack.probe(fixture("tone-1500ms.mp3"));
    AudioTrack t = s.fitTo(3.0);
    int last = t.frames().size() - 1;
    int middle = last / 2;
    assertThat(gain(t.frames().get(middle))).isGreaterThan(100);
    assertThat(gain(t.frames().get(last))).isLessThan(gain(t.frames().get(middle)) - 20);
    AudioTrack.Frame source = s.fitTo(5.0).frames().get(middle);
    assertThat(t.frames().get(middle).data()).isSameAs(source.data());
  }

  /** The first granule's global gain of a mono MPEG-1 frame. */
  private static int gain(AudioTrack.Frame f) {
    byte[] b = Arrays.copyOfRange(f.data(), f.offset(), f.offset() + f.length());
    return Mp3Fade.readBits(b, 32 + 9 + 5 + 4 + 21, 8);
  }

  private static int indexOf(byte[] data, String type) {
    for (int i = 0; i + 4 <= data.length; i++) {
      if (data[i] == type.charAt(0) && data[i + 1] == type.charAt(1) && data[i + 2] == type.charAt(2)
          && data[i + 3] == type.charAt(3)) {
        return i - 4;
      }
    }
    throw new AssertionError(type + " not found");
  }
}
