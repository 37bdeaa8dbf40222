package io.stillmotion.render;

import java.nio.file.Files;
import java.nio.file.Path;

/** Decodes one file the way a render does; run in a JVM with a small heap by {@link ImageGuardTest}. */
public final class DecodeInSmallHeap {

  private DecodeInSmallHeap() {
  }

  public static void main(String[] args) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(args[0]));
    try {
      RgbImage image = ImageDecoder.decode(bytes);
      System.out.println("decoded " + image.width() + "x" + image.height());
    } catch (RenderException e) {
      System.out.println("refused " + e.getMessage());
    }
  }
}
