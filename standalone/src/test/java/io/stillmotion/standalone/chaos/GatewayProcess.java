package io.stillmotion.standalone.chaos;

import io.stillmotion.gateway.GatewayVerticle;
import io.stillmotion.model.StillmotionConfig;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/** A gateway in its own JVM, configured from the environment, for fault tests. Prints READY and its port. */
public final class GatewayProcess {

  private GatewayProcess() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("vertx.disableFileCPResolving", "true");
    GatewayVerticle gateway = new GatewayVerticle(StillmotionConfig.fromEnv());
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(gateway).await(60, TimeUnit.SECONDS);
    System.out.println("READY " + gateway.actualPort());
  }
}
