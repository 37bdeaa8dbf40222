package io.stillmotion.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The signature of a webhook, keyed with {@code WEBHOOK_SECRET}:
 * {@code X-Stillmotion-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}, with the
 * same seconds in {@code X-Stillmotion-Timestamp}. The time is inside the signed bytes, so a receiver
 * that refuses old timestamps refuses replays of a captured request; remembering delivery ids for the
 * tolerance window then refuses a replay within it. Every attempt is signed afresh.
 */
public final class WebhookSigner {

  public static final String HEADER = "X-Stillmotion-Signature";
  public static final String TIMESTAMP_HEADER = "X-Stillmotion-Timestamp";
  /** What we suggest receivers accept between the signed time and their clock. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300;

  /** What a receiver concludes from a signature header. */
  public enum Verdict { VALID, MALFORMED, BAD_SIGNATURE, STALE }

  private WebhookSigner() {
  }

  public static String sign(String secret, long timestampSeconds, byte[] body) {
    return "t=" + timestampSeconds + ",v1=" + hmacHex(secret, timestampSeconds, body);
  }

  /**
   * Checks a received header the way a receiver should: the HMAC first (constant time; any of several
   * {@code v1} values may match, for a secret being rotated), then the signed time against
   * {@code nowSeconds}, either way.
   */
  public static Verdict verify(String secret, byte[] body, String header, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return Verdict.MALFORMED;
    }
    Long timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      String item = part.trim();
      if (item.startsWith("t=") && timestamp == null) {
        timestamp = parseSeconds(item.substring(2));
      } else if (item.startsWith("v1=")) {
        signatures.add(item.substring(3));
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return Verdict.MALFORMED;
    }
    byte[] expected = hmacHex(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    boolean matches = false;
    for (String candidate : signatures) {
      matches |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
    }
    if (!matches) {
      return Verdict.BAD_SIGNATURE;
    }
    return Math.abs(nowSeconds - timestamp) > toleranceSeconds ? Verdict.STALE : Verdict.VALID;
  }

  private static String hmacHex(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static Long parseSeconds(String value) {
    if (!value.matches("\\d{1,12}")) {
      return null;
    }
    return Long.parseLong(value);
  }
}
