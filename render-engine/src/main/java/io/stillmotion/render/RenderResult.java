package io.stillmotion.render;

import java.nio.file.Path;

/**
 * What a render produced: the MP4 file (the caller owns and deletes it), a poster JPEG of the first
 * frame at full size and a small thumbnail JPEG.
 */
public record RenderResult(Path video, byte[] posterJpeg, byte[] thumbnailJpeg, int frames, long videoBytes,
    long elapsedMillis) {
}
