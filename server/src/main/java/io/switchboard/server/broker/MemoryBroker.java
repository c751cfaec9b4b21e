package io.switchboard.server.broker;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.history.MemoryHistoryStore;
import io.switchboard.server.history.StreamKey;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The single-node broker: hands every publication straight back to this node's sink. The
 * stream's lock makes "take the next offset, keep it in history, hand it over" one step, so
 * concurrent publishers to a stream are delivered in offset order.
 */
public final class MemoryBroker implements Broker {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final MemoryHistoryStore streams;
    private final IdempotencyKeys published;
    private volatile BrokerSink sink;

    /** A broker keeping its streams in {@code streams}, which also answers history reads. */
    public MemoryBroker(MemoryHistoryStore streams) {
        this(streams, IDEMPOTENCY_WINDOW, System::nanoTime);
    }

    /** Like {@link #MemoryBroker(MemoryHistoryStore)}, keys remembered for {@code window} by {@code clock} (ns). */
    public MemoryBroker(MemoryHistoryStore streams, java.time.Duration window, java.util.function.LongSupplier clock) {
        this.streams = streams;
        this.published = new IdempotencyKeys(window, clock);
    }

    @Override
    public void start(BrokerSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public CompletionStage<StreamPosition> publish(StreamKey stream, FrameTemplate frame, HistoryOptions history,
                                                   String idempotencyKey) {
        if (idempotencyKey == null) {
            return CompletableFuture.completedFuture(append(stream, frame, history));
        }
        return CompletableFuture.completedFuture(published.once(stream, idempotencyKey,
                () -> append(stream, frame, history)));
    }

    private StreamPosition append(StreamKey stream, FrameTemplate frame, HistoryOptions history) {
        return streams.append(stream, frame, history, finished -> deliver(stream, finished));
    }

    @Override
    public CompletionStage<Void> publishEvent(String room, byte[] frame) {
        streams.inOrder(StreamKey.room(room), () -> sink.deliverToRoom(room, frame));
        return DONE;
    }

    /** One node: there is no other to ask. */
    @Override
    public CompletionStage<byte[]> requestNode(String node, byte[] request) {
        return CompletableFuture.failedFuture(new FrameException(ErrorCode.NOT_FOUND, "no node " + node));
    }

    @Override
    public void answerNodeRequests(Function<byte[], CompletionStage<byte[]>> answerer) {
        // Nothing ever asks.
    }

    @Override
    public CompletionStage<Void> disconnectUser(String user) {
        sink.disconnectUser(user);
        return DONE;
    }

    @Override
    public CompletionStage<StreamPosition> position(StreamKey stream) {
        return CompletableFuture.completedFuture(streams.position(stream));
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
        // Nothing to release: the streams go with the process.
    }

    private void deliver(StreamKey stream, byte[] frame) {
        if (stream.isRoom()) {
            sink.deliverToRoom(stream.name(), frame);
        } else {
            sink.deliverToUser(stream.name(), frame);
        }
    }
}
