package io.stillmotion.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

/**
 * The one owner of "is this image safe to decode, and how". The gateway's upload check and the
 * worker's decode both go through it (the worker never trusts that the gateway checked):
 * <ol>
 *   <li>{@link #inspect}: the format from the first bytes, the dimensions from the header (nothing
 *   decoded yet), {@code MIN_SIDE} and {@code maxPixels}, PNG chunks walked with bounded inflates
 *   ({@link PngChunks}), and what the decoder will really allocate ({@link DecodeCost}) against the
 *   memory one decode may use;</li>
 *   <li>{@link #verify}: proves the file is complete, within the time limit;</li>
 *   <li>{@link #decode}: the pixels, subsampled as much as needed to fit the memory budget, holding
 *   that much of this process's decode memory while it runs, within the time limit.</li>
 * </ol>
 * Decoding reads through a stream that fails once the deadline has passed, and a watchdog asks the
 * reader to abort then, so an abandoned decode does not keep its thread busy. Thread-safe.
 */
public final class ImageGuard {

  /** Smallest width and height an upload may have; anything smaller is not a photo. */
  public static final int MIN_SIDE = 16;
  /** Output of the completeness check: every byte is decoded, into about a megapixel. */
  static final long CHECK_PIXELS = 1_000_000;
  /** A decode that memory would push below this many pixels (or the image's own) is refused. */
  static final long MIN_USEFUL_PIXELS = 1_000_000;
  private static final long HEADER_TIME_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "stillmotion-decode-watchdog");
    t.setDaemon(true);
    return t;
  });

  static {
    ImageIO.setUseCache(false);
  }

  /**
   * @param minSide     smallest width and height accepted ({@link #MIN_SIDE} for uploads)
   * @param maxPixels   largest width x height accepted
   * @param memoryBytes memory all decodes of this process may use together; also the most one may use
   * @param timeLimitMs longest one decode (or verification) may run, and wait for memory
   */
  public record Limits(int minSide, long maxPixels, long memoryBytes, long timeLimitMs) {

    /** {@code memoryBytes} as a share of this JVM's heap (what {@code DECODE_MEMORY_MB} defaults to). */
    public static long heapShare(double share) {
      return (long) (Runtime.getRuntime().maxMemory() * share);
    }
  }

  /** An image that passed {@link #inspect}: what it is and what decoding it costs. */
  public record Inspection(ImageFormat format, int width, int height, DecodeCost cost, byte[] decodable,
      byte[] iccProfile) {

    public long pixels() {
      return (long) width * height;
    }
  }

  /** No decode memory came free within the time limit: try again shortly (not the image's fault). */
  public static final class Busy extends RenderException {
    private static final long serialVersionUID = 1L;

    Busy() {
      super("Too many images are being decoded right now; please retry shortly.", false);
    }
  }

  private final Limits limits;
  private final int memoryKib;
  private final Semaphore memory;

  public ImageGuard(Limits limits) {
    this.limits = limits;
    this.memoryKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, limits.memoryBytes() >> 10));
    this.memory = new Semaphore(memoryKib, true);
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Loads every decoder and its native code by checking a small image of each format, so that the
   * first upload after a start does not pay for it (about 3 s on a loaded 2-core machine).
   */
  public void warmUp() {
    for (String format : java.util.List.of("png", "jpeg", "gif", "bmp")) {
      try {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), format, out);
        verify(inspect(out.toByteArray()));
      } catch (IOException | RenderException e) {
        // a warm-up that fails changes nothing: the first real image loads what it needs
      }
    }
  }

  /** Checks everything that can be known without decoding pixels. Cheap: reads headers only. */
  public Inspection inspect(byte[] bytes) throws ImageRejectedException {
    ImageFormat format = bytes == null ? null : ImageFormat.sniff(head(bytes));
    if (format == null) {
      throw new ImageRejectedException(ImageRejectedException.NOT_AN_IMAGE,
          (bytes == null ? Optional.<String>empty() : ImageFormat.knownUnsupported(bytes))
              .map(kind -> "The file is " + kind + ". Pictures go in as JPEG, PNG, GIF, BMP or WebP.")
              .orElse("The file is not a supported image. Upload a JPEG, PNG, GIF, BMP or WebP picture."));
    }
    PngChunks.Sanitized png = format == ImageFormat.PNG ? PngChunks.sanitize(bytes) : null;
    byte[] decodable = png == null ? bytes : png.png();
    int[] size = dimensions(format, decodable);
    int width = size[0];
    int height = size[1];
    int minSide = limits.minSide();
    if (width < minSide || height < minSide) {
      throw new ImageRejectedException(ImageRejectedException.TOO_SMALL, "The image is " + width + "x" + height
          + " pixels; it must be at least " + minSide + "x" + minSide + ".");
    }
    if ((long) width * height > limits.maxPixels()) {
      throw new ImageRejectedException(ImageRejectedException.TOO_MANY_PIXELS, "The image is " + width + "x"
          + height + " pixels, more than the limit of " + limits.maxPixels() + " pixels.");
    }
    DecodeCost cost = DecodeCost.of(format, decodable, png, width, height);
    Inspection inspection = new Inspection(format, width, height, cost, decodable, png == null ? null : png.iccProfile());
    long least = cost.bytes(Math.min(inspection.pixels(), MIN_USEFUL_PIXELS), 0);
    if (least > limits.memoryBytes()) {
      throw new ImageRejectedException(ImageRejectedException.NEEDS_TOO_MUCH_MEMORY, "Decoding this "
          + cost.variant() + " of " + width + "x" + height + " needs about " + mib(least) + " of memory, more than the "
          + mib(limits.memoryBytes()) + " allowed; save it smaller"
          + (cost.variant().startsWith("progressive") ? " or as a baseline (non-progressive) JPEG." : "."));
    }
    return inspection;
  }

  /**
   * Proves the file is complete: a WebP by its RIFF sizes (the container states its own length), a
   * progressive JPEG our decoder handles by entropy-decoding every scan ({@link ProgressiveJpeg#verify}),
   * any other image by decoding every byte into about a megapixel. Truncation warnings count as failure.
   */
  public void verify(Inspection image) throws ImageRejectedException, Busy {
    if (image.format() == ImageFormat.WEBP) {
      verifyRiff(image.decodable());
      return;
    }
    int step = stepFor(image, CHECK_PIXELS, 0);
    if (!isProgressiveJpeg(image)) {
      read(image, step, 0, true);
      return;
    }
    int kib = acquire(image, step, 0);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.timeLimitMs());
      try {
        // every scan parsed and entropy-decoded up to the end marker, no pixels made
        ProgressiveJpeg.verify(image.decodable(), image.width(), image.height(), deadline);
        return;
      } catch (ProgressiveJpeg.DeadlinePassed e) {
        throw tooSlow();
      } catch (ProgressiveJpeg.Unsupported e) {
        // not a file our decoder vouches for: ImageIO's decode, in the time left
      }
      readHolding(image, step, true, deadline);
    } finally {
      memory.release(kib);
    }
  }

  private static boolean isProgressiveJpeg(Inspection image) {
    return image.format() == ImageFormat.JPEG && image.cost().variant().startsWith("progressive");
  }

  /** {@link #verify} by decoding, whatever the format: the reference the tests hold the faster checks to. */
  void verifyByDecoding(Inspection image) throws ImageRejectedException, Busy {
    read(image, stepFor(image, CHECK_PIXELS, 0), 0, true);
  }

  /**
   * The check an upload must pass before it is stored. A baseline JPEG (most photos) is proven
   * complete from its segments ({@link JpegSegments}) instead of decoding every byte, which cost an
   * upload of a 4-megapixel photo about half a second; the worker's {@link #decode} still finds
   * damaged data and fails the task. Every other image is checked as {@link #verify} does.
   */
  public void verifyForAccept(Inspection image) throws ImageRejectedException, Busy {
    if (image.format() == ImageFormat.JPEG && image.cost().variant().startsWith("baseline")) {
      if (!JpegSegments.isComplete(image.decodable())) {
        throw ImageRejectedException.unreadable(null);
      }
      return;
    }
    verify(image);
  }

  /**
   * Decodes with every n-th row and column, n as small as allowed by {@code maxOutputPixels} and by
   * the memory budget, counting {@code extraPerPixel} bytes per output pixel for what the caller
   * allocates afterwards (its own copies of the pixels).
   */
  public BufferedImage decode(Inspection image, long maxOutputPixels, int extraPerPixel)
      throws ImageRejectedException, Busy {
    return read(image, stepFor(image, maxOutputPixels, extraPerPixel), extraPerPixel, false);
  }

  /**
   * What {@link #decodeForRender} gives: the pixels of our own progressive JPEG decoder
   * ({@link ProgressiveJpeg}), or else ImageIO's image.
   */
  record Decoded(RgbImage pixels, BufferedImage image) {
  }

  /**
   * As {@link #decode}, but a progressive JPEG that {@link ProgressiveJpeg} handles (at full size) is
   * decoded by it, straight to opaque sRGB pixels, its rows shared by {@code bands}; any file it
   * does not handle, or finds damaged, goes to ImageIO as before, within the same memory and time
   * ({@code ownJpegDecoder} false: always ImageIO, the reference for tests and benches).
   */
  Decoded decodeForRender(Inspection image, long maxOutputPixels, int extraPerPixel, RowBands bands,
      boolean ownJpegDecoder) throws ImageRejectedException, Busy {
    int step = stepFor(image, maxOutputPixels, extraPerPixel);
    int kib = acquire(image, step, extraPerPixel);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.timeLimitMs());
      if (ownJpegDecoder && step == 1 && isProgressiveJpeg(image)) {
        try {
          return new Decoded(ProgressiveJpeg.decode(image.decodable(), image.width(), image.height(), deadline,
              bands), null);
        } catch (ProgressiveJpeg.DeadlinePassed e) {
          throw tooSlow();
        } catch (ProgressiveJpeg.Unsupported e) {
          // not a file our decoder handles: ImageIO's path, in the time left
        }
      }
      return new Decoded(null, readHolding(image, step, false, deadline));
    } finally {
      memory.release(kib);
    }
  }

  /** The subsampling step for at most {@code maxOutputPixels} pixels within the memory budget. */
  int stepFor(Inspection image, long maxOutputPixels, int extraPerPixel) throws ImageRejectedException {
    int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) image.pixels() / maxOutputPixels)));
    while (image.cost().bytes(outputPixels(image, step), extraPerPixel) > limits.memoryBytes()) {
      step++;
      if (outputPixels(image, step) < Math.min(image.pixels(), MIN_USEFUL_PIXELS) / 4) {
        throw new ImageRejectedException(ImageRejectedException.NEEDS_TOO_MUCH_MEMORY,
            "The image needs more memory than this service allows for one image (" + mib(limits.memoryBytes())
                + "); try a smaller image.");
      }
    }
    return step;
  }

  static long outputPixels(Inspection image, int step) {
    return ((long) (image.width() + step - 1) / step) * ((image.height() + step - 1) / step);
  }

  private BufferedImage read(Inspection image, int step, int extraPerPixel, boolean strict)
      throws ImageRejectedException, Busy {
    int kib = acquire(image, step, extraPerPixel);
    try {
      return readHolding(image, step, strict,
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.timeLimitMs()));
    } finally {
      memory.release(kib);
    }
  }

  /** Takes this decode's share of the memory budget (KiB, to be released), waiting up to the time limit. */
  private int acquire(Inspection image, int step, int extraPerPixel) throws Busy {
    long bytes = image.cost().bytes(outputPixels(image, step), extraPerPixel);
    int kib = (int) Math.min(memoryKib, Math.max(1, bytes >> 10));
    try {
      if (!memory.tryAcquire(kib, limits.timeLimitMs(), TimeUnit.MILLISECONDS)) {
        throw new Busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Busy();
    }
    return kib;
  }

  private BufferedImage readHolding(Inspection image, int step, boolean strict, long deadline)
      throws ImageRejectedException {
    DeadlineImageInputStream in = new DeadlineImageInputStream(image.decodable(), deadline);
    ImageReader reader = readerFor(image.format());
    AtomicBoolean aborted = new AtomicBoolean();
    long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
      aborted.set(true);
      reader.abort();
    }, left, TimeUnit.MILLISECONDS);
    AtomicBoolean truncated = new AtomicBoolean();
    try {
      reader.setInput(in, true, true);
      if (strict) {
        reader.addIIOReadWarningListener((source, warning) -> truncated.compareAndSet(false, isTruncation(warning)));
      }
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      BufferedImage decoded = reader.read(0, param);
      if (aborted.get() || in.expired()) {
        throw tooSlow();
      }
      if (decoded == null || decoded.getWidth() < 1 || decoded.getHeight() < 1 || truncated.get()) {
        throw ImageRejectedException.unreadable(null);
      }
      return decoded;
    } catch (DeadlineImageInputStream.DeadlinePassed e) {
      throw tooSlow();
    } catch (IOException | RuntimeException e) {
      if (aborted.get() || in.expired()) {
        throw tooSlow();
      }
      throw ImageRejectedException.unreadable(e);
    } finally {
      watchdog.cancel(false);
      reader.dispose();
    }
  }

  private ImageRejectedException tooSlow() {
    return new ImageRejectedException(ImageRejectedException.TOO_SLOW, "Decoding the image took longer than "
        + limits.timeLimitMs() / 1000.0 + " s, the limit; save it smaller or in a simpler format.");
  }

  private static boolean isTruncation(String warning) {
    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
    return w.contains("premature end") || w.contains("truncat") || w.contains("end of file");
  }

  /** Width and height from the header only. */
  private static int[] dimensions(ImageFormat format, byte[] bytes) throws ImageRejectedException {
    ImageReader reader = readerFor(format);
    try {
      reader.setInput(new DeadlineImageInputStream(bytes, System.nanoTime() + HEADER_TIME_LIMIT_NANOS), true, true);
      return new int[] {reader.getWidth(0), reader.getHeight(0)};
    } catch (IOException | RuntimeException e) {
      throw ImageRejectedException.unreadable(e);
    } finally {
      reader.dispose();
    }
  }

  private static ImageReader readerFor(ImageFormat format) throws ImageRejectedException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.formatName());
    if (!readers.hasNext()) {
      throw new ImageRejectedException(ImageRejectedException.NOT_AN_IMAGE,
          "Images of type " + format.formatName() + " are not supported here.");
    }
    return readers.next();
  }

  /** RIFF size + 8 is the file's length; every chunk lies inside it; there is an image chunk. */
  private static void verifyRiff(byte[] b) throws ImageRejectedException {
    long riff = DecodeCost.readLe(b, 4, 4) & 0xFFFFFFFFL;
    if (riff + 8 > b.length || riff < 4) {
      throw ImageRejectedException.unreadable(null);
    }
    boolean image = false;
    long at = 12;
    while (at + 8 <= riff + 8) {
      String fourcc = new String(b, (int) at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = DecodeCost.readLe(b, (int) at + 4, 4) & 0xFFFFFFFFL;
      if (at + 8 + size > riff + 8) {
        throw ImageRejectedException.unreadable(null);
      }
      image |= fourcc.equals("VP8 ") || fourcc.equals("VP8L")
          || fourcc.equals("ANMF") && frameHasImage(b, at + 8, size);
      at += 8 + size + (size & 1);
    }
    if (!image) {
      throw ImageRejectedException.unreadable(null);
    }
  }

  /**
   * An animation frame (ANMF: 16 bytes of position, size and timing, then its own chunks) whose chunks lie
   * inside it and include an image: an animated WebP is taken as its first frame, as an animated GIF is.
   */
  private static boolean frameHasImage(byte[] b, long from, long length) {
    long end = from + length;
    boolean image = false;
    for (long at = from + 16; at + 8 <= end; ) {
      String fourcc = new String(b, (int) at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = DecodeCost.readLe(b, (int) at + 4, 4) & 0xFFFFFFFFL;
      if (at + 8 + size > end) {
        return false;
      }
      image |= fourcc.equals("VP8 ") || fourcc.equals("VP8L");
      at += 8 + size + (size & 1);
    }
    return image;
  }

  private static byte[] head(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 16));
  }

  static String mib(long bytes) {
    return Math.max(1, Math.round(bytes / 1048576.0)) + " MB";
  }
}
