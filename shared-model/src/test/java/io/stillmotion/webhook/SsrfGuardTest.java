package io.stillmotion.webhook;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.ExecutionException;

import static io.stillmotion.testing.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SsrfGuardTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254",
      "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
      "::ffff:127.0.0.1", "::ffff:10.1.2.3", "64:ff9b::a00:1", "ff02::1"})
  @DisplayName("loopback, private, link-local, CGNAT, multicast, unspecified and ULA addresses are private")
  void privateAddresses(String literal) throws Exception {
    assertThat(SsrfGuard.isPrivate(InetAddress.getByName(literal))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "172.32.0.1"})
  @DisplayName("public addresses are not private")
  void publicAddresses(String literal) throws Exception {
    assertThat(SsrfGuard.isPrivate(InetAddress.getByName(literal))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com", "example.com/hook",
      "http://", "http:///path", "not a url", "", "http://2130706433/", "http://0x7f000001/", "http://999.1.1.1/",
      "http://exa mple.com/", "javascript:alert(1)"})
  @DisplayName("malformed URLs and non-http(s) schemes are refused even when private targets are allowed")
  void malformed(String url) {
    assertThatThrownBy(() -> SsrfGuard.check(url, true)).isInstanceOf(SsrfGuard.UnsafeUrlException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost/hook", "http://LOCALHOST:8080/", "http://api.localhost/",
      "http://127.0.0.1:9000/hook", "http://10.1.2.3/", "https://[::1]/hook", "http://[fd00::5]/",
      "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:8080/"})
  @DisplayName("localhost and literal private addresses are refused unless allowed")
  void literalPrivateTargets(String url) {
    assertThatThrownBy(() -> SsrfGuard.check(url, false)).isInstanceOf(SsrfGuard.UnsafeUrlException.class);
    assertThat(SsrfGuard.check(url, true)).isNotNull();
  }

  @Test
  @DisplayName("ordinary public http(s) URLs pass the creation check")
  void publicUrls() {
    assertThat(SsrfGuard.check("https://hooks.example.com/stillmotion?token=abc", false).getHost())
        .isEqualTo("hooks.example.com");
    assertThat(SsrfGuard.check("http://93.184.216.34:8080/x", false).getPort()).isEqualTo(8080);
  }

  @Test
  @DisplayName("an internationalised host name is accepted and kept as DNS looks it up")
  void internationalisedHost() {
    URI uri = SsrfGuard.check("https://user@bücher.example:8443/höök?q=ä", false);
    assertThat(uri.getHost()).isEqualTo("xn--bcher-kva.example");
    assertThat(uri.getPort()).isEqualTo(8443);
    assertThat(uri.getUserInfo()).isEqualTo("user");
    assertThat(uri.getPath()).isEqualTo("/höök");
  }

  @Test
  @DisplayName("a URL whose host grows past the length limit as DNS writes it is refused")
  void internationalisedHostTooLong() {
    String url = "https://" + String.join(".", java.util.Collections.nCopies(40, "\u00fc".repeat(50))) + "/";
    assertThat(url.length()).isLessThanOrEqualTo(SsrfGuard.MAX_URL_LENGTH);
    assertThatThrownBy(() -> SsrfGuard.check(url, false)).isInstanceOf(SsrfGuard.UnsafeUrlException.class)
        .hasMessageContaining("at most " + SsrfGuard.MAX_URL_LENGTH + " characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://\uFF11\uFF12\uFF17\uFF0E\uFF10\uFF0E\uFF10\uFF0E\uFF11/hook",
      "http://\uFF4C\uFF4F\uFF43\uFF41\uFF4C\uFF48\uFF4F\uFF53\uFF54/"})
  @DisplayName("full-width forms of loopback are refused like the ASCII ones")
  void fullWidthLoopback(String url) {
    assertThatThrownBy(() -> SsrfGuard.check(url, false)).isInstanceOf(SsrfGuard.UnsafeUrlException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://bad host\u00e9.example/", "http://\u00e9\u00e9..example/", "http://-\u00e9.example/"})
  @DisplayName("internationalised host names that are not valid names are refused")
  void invalidInternationalisedHosts(String url) {
    assertThatThrownBy(() -> SsrfGuard.check(url, true)).isInstanceOf(SsrfGuard.UnsafeUrlException.class);
  }

  @Test
  @DisplayName("a host name that resolves to loopback is refused at delivery time, allowed when configured")
  void resolvedLoopback() throws Exception {
    URI uri = SsrfGuard.check("http://localhost:1/hook", true);
    assertThatThrownBy(() -> get(SsrfGuard.resolve(vertx, uri, false)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SsrfGuard.UnsafeUrlException.class);
    InetAddress allowed = get(SsrfGuard.resolve(vertx, uri, true));
    assertThat(allowed.isLoopbackAddress()).isTrue();
  }
}
