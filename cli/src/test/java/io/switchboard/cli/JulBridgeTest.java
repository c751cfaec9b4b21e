package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** What libraries log through java.util.logging (gRPC does) reaches Logback, in its format. */
class JulBridgeTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("io.grpc.bridge.test");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @AfterEach
    void uninstall() {
        logger.detachAppender(appender);
        SLF4JBridgeHandler.uninstall();
    }

    @Test
    void javaUtilLoggingRecordsReachLogbackWithTheirLevels() {
        Main.bridgeJavaUtilLogging();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);

        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.grpc.bridge.test");
        jul.warning("a warning from JUL");
        jul.info("some information from JUL");
        jul.fine("a detail below the level");

        assertThat(appender.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Level.WARN, "a warning from JUL"),
                        org.assertj.core.groups.Tuple.tuple(Level.INFO, "some information from JUL"));
    }
}
