package io.stillmotion.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps webhooks from being aimed at the service's own network (SSRF): only http(s) URLs, and no
 * loopback, link-local, private, carrier-grade NAT, multicast, unspecified or IPv6 unique-local
 * target unless private targets are explicitly allowed. {@link #check} is the cheap syntactic test
 * done when a task is created; {@link #resolve} is the real test done before every delivery, on the
 * addresses the name resolves to at that moment (the caller then connects to exactly that address,
 * so a DNS answer cannot change between check and use).
 */
public final class SsrfGuard {

  public static final int MAX_URL_LENGTH = 2048;
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9.]+|0x[0-9a-fA-F.x]*");
  /** Scheme, authority and the rest of an http(s) URL, for {@link #asciiHost}. */
  private static final Pattern AUTHORITY = Pattern.compile("(?is)(https?://)([^/?#]*)(.*)");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
      + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");

  private SsrfGuard() {
  }

  /** A URL that is not a valid, allowed webhook target. */
  public static final class UnsafeUrlException extends IllegalArgumentException {
    public UnsafeUrlException(String message) {
      super(message);
    }
  }

  /**
   * Validates a callback URL without any network access.
   *
   * @return the parsed URL
   * @throws UnsafeUrlException when malformed, not http(s), or (unless {@code allowPrivate}) naming
   *                            {@code localhost} or a literal private/loopback address
   */
  public static URI check(String raw, boolean allowPrivate) {
    String ascii = raw == null || raw.length() > MAX_URL_LENGTH ? null : asciiHost(raw.trim());
    if (ascii == null || ascii.isEmpty() || ascii.length() > MAX_URL_LENGTH) {
      throw new UnsafeUrlException("callbackUrl must be an absolute http(s) URL of at most "
          + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(ascii);
    } catch (URISyntaxException e) {
      throw new UnsafeUrlException("callbackUrl is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UnsafeUrlException("callbackUrl must use http or https");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty() || uri.getRawAuthority() == null) {
      throw new UnsafeUrlException("callbackUrl must name a host");
    }
    if (uri.getPort() > 65535) {
      throw new UnsafeUrlException("callbackUrl has an invalid port");
    }
    InetAddress literal = literalAddress(host);
    if (!allowPrivate) {
      String name = host.toLowerCase(Locale.ROOT);
      if (name.equals("localhost") || name.endsWith(".localhost") || name.equals("localhost.")) {
        throw new UnsafeUrlException("callbackUrl must not point at localhost");
      }
      if (literal != null && isPrivate(literal)) {
        throw new UnsafeUrlException("callbackUrl must not point at a private, loopback or link-local address");
      }
    }
    return uri;
  }

  /**
   * Resolves the URL's host (on a worker thread) and returns the address to connect to.
   *
   * @return a failed future with {@link UnsafeUrlException} when any resolved address is refused
   */
  public static Future<InetAddress> resolve(Vertx vertx, URI uri, boolean allowPrivate) {
    return vertx.executeBlocking(() -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(stripBrackets(uri.getHost()));
      } catch (UnknownHostException e) {
        throw new UnknownHostException("cannot resolve " + uri.getHost());
      }
      if (!allowPrivate) {
        for (InetAddress a : addresses) {
          if (isPrivate(a)) {
            throw new UnsafeUrlException(uri.getHost() + " resolves to a private address (" + a.getHostAddress()
                + "); refused");
          }
        }
      }
      return addresses[0];
    }, false);
  }

  /** Whether a webhook must not be delivered to this address (when private targets are not allowed). */
  public static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()
        || a.isAnyLocalAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xFF;
      int second = b[1] & 0xFF;
      return first == 0                                   // "this network"
          || first == 100 && second >= 64 && second < 128 // carrier-grade NAT 100.64/10
          || first == 192 && second == 0 && (b[2] & 0xFF) == 0 // IETF protocol assignments
          || first == 198 && (second == 18 || second == 19)    // benchmarking
          || first >= 240;                                // reserved and broadcast
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xFE) == 0xFC) {                        // unique local fc00::/7
        return true;
      }
      if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0xC0) { // deprecated site-local fec0::/10
        return true;
      }
      if (embedsIpv4(b, 0x00) || isNat64(b)) {          // ::a.b.c.d and 64:ff9b::a.b.c.d
        try {
          return isPrivate(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean embedsIpv4(byte[] b, int fill) {
    for (int i = 0; i < 12; i++) {
      if ((b[i] & 0xFF) != fill) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNat64(byte[] b) {
    if ((b[0] & 0xFF) != 0x00 || (b[1] & 0xFF) != 0x64 || (b[2] & 0xFF) != 0xFF || (b[3] & 0xFF) != 0x9B) {
      return false;
    }
    for (int i = 4; i < 12; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The address a host literal names, null for a host name; refuses odd numeric forms like 2130706433. */
  private static InetAddress literalAddress(String host) {
    try {
      if (host.startsWith("[")) {
        return InetAddress.getByName(stripBrackets(host));
      }
      if (DOTTED_QUAD.matcher(host).matches()) {
        for (String part : host.split("\\.")) {
          if (Integer.parseInt(part) > 255) {
            throw new UnsafeUrlException("callbackUrl has an invalid IPv4 address");
          }
        }
        return InetAddress.getByName(host);
      }
    } catch (UnknownHostException e) {
      throw new UnsafeUrlException("callbackUrl has an invalid IP address");
    }
    if (NUMERIC_HOST.matcher(host).matches() || !HOST_NAME.matcher(host).matches()) {
      throw new UnsafeUrlException("callbackUrl has an invalid host name");
    }
    return null;
  }

  /**
   * The URL with an internationalised host name written as DNS looks it up ({@code bücher.example} →
   * {@code xn--bcher-kva.example}), which {@link URI} needs to see a host at all. The host's other
   * Unicode forms are folded on the way (full-width digits and dots become ASCII), so the checks
   * that follow see the address a resolver would. Anything else is left as written.
   */
  private static String asciiHost(String url) {
    if (url.chars().allMatch(c -> c < 128)) {
      return url;
    }
    Matcher m = AUTHORITY.matcher(url);
    if (!m.matches()) {
      return url;
    }
    String authority = m.group(2);
    int at = authority.lastIndexOf('@');
    String hostAndPort = authority.substring(at + 1);
    if (hostAndPort.startsWith("[")) {
      return url;
    }
    int colon = hostAndPort.lastIndexOf(':');
    String host = colon >= 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    try {
      return m.group(1) + authority.substring(0, at + 1) + IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES)
          + (colon >= 0 ? hostAndPort.substring(colon) : "") + m.group(3);
    } catch (IllegalArgumentException e) {
      throw new UnsafeUrlException("callbackUrl has an invalid host name");
    }
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
