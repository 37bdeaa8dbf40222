package io.stillmotion.webhook;

import io.stillmotion.webhook.WebhookSigner.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignerTest {

  private static final String SECRET = "s3cret";
  private static final byte[] BODY = "{\"id\":\"x\",\"status\":\"FINISHED\"}".getBytes(StandardCharsets.UTF_8);
  private static final long T = 1_767_225_600L;
  private static final long TOLERANCE = WebhookSigner.DEFAULT_TOLERANCE_SECONDS;

  @Test
  @DisplayName("the signature is t=<seconds>,v1=<hex HMAC-SHA256 of \"<seconds>.<body>\">")
  void knownVector() {
    // Expected value from Python: hmac.new(b"Jefe", b"1.what do ya want for nothing?", sha256).hexdigest()
    String header = WebhookSigner.sign("Jefe", 1, "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(header).isEqualTo("t=1,v1=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38");
  }

  @Test
  @DisplayName("a fresh signature verifies, within the tolerance either way")
  void freshVerifies() {
    String header = WebhookSigner.sign(SECRET, T, BODY);
    assertThat(WebhookSigner.verify(SECRET, BODY, header, T, TOLERANCE)).isEqualTo(Verdict.VALID);
    assertThat(WebhookSigner.verify(SECRET, BODY, header, T + TOLERANCE, TOLERANCE)).isEqualTo(Verdict.VALID);
    assertThat(WebhookSigner.verify(SECRET, BODY, header, T - TOLERANCE, TOLERANCE)).isEqualTo(Verdict.VALID);
  }

  @Test
  @DisplayName("a captured request replayed later is STALE: its signed time is too old")
  void replayIsStale() {
    String header = WebhookSigner.sign(SECRET, T, BODY);
    assertThat(WebhookSigner.verify(SECRET, BODY, header, T + TOLERANCE + 1, TOLERANCE)).isEqualTo(Verdict.STALE);
    assertThat(WebhookSigner.verify(SECRET, BODY, header, T + 86_400, TOLERANCE)).isEqualTo(Verdict.STALE);
  }

  @Test
  @DisplayName("moving the timestamp forward to pass the tolerance breaks the signature")
  void timestampIsSigned() {
    String header = WebhookSigner.sign(SECRET, T, BODY);
    String forged = header.replace("t=" + T, "t=" + (T + 3_600));
    assertThat(WebhookSigner.verify(SECRET, BODY, forged, T + 3_600, TOLERANCE)).isEqualTo(Verdict.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("another secret or another body is a bad signature; a missing or garbled header is malformed")
  void rejects() {
    String header = WebhookSigner.sign(SECRET, T, BODY);
    assertThat(WebhookSigner.verify("other", BODY, header, T, TOLERANCE)).isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(WebhookSigner.verify(SECRET, "{}".getBytes(StandardCharsets.UTF_8), header, T, TOLERANCE))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(WebhookSigner.verify(SECRET, BODY, null, T, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSigner.verify(SECRET, BODY, "sha256=abc", T, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
    assertThat(WebhookSigner.verify(SECRET, BODY, "t=abc,v1=00", T, TOLERANCE)).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  @DisplayName("any of several v1 values may match, so a receiver can rotate its secret")
  void severalSignatures() {
    String header = WebhookSigner.sign(SECRET, T, BODY);
    String rotated = "t=" + T + ",v1=" + "0".repeat(64) + "," + header.substring(header.indexOf("v1="));
    assertThat(WebhookSigner.verify(SECRET, BODY, rotated, T, TOLERANCE)).isEqualTo(Verdict.VALID);
  }
}
