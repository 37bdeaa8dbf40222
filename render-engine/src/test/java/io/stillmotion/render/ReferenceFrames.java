package io.stillmotion.render;

import java.util.function.Consumer;
import org.jcodec.common.model.Picture;

/** The exact frames the renderer feeds the encoder, for measuring what encoding loses. */
public final class ReferenceFrames {

  private final CameraPath path;
  private final FrameRenderer renderer;
  private final RenderSpec options;

  public ReferenceFrames(byte[] image, RenderSpec options) throws RenderException {
    RgbImage working = VideoRenderer.fitSource(ImageDecoder.decode(image), options);
    this.options = options;
    this.path = new CameraPath(options, working.width(), working.height());
    this.renderer = new FrameRenderer(YuvPyramid.of(working), options.width(), options.height());
  }

  /** Planar 4:2:0 bytes of the given frame. */
  public byte[] frame(int index) {
    Picture pic = renderer.newPicture();
    renderer.render(path.at(index), pic);
    return TestMedia.toPlanar(pic, options.width(), options.height());
  }

  public void forEach(Consumer<byte[]> frame) {
    Picture pic = renderer.newPicture();
    for (int i = 0; i < options.frameCount(); i++) {
      renderer.render(path.at(i), pic);
      frame.accept(TestMedia.toPlanar(pic, options.width(), options.height()));
    }
  }
}
