package io.stillmotion.render.h264;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/** Encodes camera moves with {@link MotionH264Encoder} and decodes streams with jcodec and ffmpeg. */
final class Streams {

  static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
  static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

  /**
   * The access units of one GOP, the encoder's reconstruction of each and the source frames. Every
   * other P frame is a disposable (non-reference) one, as {@link GopCoder} codes them.
   */
  record Gop(int width, int height, List<byte[]> units, List<Picture> reconstructions, List<Picture> sources) {

    byte[] annexB() {
      int n = units.stream().mapToInt(u -> u.length).sum();
      ByteBuffer all = ByteBuffer.allocate(n);
      units.forEach(all::put);
      return all.array();
    }

    long bytes() {
      return units.stream().mapToLong(u -> u.length).sum();
    }
  }

  private Streams() {
  }

  /** Level 3.1 and the colour description the render engine declares: BT.601 matrix, limited range. */
  static StreamFormat format(int width, int height) {
    VUIParameters vui = new VUIParameters();
    vui.videoSignalTypePresentFlag = true;
    vui.videoFormat = 5;
    vui.videoFullRangeFlag = false;
    vui.colourDescriptionPresentFlag = true;
    vui.colourPrimaries = 1;
    vui.transferCharacteristics = 1;
    vui.matrixCoefficients = 6;
    return new StreamFormat(width, height, 31, vui);
  }

  static Gop encode(Scenes.Move move, int width, int height, int frames, int qp) {
    return encode(move, width, height, frames, qp, 0);
  }

  /** A GOP of a move with the given IDR picture id (consecutive GOPs of a stream need different ones). */
  static Gop encode(Scenes.Move move, int width, int height, int frames, int qp, int idrPicId) {
    return encode(Scenes.views(move, width, height, frames), width, height, qp, idrPicId);
  }

  static Gop encode(List<Scenes.View> views, int width, int height, int qp, int idrPicId) {
    int frames = views.size();
    MotionH264Encoder encoder = new MotionH264Encoder(format(width, height));
    List<byte[]> units = new ArrayList<>();
    List<Picture> recons = new ArrayList<>();
    List<Picture> sources = new ArrayList<>();
    Scenes.View reference = views.get(0);
    for (int f = 0; f < frames; f++) {
      Picture frame = Scenes.render(views.get(f), width, height);
      boolean keep = FrameQpControl.isReference(f);
      units.add(f == 0 ? encoder.encodeIdr(frame, qp, idrPicId)
          : encoder.encodeP(frame, Scenes.motion(reference, views.get(f)), qp, keep));
      reference = keep ? views.get(f) : reference;
      recons.add(encoder.reconstruction().cloneCropped());
      sources.add(frame);
    }
    return new Gop(width, height, units, recons, sources);
  }

  /** Decodes every access unit with jcodec's decoder; pictures are padded to whole macroblocks. */
  static List<Picture> decodeWithJcodec(Gop gop) {
    H264Decoder decoder = new H264Decoder();
    List<Picture> out = new ArrayList<>();
    int pw = (gop.width() + 15) & ~15;
    int ph = (gop.height() + 15) & ~15;
    for (byte[] unit : gop.units()) {
      byte[][] buffer = Picture.create(pw, ph, ColorSpace.YUV420J).getData();
      out.add(decoder.decodeFrame(ByteBuffer.wrap(unit), buffer).cloneCropped());
    }
    return out;
  }

  /** Decodes the stream with ffmpeg into cropped yuv420p frames: [frame][plane][samples 0..255]. */
  static List<int[][]> decodeWithFfmpeg(Gop gop, Path dir) throws IOException, InterruptedException {
    Path in = dir.resolve("stream.h264");
    Path out = dir.resolve("decoded.yuv");
    Files.write(in, gop.annexB());
    run(FFMPEG.toString(), "-v", "error", "-y", "-f", "h264", "-i", in.toString(), "-f", "rawvideo", "-pix_fmt",
        "yuv420p", "-fps_mode", "passthrough", out.toString());
    byte[] raw = Files.readAllBytes(out);
    int w = gop.width();
    int h = gop.height();
    int frameSize = w * h * 3 / 2;
    List<int[][]> frames = new ArrayList<>();
    for (int off = 0; off + frameSize <= raw.length; off += frameSize) {
      int[][] planes = {new int[w * h], new int[w * h / 4], new int[w * h / 4]};
      int p = off;
      for (int[] plane : planes) {
        for (int i = 0; i < plane.length; i++) {
          plane[i] = raw[p++] & 0xff;
        }
      }
      frames.add(planes);
    }
    return frames;
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  /** Samples of one plane of a padded jcodec picture inside the frame, as 0..255. */
  static int[] plane(Picture pic, int plane, int width, int height) {
    int w = plane == 0 ? width : width / 2;
    int h = plane == 0 ? height : height / 2;
    int stride = pic.getPlaneWidth(plane);
    byte[] data = pic.getPlaneData(plane);
    int[] out = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = data[y * stride + x] + 128;
      }
    }
    return out;
  }

  /** Number of samples that differ. */
  static int differences(int[] a, int[] b) {
    int n = Math.abs(a.length - b.length);
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      n += a[i] != b[i] ? 1 : 0;
    }
    return n;
  }

  static double psnr(int[] a, int[] b) {
    double se = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      se += d * d;
    }
    return se == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 * a.length / se);
  }
}
