/**
 * The render engine: plain Java, no Vert.x. {@link io.stillmotion.render.VideoRenderer} is the
 * only entry point; the rest is its pipeline.
 *
 * <pre>
 * bytes -> ImageDecoder (ImageIO + TwelveMonkeys, ICC to sRGB, alpha on grey, EXIF orientation)
 *       -> VideoRenderer.fitSource (area-average down / bicubic up to the detail the motion needs)
 *       -> YuvPyramid (BT.601 limited-range planes, 2x2 box levels)
 *       -> CameraPath (floating-point viewport per frame, eased, always covering the frame)
 *       -> FrameRenderer (bilinear into jcodec 4:2:0 pictures, padded to macroblocks)
 *       -> GopEncoder (one jcodec encoder per GOP, IDR first, LevelRateControl, VUI in the SPS)
 *       -> Mp4Writer (faststart MP4), Posters (poster and thumbnail JPEG)
 * </pre>
 */
package io.stillmotion.render;
