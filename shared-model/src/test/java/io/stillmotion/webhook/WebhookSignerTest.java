package io.stillmotion.webhook;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignerTest {

  @Test
  @DisplayName("the signature is sha256= and the hex HMAC-SHA256 of the body (RFC 4231 test case 2)")
  void knownVector() {
    byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    assertThat(WebhookSigner.sign("Jefe", body))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  @DisplayName("verification accepts the right signature only")
  void verify() {
    byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSigner.sign("s3cret", body);
    assertThat(WebhookSigner.verify("s3cret", body, header)).isTrue();
    assertThat(WebhookSigner.verify("other", body, header)).isFalse();
    assertThat(WebhookSigner.verify("s3cret", "{\"id\":\"y\"}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
    assertThat(WebhookSigner.verify("s3cret", body, null)).isFalse();
  }
}
