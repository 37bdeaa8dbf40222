package io.stillmotion.gateway;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Soundtracks for tests: real ones from the test resources and synthetic long ones. */
final class AudioFixtures {

  private AudioFixtures() {
  }

  /** {@code tone-2s.mp3}, {@code tone-2s.m4a} or {@code tone-2s.aac}: two seconds of a sine tone. */
  static byte[] fixture(String name) throws Exception {
    try (InputStream in = AudioFixtures.class.getResourceAsStream("/audio/" + name)) {
      return in.readAllBytes();
    }
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
}
