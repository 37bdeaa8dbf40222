package io.stillmotion.model;

/**
 * Outgoing webhooks on terminal task states.
 *
 * @param secret       HMAC-SHA256 key for the {@code X-Stillmotion-Signature} header (null = unsigned)
 * @param allowPrivate whether callbacks may target loopback/private addresses (SSRF guard off)
 */
public record WebhookConfig(String secret, boolean allowPrivate) {

  static WebhookConfig from(EnvReader r) {
    return new WebhookConfig(r.optional("WEBHOOK_SECRET"), r.bool("WEBHOOK_ALLOW_PRIVATE", false));
  }
}
