package io.stillmotion.render.audio;

import java.util.List;

/** What a reader found in a soundtrack file: how to describe it in MP4 and where its frames are. */
record Parsed(Soundtrack.Format format, int objectType, byte[] decoderConfig, int timescale, int sampleRate,
    int channels, List<AudioTrack.Frame> frames) {
}
