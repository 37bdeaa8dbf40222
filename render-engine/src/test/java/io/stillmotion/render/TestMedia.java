package io.stillmotion.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/** Images and video helpers for render tests and the benchmark. */
public final class TestMedia {

  public static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

  private TestMedia() {
  }

  /**
   * A photo of the shared test set ({@code shared/testdata/photos}, beside the repository): from
   * the {@code shared.dir} property when it names a folder holding it, else from the first
   * {@code shared} folder found beside the working directory or one of its parents; empty when
   * there is none (a test then skips what needs it).
   */
  public static java.util.Optional<Path> sharedPhoto(String name) {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty("shared.dir");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      candidates.add(dir.resolve("shared"));
    }
    return candidates.stream().map(d -> d.resolve("testdata/photos").resolve(name)).filter(Files::isReadable)
        .findFirst();
  }

  /** {@link #sharedPhoto}, for benches, which cannot run without it: fails with what to set when it is missing. */
  public static Path requiredSharedPhoto(String name) {
    return sharedPhoto(name).orElseThrow(() -> new IllegalStateException(
        "No shared/testdata/photos/" + name + ": set -Dshared.dir to the shared folder"));
  }

  /**
   * The photo scaled by ffmpeg to w x h, as raw samples of {@code pixFmt} ({@code gray}: w * h bytes,
   * {@code yuv420p}: the three planes one after the other, w * h * 3 / 2 bytes).
   */
  public static byte[] scaledRaw(Path photo, int w, int h, String pixFmt) throws IOException, InterruptedException {
    int expected = "gray".equals(pixFmt) ? w * h : "yuv420p".equals(pixFmt) ? w * h * 3 / 2 : -1;
    if (expected < 0) {
      throw new IllegalArgumentException("unsupported pixel format " + pixFmt);
    }
    Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-v", "error", "-i", photo.toString(), "-vf",
        "scale=" + w + ":" + h, "-pix_fmt", pixFmt, "-f", "rawvideo", "-")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] raw;
    try (InputStream in = ffmpeg.getInputStream()) {
      raw = in.readAllBytes();
    }
    if (ffmpeg.waitFor() != 0 || raw.length != expected) {
      throw new IOException("ffmpeg could not scale " + photo);
    }
    return raw;
  }

  public static boolean ffmpegAvailable() {
    return Files.isExecutable(FFMPEG);
  }

  /** A procedural picture with what photos have: smooth sky, hills, soft shapes, fine texture, edges. */
  public static BufferedImage photoLike(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    float[] noise = valueNoise(w, h, random);
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      double v = (double) y / h;
      for (int x = 0; x < w; x++) {
        double u = (double) x / w;
        double hill = 0.62 + 0.08 * Math.sin(u * 7 + 1) + 0.04 * Math.sin(u * 23);
        double n = noise[y * w + x];
        double r;
        double g;
        double b;
        if (v < hill) {
          r = 90 + 100 * v;
          g = 140 + 80 * v;
          b = 230 - 40 * v;
          r += 12 * n;
          g += 12 * n;
          b += 8 * n;
        } else {
          double d = (v - hill) / (1 - hill);
          r = 70 + 60 * d + 45 * n;
          g = 110 + 30 * d + 55 * n;
          b = 40 + 20 * d + 25 * n;
        }
        row[x] = rgb(r, g, b);
      }
      img.setRGB(0, y, w, 1, row, 0, w);
    }
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    for (int i = 0; i < 14; i++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 170));
      int s = (int) (Math.min(w, h) * (0.04 + 0.12 * random.nextDouble()));
      g.fillOval(random.nextInt(w), random.nextInt(h), s, s);
    }
    g.setColor(new Color(250, 250, 240));
    g.setFont(g.getFont().deriveFont(Math.max(10f, h / 18f)));
    g.drawString("Stillmotion 0123456789", w / 10, h / 6);
    g.dispose();
    return img;
  }

  private static float[] valueNoise(int w, int h, Random random) {
    float[] out = new float[w * h];
    double amplitude = 1;
    for (int cell = Math.max(w, h) / 6; cell >= 2; cell /= 3) {
      int gw = w / cell + 2;
      int gh = h / cell + 2;
      float[] grid = new float[gw * gh];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = (float) (random.nextDouble() * 2 - 1);
      }
      for (int y = 0; y < h; y++) {
        double gy = (double) y / cell;
        int y0 = (int) gy;
        double fy = smooth(gy - y0);
        for (int x = 0; x < w; x++) {
          double gx = (double) x / cell;
          int x0 = (int) gx;
          double fx = smooth(gx - x0);
          double top = grid[y0 * gw + x0] * (1 - fx) + grid[y0 * gw + x0 + 1] * fx;
          double bottom = grid[(y0 + 1) * gw + x0] * (1 - fx) + grid[(y0 + 1) * gw + x0 + 1] * fx;
          out[y * w + x] += (float) (amplitude * (top * (1 - fy) + bottom * fy));
        }
      }
      amplitude *= 0.6;
    }
    return out;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static int rgb(double r, double g, double b) {
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** An image made of flat rectangles of the given colours, side by side. */
  public static BufferedImage patches(int w, int h, int... colours) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    for (int i = 0; i < colours.length; i++) {
      g.setColor(new Color(colours[i]));
      g.fillRect(i * w / colours.length, 0, w / colours.length + 1, h);
    }
    g.dispose();
    return img;
  }

  public static byte[] jpeg(BufferedImage img, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  public static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, bytes)) {
      throw new IOException("no writer for " + format);
    }
    return bytes.toByteArray();
  }

  /** Inserts an EXIF APP1 segment holding only an orientation tag right after the JPEG's SOI marker. */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer app1 = ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4);
    app1.put((byte) 0xFF).put((byte) 0xE1);
    app1.putShort((short) (app1.capacity() - 2));
    app1.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    app1.put(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
    app1.putShort((short) 1);
    app1.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    app1.putInt(0);
    byte[] out = new byte[jpeg.length + app1.capacity()];
    out[0] = jpeg[0];
    out[1] = jpeg[1];
    System.arraycopy(app1.array(), 0, out, 2, app1.capacity());
    System.arraycopy(jpeg, 2, out, 2 + app1.capacity(), jpeg.length - 2);
    return out;
  }

  /** Inserts an ICC profile (APP2 segment) right after the JPEG's SOI marker. */
  public static byte[] withIccProfile(byte[] jpeg, byte[] profile) {
    byte[] id = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    int length = 2 + id.length + 2 + profile.length;
    ByteBuffer app2 = ByteBuffer.allocate(2 + length);
    app2.put((byte) 0xFF).put((byte) 0xE2).putShort((short) length).put(id).put((byte) 1).put((byte) 1).put(profile);
    byte[] out = new byte[jpeg.length + app2.capacity()];
    out[0] = jpeg[0];
    out[1] = jpeg[1];
    System.arraycopy(app2.array(), 0, out, 2, app2.capacity());
    System.arraycopy(jpeg, 2, out, 2 + app2.capacity(), jpeg.length - 2);
    return out;
  }

  /** What the MP4 says about its video track, and the packets' sizes and key flags. */
  public record Mp4Info(Codec codec, int width, int height, int frames, double durationSeconds, List<Integer> sizes,
      List<Boolean> keyFrames) {
  }

  public static Mp4Info probe(Path mp4) throws IOException {
    try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
      MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(ch);
      DemuxerTrack track = demuxer.getVideoTrack();
      DemuxerTrackMeta meta = track.getMeta();
      List<Integer> sizes = new ArrayList<>();
      List<Boolean> keys = new ArrayList<>();
      Packet p;
      while ((p = track.nextFrame()) != null) {
        sizes.add(p.getData().remaining());
        keys.add(p.isKeyFrame());
      }
      return new Mp4Info(meta.getCodec(), meta.getVideoCodecMeta().getSize().getWidth(),
          meta.getVideoCodecMeta().getSize().getHeight(), meta.getTotalFrames(), meta.getTotalDuration(), sizes,
          keys);
    }
  }

  /**
   * Decodes every frame to planar 4:2:0 bytes (Y then Cb then Cr, 0..255, no padding): with ffmpeg
   * when installed (an independent decoder), else with jcodec's.
   */
  public static void decodeFrames(Path mp4, int w, int h, Consumer<byte[]> frame) throws IOException {
    if (ffmpegAvailable()) {
      decodeWithFfmpeg(mp4, w, h, frame);
    } else {
      decodeWithJcodec(mp4, w, h, frame);
    }
  }

  public static List<byte[]> decodeAll(Path mp4, int w, int h) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    decodeFrames(mp4, w, h, frames::add);
    return frames;
  }

  private static void decodeWithFfmpeg(Path mp4, int w, int h, Consumer<byte[]> frame) throws IOException {
    Process p = new ProcessBuilder(FFMPEG.toString(), "-v", "error", "-i", mp4.toString(), "-f", "rawvideo",
        "-pix_fmt", "yuv420p", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (InputStream in = p.getInputStream(); DataInputStream data = new DataInputStream(in)) {
      while (true) {
        byte[] buf = new byte[w * h * 3 / 2];
        try {
          data.readFully(buf);
        } catch (EOFException e) {
          break;
        }
        frame.accept(buf);
      }
    }
    try {
      if (p.waitFor() != 0) {
        throw new IOException("ffmpeg failed to decode " + mp4);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void decodeWithJcodec(Path mp4, int w, int h, Consumer<byte[]> frame) throws IOException {
    try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
      FrameGrab grab = FrameGrab.createFrameGrab(ch);
      Picture pic;
      while ((pic = grab.getNativeFrame()) != null) {
        frame.accept(toPlanar(pic, w, h));
      }
    } catch (org.jcodec.api.JCodecException e) {
      throw new IOException(e);
    }
  }

  /** Copies the visible part of a jcodec picture into unpadded planar bytes 0..255. */
  public static byte[] toPlanar(Picture pic, int w, int h) {
    byte[] out = new byte[w * h * 3 / 2];
    int o = 0;
    for (int plane = 0; plane < 3; plane++) {
      int pw = plane == 0 ? w : w / 2;
      int ph = plane == 0 ? h : h / 2;
      byte[] data = pic.getPlaneData(plane);
      int stride = pic.getPlaneWidth(plane);
      for (int y = 0; y < ph; y++) {
        for (int x = 0; x < pw; x++) {
          out[o++] = (byte) (data[y * stride + x] + 128);
        }
      }
    }
    return out;
  }

  /** PSNR of the luma planes of two planar 4:2:0 frames. */
  public static double psnrY(byte[] a, byte[] b, int w, int h) {
    long se = 0;
    for (int i = 0; i < w * h; i++) {
      int d = (a[i] & 0xFF) - (b[i] & 0xFF);
      se += (long) d * d;
    }
    double mse = (double) se / (w * h);
    return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /** Mean SSIM of the luma planes over 8x8 windows (stride 4), the usual constants. */
  public static double ssimY(byte[] a, byte[] b, int w, int h) {
    double c1 = Math.pow(0.01 * 255, 2);
    double c2 = Math.pow(0.03 * 255, 2);
    double sum = 0;
    int n = 0;
    for (int y = 0; y + 8 <= h; y += 4) {
      for (int x = 0; x + 8 <= w; x += 4) {
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        for (int j = 0; j < 8; j++) {
          int row = (y + j) * w + x;
          for (int i = 0; i < 8; i++) {
            int va = a[row + i] & 0xFF;
            int vb = b[row + i] & 0xFF;
            sa += va;
            sb += vb;
            saa += va * va;
            sbb += vb * vb;
            sab += va * vb;
          }
        }
        double ma = sa / 64;
        double mb = sb / 64;
        double va = saa / 64 - ma * ma;
        double vb = sbb / 64 - mb * mb;
        double cov = sab / 64 - ma * mb;
        sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        n++;
      }
    }
    return sum / n;
  }
}
