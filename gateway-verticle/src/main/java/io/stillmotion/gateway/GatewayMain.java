package io.stillmotion.gateway;

import io.stillmotion.telemetry.ServiceLauncher;

/** The gateway jar's entry point: config check, Vert.x with metrics, one {@link GatewayVerticle}. */
public final class GatewayMain {

  private GatewayMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("gateway", (vertx, config) -> vertx.deployVerticle(new GatewayVerticle(config)));
  }
}
