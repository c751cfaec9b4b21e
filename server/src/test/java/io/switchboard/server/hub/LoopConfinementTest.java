package io.switchboard.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.switchboard.protocol.Command;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import io.switchboard.server.testing.RecordingConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session, and the hub's index of a loop's sessions, belong to one event loop (as the
 * architecture says): touched from any other thread, they fail at once while assertions are
 * on, as they are in every test run.
 */
class LoopConfinementTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Hub hub = new Hub(List.of(loop), ByteBufAllocator.DEFAULT);
    private final RecordingConnection connection =
            new RecordingConnection(loop, new RecordingConnection.CountingEncoding());
    private final Session session = new Session("s1", "alice", connection, NO_COMMANDS, 4);

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aSessionTouchedOffItsLoopFails() throws Exception {
        assertThat(Session.class.desiredAssertionStatus()).as("assertions on in tests").isTrue();
        byte[] frame = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> session.send(frame))
                .isInstanceOf(AssertionError.class).hasMessageContaining("touched from " + Thread.currentThread().getName());
        assertThatThrownBy(() -> session.receive(frame)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> session.close(1000, "bye", false)).isInstanceOf(AssertionError.class);

        loop.submit(() -> session.send(frame)).get(5, TimeUnit.SECONDS);
        assertThat(connection.flushed()).containsExactly("{\"type\":\"pong\"}");
    }

    @Test
    void theHubsIndexTouchedOffItsLoopFails() throws Exception {
        assertThatThrownBy(() -> hub.register(session))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the hub's index of");
        assertThatThrownBy(() -> hub.addMember("lobby", session)).isInstanceOf(AssertionError.class);

        loop.submit(() -> {
            hub.register(session);
            hub.addMember("lobby", session);
        }).get(5, TimeUnit.SECONDS);
        assertThat(hub.stats().get(5, TimeUnit.SECONDS)).isEqualTo(new HubStats(1, 1, 1));
    }

    private static final CommandHandler NO_COMMANDS = new CommandHandler() {
        @Override
        public CompletionStage<Reply> handle(Session session, Command command) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(command.type()));
        }

        @Override
        public void closed(Session session) {
            // These sessions never start, so nothing is left to forget.
        }
    };
}
