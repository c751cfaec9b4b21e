package io.switchboard.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.server.testing.RecordingConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final RecordingConnection connection =
            new RecordingConnection(loop.eventLoop(), new RecordingConnection.CountingEncoding());
    private final ScriptedHandler handler = new ScriptedHandler();
    private final Session sut = new Session("s1", "alice", connection, handler, 4);

    @BeforeEach
    void start() {
        sut.start();
    }

    @AfterEach
    void closeLoop() {
        loop.finishAndReleaseAll();
    }

    @Test
    void repliesLeaveInArrivalOrderEvenWhenAnEarlierCommandCompletesLater() {
        CompletableFuture<Reply> slow = new CompletableFuture<>();
        handler.results.put("slow", slow);
        sut.receive(frame("{\"type\":\"join_room\",\"id\":1,\"room\":\"slow\"}"));
        sut.receive(frame("{\"type\":\"join_room\",\"id\":2,\"room\":\"fast\"}"));
        sut.receive(frame("{oops"));
        sut.receive(frame("{\"type\":\"ping\",\"id\":3}"));
        assertThat(connection.written()).isEmpty();
        assertThat(handler.served).containsExactly("slow");

        slow.complete(Reply.ack(JsonNodeFactory.instance.objectNode().put("room", "slow")));
        loop.runPendingTasks();

        assertThat(handler.served).containsExactly("slow", "fast", "ping");
        assertThat(connection.flushed()).containsExactly(
                "{\"type\":\"ack\",\"id\":1,\"room\":\"slow\"}",
                "{\"type\":\"ack\",\"id\":2,\"room\":\"fast\"}",
                "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"malformed JSON: Unexpected character ('o' (code 111)): was expecting double-quote to start field name\"}",
                "{\"type\":\"pong\",\"id\":3}");
    }

    @Test
    void publicationsWaitForTheBrokerTogetherAndAreAnsweredInOrder() {
        CompletableFuture<Reply> first = new CompletableFuture<>();
        CompletableFuture<Reply> second = new CompletableFuture<>();
        handler.results.put("publish 1", first);
        handler.results.put("publish 2", second);
        sut.receive(frame("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":1}"));
        sut.receive(frame("{\"type\":\"room_message\",\"id\":2,\"room\":\"r\",\"content\":2}"));
        sut.receive(frame("{\"type\":\"room_message\",\"id\":3,\"room\":\"r\",\"content\":3}"));
        // All three were handed over without waiting for one another.
        assertThat(handler.served).containsExactly("publish 1", "publish 2", "publish 3");

        second.complete(Reply.ack(JsonNodeFactory.instance.objectNode().put("offset", 2)));
        loop.runPendingTasks();
        assertThat(connection.written()).as("the first is not answered yet").isEmpty();

        first.complete(Reply.ack(JsonNodeFactory.instance.objectNode().put("offset", 1)));
        loop.runPendingTasks();
        assertThat(connection.flushed()).containsExactly("{\"type\":\"ack\",\"id\":1,\"offset\":1}",
                "{\"type\":\"ack\",\"id\":2,\"offset\":2}", "{\"type\":\"ack\",\"id\":3,\"room\":\"publish 3\"}");
    }

    @Test
    void aCommandCompletedByAnotherThreadWhileTheSessionHandsItOverIsStillAnswered() {
        // The broker's thread completes the publication just after the session first looked
        // whether it was done: the session must still learn of it and answer.
        handler.results.put("publish 1", new CompletesWhenFirstAsked(Reply.ack(JsonNodeFactory.instance.objectNode().put("offset", 1))));
        sut.receive(frame("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":1}"));
        loop.runPendingTasks();
        assertThat(connection.flushed()).containsExactly("{\"type\":\"ack\",\"id\":1,\"offset\":1}");

        sut.receive(frame("{\"type\":\"ping\",\"id\":2}"));
        loop.runPendingTasks();
        assertThat(connection.flushed()).endsWith("{\"type\":\"pong\",\"id\":2}");
    }

    @Test
    void aCommandOtherThanAPublicationWaitsForThePublicationsBeforeItAndHoldsBackThoseAfter() {
        CompletableFuture<Reply> publication = new CompletableFuture<>();
        CompletableFuture<Reply> join = new CompletableFuture<>();
        handler.results.put("publish 1", publication);
        handler.results.put("lobby", join);
        sut.receive(frame("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":1}"));
        sut.receive(frame("{\"type\":\"join_room\",\"id\":2,\"room\":\"lobby\"}"));
        sut.receive(frame("{\"type\":\"room_message\",\"id\":3,\"room\":\"lobby\",\"content\":3}"));
        assertThat(handler.served).containsExactly("publish 1");

        publication.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(handler.served).containsExactly("publish 1", "lobby");

        join.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(handler.served).containsExactly("publish 1", "lobby", "publish 3");
    }

    @Test
    void aSessionThatEndsWithPublicationsInFlightIsForgottenOnceWhenTheLastCompletes() {
        CompletableFuture<Reply> first = new CompletableFuture<>();
        CompletableFuture<Reply> second = new CompletableFuture<>();
        handler.results.put("publish 1", first);
        handler.results.put("publish 2", second);
        sut.receive(frame("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":1}"));
        sut.receive(frame("{\"type\":\"room_message\",\"id\":2,\"room\":\"r\",\"content\":2}"));
        sut.end();
        second.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(handler.closed).isZero();
        first.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(handler.closed).isEqualTo(1);
        assertThat(connection.written()).isEmpty();
    }

    @Test
    void commandsThatArriveBeforeTheSessionStartsWaitForIt() {
        Session fresh = new Session("s2", "bob", connection, handler, 4);
        fresh.receive(frame("{\"type\":\"ping\",\"id\":1}"));
        assertThat(handler.served).isEmpty();
        fresh.send(frame("{\"type\":\"connected\"}"));
        fresh.start();
        assertThat(connection.flushed()).containsExactly("{\"type\":\"connected\"}", "{\"type\":\"pong\",\"id\":1}");
    }

    @Test
    void aSessionThatEndsWithACommandInFlightIsForgottenWhenTheCommandCompletes() {
        CompletableFuture<Reply> slow = new CompletableFuture<>();
        handler.results.put("slow", slow);
        sut.receive(frame("{\"type\":\"join_room\",\"id\":1,\"room\":\"slow\"}"));
        sut.end();
        assertThat(handler.closed).isZero();
        slow.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(handler.closed).isEqualTo(1);
        assertThat(connection.written()).isEmpty();
    }

    @Test
    void aJoiningRoomHoldsLiveFramesThenSendsReplayAndOnlyNewerOnesWhileTheGateLasts() {
        sut.holdRoom("r");
        assertThat(sut.isGated("r")).isTrue();
        for (long offset : new long[] {3, 4, 5, 6}) {
            sut.admit("r", message(offset));
        }
        sut.admit("r", "{\"type\":\"join\",\"room\":\"r\",\"user_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(connection.written()).isEmpty();

        sut.releaseRoom("r", List.of(message(2), message(3), message(4)), 4);
        assertThat(connection.flushed()).extracting(SessionTest::offset).containsExactly(2L, 3L, 4L, 5L, 6L, -1L);
        assertThat(sut.isGated("r")).as("a newer message passed: the gate is done").isFalse();
    }

    @Test
    void afterAJoinFramesAlreadyCoveredByItAreDroppedUntilANewerOnePasses() {
        sut.holdRoom("r");
        sut.releaseRoom("r", List.of(), 10);
        assertThat(sut.isGated("r")).isTrue();
        sut.admit("r", message(9));
        sut.admit("r", message(10));
        sut.admit("r", message(11));
        assertThat(sut.isGated("r")).isFalse();
        assertThat(connection.flushed()).extracting(SessionTest::offset).containsExactly(11L);
    }

    private static byte[] message(long offset) {
        return io.switchboard.protocol.FrameTemplate.message("r", "a", "1", 0).withOffset(offset);
    }

    private static long offset(String frame) {
        return io.switchboard.protocol.FrameTemplate.offsetOf(frame.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFailedCommandIsAnsweredWithItsErrorAndAnUnexpectedFailureWithInternal() {
        handler.results.put("no", CompletableFuture.failedFuture(new FrameException(ErrorCode.FORBIDDEN, "not you")));
        handler.results.put("boom", CompletableFuture.failedFuture(new IllegalStateException("bug")));
        sut.receive(frame("{\"type\":\"join_room\",\"id\":\"a\",\"room\":\"no\"}"));
        sut.receive(frame("{\"type\":\"join_room\",\"id\":\"b\",\"room\":\"boom\"}"));
        sut.receive(frame("{\"type\":\"join_room\",\"room\":\"no\"}"));

        assertThat(connection.flushed()).containsExactly(
                "{\"type\":\"error\",\"id\":\"a\",\"code\":\"forbidden\",\"message\":\"not you\"}",
                "{\"type\":\"error\",\"id\":\"b\",\"code\":\"internal\",\"message\":\"internal error\"}",
                "{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"not you\"}");
    }

    @Test
    void stopsReadingWhenTooManyCommandsWaitAndResumesOnceHalfAreServed() {
        CompletableFuture<Reply> slow = new CompletableFuture<>();
        handler.results.put("slow", slow);
        sut.receive(frame("{\"type\":\"join_room\",\"id\":0,\"room\":\"slow\"}"));
        for (int i = 1; i <= 5; i++) {
            sut.receive(frame("{\"type\":\"ping\",\"id\":" + i + "}"));
        }
        assertThat(connection.readingPaused()).isTrue();

        slow.complete(Reply.ack(null));
        loop.runPendingTasks();
        assertThat(connection.readingPaused()).isFalse();
        assertThat(connection.flushed()).hasSize(6);
    }

    @Test
    void aSessionOverItsOutboundBoundIsClosedAsASlowConsumerAndEndsOnce() {
        sut.push(Unpooled.copiedBuffer("{\"n\":1}", StandardCharsets.UTF_8), true);
        connection.overLimit(true);
        sut.push(Unpooled.copiedBuffer("{\"n\":2}", StandardCharsets.UTF_8), true);

        assertThat(connection.closeCode()).isEqualTo(4008);
        assertThat(connection.written()).last()
                .isEqualTo("{\"type\":\"disconnect\",\"code\":4008,\"reason\":\"slow consumer\",\"reconnect\":true}");
        assertThat(sut.isOpen()).isFalse();
        sut.push(Unpooled.copiedBuffer("{\"n\":3}", StandardCharsets.UTF_8), true);
        assertThat(connection.written()).noneMatch(w -> w.contains("\"n\":3"));

        loop.runPendingTasks();
        sut.end();
        assertThat(handler.closed).isEqualTo(1);
    }

    private static byte[] frame(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A future that is not done when first asked, and completes itself right after the answer. */
    private static final class CompletesWhenFirstAsked extends CompletableFuture<Reply> {
        private final Reply reply;
        private boolean asked;

        CompletesWhenFirstAsked(Reply reply) {
            this.reply = reply;
        }

        @Override
        public boolean isDone() {
            if (asked) {
                return super.isDone();
            }
            asked = true;
            complete(reply);
            return false;
        }
    }

    /** Answers each command with the result scripted for its room, or at once. */
    private static final class ScriptedHandler implements CommandHandler {
        final Map<String, CompletableFuture<Reply>> results = new HashMap<>();
        final List<String> served = new ArrayList<>();
        int closed;

        @Override
        public CompletionStage<Reply> handle(Session session, Command command) {
            if (command instanceof Command.Ping) {
                served.add("ping");
                return CompletableFuture.completedFuture(Reply.pong());
            }
            String room = command instanceof Command.RoomMessage message ? "publish " + message.content()
                    : ((Command.JoinRoom) command).room();
            served.add(room);
            return results.getOrDefault(room,
                    CompletableFuture.completedFuture(Reply.ack(JsonNodeFactory.instance.objectNode().put("room", room))));
        }

        @Override
        public void closed(Session session) {
            closed++;
        }
    }
}
