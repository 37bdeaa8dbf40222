package io.stillmotion.gateway;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.net.URI;
import java.util.List;

/**
 * Refuses task creation from other web sites' pages. A multipart form is a "simple" request: any
 * page a user visits may POST one to a local or intranet service without a CORS preflight, and
 * only the answer is hidden from it. Browsers say where such a request comes from: with
 * {@code Sec-Fetch-Site} (set by the browser, untouched by proxies) only {@code same-origin} and
 * {@code none} pass, and with only {@code Origin} (older browsers) its host must be the one the
 * request was sent to. Origins listed in {@code CORS_ORIGINS} always pass, and clients that are
 * not browsers (no {@code Origin}, no {@code Sec-Fetch-Site}) are not concerned. Runs before the
 * body handler: a refused upload is never read.
 */
final class CrossSiteGuard implements PlatformHandler {

  private final List<String> allowedOrigins;

  CrossSiteGuard(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (allowed(ctx.request().getHeader("Sec-Fetch-Site"), ctx.request().getHeader("Origin"),
        ctx.request().getHeader("Host"))) {
      ctx.next();
      return;
    }
    ctx.fail(new ApiException(403, "cross_site_request", "Tasks cannot be created from another web site's page. "
        + "To call this API from your own site, add its origin to CORS_ORIGINS."));
  }

  private boolean allowed(String fetchSite, String origin, String host) {
    if (origin != null && allowedOrigins.contains(origin)) {
      return true;
    }
    if (fetchSite != null) {
      return fetchSite.equalsIgnoreCase("same-origin") || fetchSite.equalsIgnoreCase("none");
    }
    return origin == null || sameHost(origin, host);
  }

  private static boolean sameHost(String origin, String host) {
    try {
      URI uri = new URI(origin);
      String authority = uri.getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
