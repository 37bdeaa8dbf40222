package io.stillmotion.model;

/**
 * How much memory and time decoding one uploaded image may take, in the gateway's upload check and
 * in the worker's render. The render engine's {@code ImageGuard} applies them.
 *
 * @param memoryMb          memory all image decodes of one process may use together (and one at
 *                          most); 0 = 40% of the JVM's maximum heap
 * @param checkTimeLimitMs  longest the gateway's upload check of one image may run
 * @param decodeTimeLimitMs longest the worker's decode of one image may run
 */
public record DecodeConfig(int memoryMb, long checkTimeLimitMs, long decodeTimeLimitMs) {

  /** Share of the heap the decodes may use when {@code DECODE_MEMORY_MB} is not set. */
  public static final double DEFAULT_HEAP_SHARE = 0.4;

  static DecodeConfig from(EnvReader r) {
    return new DecodeConfig(
        r.integer("DECODE_MEMORY_MB", 0, 0, 1_000_000),
        r.longValue("IMAGE_CHECK_TIME_LIMIT_MS", 10_000, 100, 600_000),
        r.longValue("DECODE_TIME_LIMIT_MS", 60_000, 100, 3_600_000));
  }

  /** The decode memory in bytes: as configured, or the default share of this JVM's heap. */
  public long memoryBytes() {
    return memoryMb > 0 ? (long) memoryMb << 20 : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_SHARE);
  }
}
