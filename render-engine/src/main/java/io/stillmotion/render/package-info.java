/**
 * The render engine: plain Java, no Vert.x. {@link io.stillmotion.render.VideoRenderer} is the
 * only entry point: {@code render(Story, workDir, listener)} for a story of 1 to 20 images,
 * {@code render(byte[], RenderSpec, ...)} for one image (the one-shot story). A service builds a
 * {@link io.stillmotion.render.Story} with its builder (which checks limits, transitions and text
 * and throws {@link io.stillmotion.render.InvalidStoryException} naming the field and image),
 * probes a soundtrack with {@link io.stillmotion.render.audio.Soundtrack#probe} at upload time,
 * and renders off the event loop.
 *
 * <pre>
 * Story -> Timeline (frames of each shot, transitions centred on slot boundaries, GOP layout)
 * per GOP, in parallel: GopFrames -> ShotSources (lazily, one decode at a time:
 *         bytes -> ImageDecoder -> FocusFinder (focus=auto: faces.FaceDetector, else saliency)
 *         -> working size -> CameraPath -> Resampler of only the part the path shows
 *         -> its YuvPyramid, text -> Overlay;
 *         rows shared with idle threads by RowBands)
 *       -> StoryFrames (CameraPath view -> FrameRenderer -> overlays; Blend for transitions)
 *       -> GopEncoder (motion-aware H.264 along the dominant shot's camera, or jcodec's)
 * -> Mp4Writer (avc1 + mp4a from Soundtrack.fitTo, moov first, interleaved), Posters
 * </pre>
 *
 * <p>Progressive JPEGs the decoder handles skip ImageIO: {@link io.stillmotion.render.ProgressiveJpeg}
 * (markers, headers, entry points) -> ProgressiveScans (entropy-coded data into JpegFrame's
 * coefficients, JpegHuffman's tables) -> JpegPixels (JpegIdct, upsampling, colour, in row bands).
 */
package io.stillmotion.render;
