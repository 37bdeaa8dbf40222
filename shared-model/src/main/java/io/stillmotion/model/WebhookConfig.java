package io.stillmotion.model;

/**
 * Outgoing webhooks on terminal task states.
 *
 * @param secret       HMAC-SHA256 key for the {@code X-Stillmotion-Signature} header (null = unsigned)
 * @param allowPrivate whether callbacks may target loopback/private addresses (SSRF guard off)
 * @param maxAttempts  POSTs of one delivery before it is abandoned
 * @param timeoutMs    the longest one attempt may take (name resolution, connect, request, answer)
 * @param retryMaxMs   the cap of the backoff between attempts (which starts at 1 s and doubles)
 * @param concurrency  deliveries this instance attempts at once; 0 = it leaves them to other instances
 */
public record WebhookConfig(String secret, boolean allowPrivate, int maxAttempts, long timeoutMs, long retryMaxMs,
    int concurrency) {

  public static final int DEFAULT_MAX_ATTEMPTS = 16;
  public static final long DEFAULT_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_RETRY_MAX_MS = 600_000;
  public static final int DEFAULT_CONCURRENCY = 8;
  private static final long FIRST_RETRY_MS = 1_000;

  static WebhookConfig from(EnvReader r) {
    return new WebhookConfig(
        r.optional("WEBHOOK_SECRET"),
        r.bool("WEBHOOK_ALLOW_PRIVATE", false),
        r.integer("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 1_000),
        r.longValue("WEBHOOK_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 100, 300_000),
        r.longValue("WEBHOOK_RETRY_MAX_MS", DEFAULT_RETRY_MAX_MS, 10, 86_400_000),
        r.integer("WEBHOOK_CONCURRENCY", DEFAULT_CONCURRENCY, 0, 1_000));
  }

  /** The defaults with this secret and SSRF setting. */
  public static WebhookConfig of(String secret, boolean allowPrivate) {
    return new WebhookConfig(secret, allowPrivate, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_MAX_MS,
        DEFAULT_CONCURRENCY);
  }

  /** Wait after the n-th failed attempt (n from 1): 1 s doubling, never above {@code retryMaxMs}. */
  public long retryDelayMs(int failedAttempts) {
    long first = Math.min(FIRST_RETRY_MS, retryMaxMs);
    int doublings = Math.min(Math.max(0, failedAttempts - 1), 40);
    return Math.min(retryMaxMs, first << doublings);
  }

  /**
   * How long a claimed delivery stays locked to the instance attempting it: past one attempt's
   * timeout, with room for recording the outcome and for clocks that disagree a little. A claim
   * whose holder died passes on when it expires.
   */
  public long claimMs() {
    return 2 * timeoutMs + 1_000;
  }
}
