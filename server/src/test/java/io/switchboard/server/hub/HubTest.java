package io.switchboard.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.protocol.Command;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import io.switchboard.server.testing.RecordingConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubTest {
    /** Two loops, as a node with two cores has. */
    private final EmbeddedChannel loopA = new EmbeddedChannel();
    private final EmbeddedChannel loopB = new EmbeddedChannel();
    private final RecordingConnection.CountingEncoding encoding = new RecordingConnection.CountingEncoding();
    private final Hub sut = new Hub(List.of(loopA.eventLoop(), loopB.eventLoop()), ByteBufAllocator.DEFAULT);

    @AfterEach
    void closeLoops() {
        loopA.finishAndReleaseAll();
        loopB.finishAndReleaseAll();
    }

    @Test
    void deliversARoomFrameOnceToEveryLocalMemberEncodingItOnce() {
        Member a1 = member(loopA, "alice");
        Member a2 = member(loopA, "alice");
        Member b1 = member(loopB, "bob");
        Member outsider = member(loopB, "carol");
        for (Member m : List.of(a1, a2, b1)) {
            sut.addMember("lobby", m.session);
        }

        sut.deliverToRoom("lobby", bytes("{\"n\":1}"));
        runLoops();

        for (Member m : List.of(a1, a2, b1)) {
            assertThat(m.connection.flushed()).containsExactly("{\"n\":1}");
        }
        assertThat(outsider.connection.written()).isEmpty();
        assertThat(encoding.encodes()).as("one encoding shared by both loops").isEqualTo(1);
    }

    @Test
    void writesABatchOfFramesInOrderAndFlushesEachSessionOnce() {
        Member a = member(loopA, "alice");
        Member b = member(loopA, "bob");
        sut.addMember("room", a.session);
        sut.addMember("room", b.session);

        for (int i = 0; i < 10; i++) {
            sut.deliverToRoom("room", bytes("{\"n\":" + i + "}"));
        }
        runLoops();

        for (Member m : List.of(a, b)) {
            assertThat(m.connection.flushed()).hasSize(10).first().isEqualTo("{\"n\":0}");
            assertThat(m.connection.flushed()).last().isEqualTo("{\"n\":9}");
            assertThat(m.connection.flushes()).isEqualTo(1);
        }
    }

    @Test
    void deliversAUserFrameToEveryLocalConnectionOfTheUser() {
        Member a1 = member(loopA, "alice");
        Member a2 = member(loopB, "alice");
        Member bob = member(loopA, "bob");

        sut.deliverToUser("alice", bytes("{\"dm\":true}"));
        runLoops();

        assertThat(a1.connection.flushed()).containsExactly("{\"dm\":true}");
        assertThat(a2.connection.flushed()).containsExactly("{\"dm\":true}");
        assertThat(bob.connection.written()).isEmpty();
    }

    @Test
    void aRemovedMemberGetsNothingMoreAndEmptyRoomsAreForgotten() {
        Member a = member(loopA, "alice");
        sut.addMember("room", a.session);
        sut.removeMember("room", a.session);
        sut.deliverToRoom("room", bytes("{}"));
        runLoops();

        assertThat(a.connection.written()).isEmpty();
        assertThat(stats()).isEqualTo(new HubStats(1, 1, 0));
        sut.unregister(a.session);
        assertThat(stats()).isEqualTo(new HubStats(0, 0, 0));
    }

    @Test
    void countsDistinctUsersAndRoomsAcrossLoops() {
        Member a1 = member(loopA, "alice");
        Member a2 = member(loopB, "alice");
        sut.addMember("x", a1.session);
        sut.addMember("x", a2.session);
        sut.addMember("y", a2.session);
        assertThat(stats()).isEqualTo(new HubStats(2, 1, 2));
    }

    private HubStats stats() {
        var future = sut.stats();
        runLoops();
        return future.join();
    }

    private void runLoops() {
        loopA.runPendingTasks();
        loopB.runPendingTasks();
    }

    private Member member(EmbeddedChannel loop, String user) {
        RecordingConnection connection = new RecordingConnection(loop.eventLoop(), encoding);
        Session session = new Session(user + "-" + System.nanoTime(), user, connection, NO_COMMANDS, 16);
        sut.register(session);
        return new Member(session, connection);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private record Member(Session session, RecordingConnection connection) {
    }

    private static final CommandHandler NO_COMMANDS = new CommandHandler() {
        @Override
        public CompletionStage<Reply> handle(Session session, Command command) {
            throw new AssertionError("no commands in hub tests");
        }

        @Override
        public void closed(Session session) {
            // Hub tests end sessions by unregistering them directly.
        }
    };
}
