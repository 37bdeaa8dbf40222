package io.stillmotion.render;

import java.io.IOException;

/**
 * The bytes of one shot's image, asked for only when the shot is about to be rendered, so a story
 * of many large photos never holds them all: the engine reads, decodes and drops one shot's
 * source at a time. Called from a render thread, possibly more than once (e.g. for the poster).
 */
@FunctionalInterface
public interface ImageSource {

  byte[] read() throws IOException;

  static ImageSource of(byte[] bytes) {
    return () -> bytes;
  }
}
