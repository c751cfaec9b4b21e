package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.Events;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeepAliveIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.pingInterval(Duration.ofMillis(200)).idleTimeout(Duration.ofMillis(1000)));

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeoutWhileOneAnsweringPingsStays() {
        long start = System.nanoTime();
        TestClient silent = node.connect("silent", b -> b.autoPong(false));
        TestClient answering = node.connect("answering");

        Events.Closed closed = silent.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("idle timeout");
        assertThat(silent.recorder().disconnects()).containsExactly(new Events.Disconnect(1001, "idle timeout", true));
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);

        // The answering client sent nothing but pongs for longer than the idle timeout.
        assertThat(answering.client().isOpen()).isTrue();
        answering.client().ping().orTimeout(5, TimeUnit.SECONDS).join();
    }
}
