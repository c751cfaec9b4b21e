package io.switchboard.server.broker;

import io.switchboard.protocol.MessageFrameTemplate;
import io.switchboard.protocol.StreamPosition;
import java.util.concurrent.CompletionStage;

/**
 * Moves publications between nodes. Publishing goes to the broker only: a node delivers to its
 * own clients only what the broker hands back through {@link BrokerSink}, so every node sees each
 * publication once and every node sees a room's publications in the same order.
 */
public interface Broker extends AutoCloseable {
    /** Starts handing publications to {@code sink}; called once, before anything is published. */
    void start(BrokerSink sink);

    /**
     * Publishes a room message: assigns the room's next offset, finishes the frame with it and
     * hands it to every node, as one step, so that offsets rise in the order nodes deliver.
     */
    CompletionStage<StreamPosition> publishMessage(String room, MessageFrameTemplate frame);

    /** Publishes a frame without an offset (join, leave, presence) in the room's order. */
    CompletionStage<Void> publishEvent(String room, byte[] frame);

    /** Publishes a frame to every connection of {@code user}, on every node. */
    CompletionStage<Void> publishToUser(String user, byte[] frame);

    /** The room's newest offset and its epoch. */
    CompletionStage<StreamPosition> position(String room);

    @Override
    void close();
}
