package io.stillmotion.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who a request comes from, for rate limiting. By default the TCP peer. Behind a reverse proxy
 * ({@code TRUST_PROXY=true}) the LAST entry of {@code X-Forwarded-For}: that is the address our
 * proxy itself saw and appended, while every entry before it was written by the client and can be
 * forged to dodge the limit.
 */
final class ClientAddress {

  private final boolean trustProxy;

  ClientAddress(boolean trustProxy) {
    this.trustProxy = trustProxy;
  }

  String of(HttpServerRequest request) {
    if (trustProxy) {
      String forwarded = request.getHeader("X-Forwarded-For");
      if (forwarded != null && !forwarded.isBlank()) {
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        if (!last.isEmpty() && last.length() <= 64) {
          return last;
        }
      }
    }
    SocketAddress peer = request.remoteAddress();
    return peer == null ? "unknown" : peer.hostAddress();
  }
}
