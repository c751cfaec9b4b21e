package io.switchboard.server.broker;

import io.switchboard.protocol.MessageFrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.config.NodeIds;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The single-node broker: hands every publication straight back to this node's sink. A lock per
 * room makes "take the next offset" and "hand over" one step, so concurrent publishers to a room
 * are delivered in offset order.
 */
public final class MemoryBroker implements Broker {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentMap<String, RoomSequence> rooms = new ConcurrentHashMap<>();
    private volatile BrokerSink sink;

    @Override
    public void start(BrokerSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public CompletionStage<StreamPosition> publishMessage(String room, MessageFrameTemplate frame) {
        RoomSequence sequence = sequence(room);
        synchronized (sequence) {
            long offset = ++sequence.top;
            sink.deliverToRoom(room, frame.withOffset(offset));
            return CompletableFuture.completedFuture(new StreamPosition(offset, sequence.epoch));
        }
    }

    @Override
    public CompletionStage<Void> publishEvent(String room, byte[] frame) {
        RoomSequence sequence = sequence(room);
        synchronized (sequence) {
            sink.deliverToRoom(room, frame);
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> publishToUser(String user, byte[] frame) {
        sink.deliverToUser(user, frame);
        return DONE;
    }

    @Override
    public CompletionStage<StreamPosition> position(String room) {
        RoomSequence sequence = sequence(room);
        synchronized (sequence) {
            return CompletableFuture.completedFuture(new StreamPosition(sequence.top, sequence.epoch));
        }
    }

    /** One node: every publication already reaches it. */
    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        return DONE;
    }

    @Override
    public void unsubscribeRoom(String room) {
        // Nothing was subscribed.
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        return DONE;
    }

    @Override
    public void unsubscribeUser(String user) {
        // Nothing was subscribed.
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void close() {
        rooms.clear();
    }

    private RoomSequence sequence(String room) {
        return rooms.computeIfAbsent(room, r -> new RoomSequence());
    }

    /** A room's offset counter; its epoch names this node's run, as nothing outlives it. */
    private static final class RoomSequence {
        final String epoch = NodeIds.token(8);
        long top;
    }
}
