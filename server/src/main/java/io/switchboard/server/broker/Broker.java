package io.switchboard.server.broker;

import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.history.StreamKey;
import java.util.concurrent.CompletionStage;

/**
 * Moves publications between nodes. Publishing goes to the broker only: a node delivers to its
 * own clients only what the broker hands back through {@link BrokerSink}, so every node sees each
 * publication once and every node sees a room's publications in the same order.
 */
public interface Broker extends AutoCloseable {
    /** How long a publication's idempotency key is remembered in its stream. */
    java.time.Duration IDEMPOTENCY_WINDOW = java.time.Duration.ofMinutes(5);

    /** Starts handing publications to {@code sink}; called once, before anything is published. */
    void start(BrokerSink sink);

    /**
     * Publishes a room message or a direct message: assigns the stream's next offset, finishes
     * the frame with it, keeps it in the stream's history as {@code history} says, and hands it
     * to every node, as one step, so that offsets rise in the order nodes deliver.
     */
    default CompletionStage<StreamPosition> publish(StreamKey stream, FrameTemplate frame, HistoryOptions history) {
        return publish(stream, frame, history, null);
    }

    /**
     * Like {@link #publish(StreamKey, FrameTemplate, HistoryOptions)}, at most once per
     * {@code idempotencyKey} ({@code null}: no key) in the stream within
     * {@link #IDEMPOTENCY_WINDOW}: a publication whose key was used there already is not made
     * again, and completes with the position of the one that was.
     */
    CompletionStage<StreamPosition> publish(StreamKey stream, FrameTemplate frame, HistoryOptions history,
                                            String idempotencyKey);

    /** Publishes a frame without an offset (join, leave, presence) in the room's order. */
    CompletionStage<Void> publishEvent(String room, byte[] frame);

    /**
     * Sends {@code request} to node {@code node} and completes with its answer; fails with
     * {@code not_found} when there is no such node (or no other node at all) to answer.
     */
    CompletionStage<byte[]> requestNode(String node, byte[] request);

    /** Sets what answers the requests other nodes send this one; called once, before any arrive. */
    void answerNodeRequests(java.util.function.Function<byte[], CompletionStage<byte[]>> answerer);

    /** Closes every connection of {@code user} on every node. */
    CompletionStage<Void> disconnectUser(String user);

    /** The stream's newest offset and its epoch. */
    CompletionStage<StreamPosition> position(StreamKey stream);

    /**
     * Asks for the room's publications to reach this node, once per local member that joins;
     * completes when they will. Each call is undone by one {@link #unsubscribeRoom}.
     */
    CompletionStage<Void> subscribeRoom(String room);

    /** Undoes one {@link #subscribeRoom}; the last one lets the node stop receiving the room. */
    void unsubscribeRoom(String room);

    /** Like {@link #subscribeRoom}, for the frames to one user, once per local connection of theirs. */
    CompletionStage<Void> subscribeUser(String user);

    /** Undoes one {@link #subscribeUser}. */
    void unsubscribeUser(String user);

    /** Whether the broker can move publications now (readiness). */
    boolean isHealthy();

    @Override
    void close();
}
