package io.stillmotion.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class OutageLogTest {

  @Test
  @DisplayName("a job failing every period logs one WARN, then one INFO when it works again; the next outage logs again")
  void oneWarnPerOutage() {
    Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
    logger.setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    OutageLog outage = new OutageLog(logger, "outbox sweep (every 5000 ms)");

    outage.record(Future.succeededFuture());
    for (int i = 0; i < 5; i++) {
      outage.record(Future.failedFuture(new IllegalStateException("Timed out while waiting for a server")));
    }
    outage.record(Future.succeededFuture());
    outage.record(Future.succeededFuture());
    outage.failed(new IllegalStateException("connection refused"));

    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "outbox sweep (every 5000 ms) failed: Timed out while waiting for a server (tried again every period; "
                + "logged again once it works)",
            "outbox sweep (every 5000 ms) failed: connection refused (tried again every period; logged again once it works)");
    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.INFO).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("outbox sweep (every 5000 ms) works again");
    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(4);
  }
}
