package io.switchboard.server.history;

import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.ids.NodeIds;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Streams of a single node, in memory: each stream's offset counter, its epoch (one per stream
 * per node run: nothing outlives the process) and its newest publications, kept for the TTL
 * after the last one. The memory broker appends under the stream's lock, so offsets, history
 * and delivery order agree.
 */
public final class MemoryHistoryStore implements HistoryStore {
    private final ConcurrentMap<StreamKey, Stream> streams = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public MemoryHistoryStore() {
        this(System::nanoTime);
    }

    /** A store reading time from {@code nanoClock} (for tests of expiry). */
    public MemoryHistoryStore(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Gives the frame the stream's next offset, keeps it as {@code options} say, and hands the
     * finished frame to {@code deliver}, all under the stream's lock.
     */
    public StreamPosition append(StreamKey key, FrameTemplate template, HistoryOptions options,
                                 Consumer<byte[]> deliver) {
        Stream stream = stream(key);
        synchronized (stream) {
            long offset = ++stream.top;
            byte[] frame = template.withOffset(offset);
            stream.keep(new Publication(offset, frame), options, nanoClock.getAsLong());
            deliver.accept(frame);
            return new StreamPosition(offset, stream.epoch);
        }
    }

    /** Runs {@code task} under the stream's lock, in order with its publications. */
    public void inOrder(StreamKey key, Runnable task) {
        Stream stream = stream(key);
        synchronized (stream) {
            task.run();
        }
    }

    /** The stream's newest offset and its epoch. */
    public StreamPosition position(StreamKey key) {
        Stream stream = stream(key);
        synchronized (stream) {
            return new StreamPosition(stream.top, stream.epoch);
        }
    }

    @Override
    public CompletionStage<HistoryPage> read(StreamKey key, long after, int limit, boolean newestFirst) {
        Stream stream = stream(key);
        synchronized (stream) {
            stream.expire(nanoClock.getAsLong());
            List<Publication> out = new ArrayList<>();
            Iterator<Publication> kept = newestFirst ? stream.kept.descendingIterator() : stream.kept.iterator();
            while (kept.hasNext() && (limit <= 0 || out.size() < limit)) {
                Publication publication = kept.next();
                if (publication.offset() > after) {
                    out.add(publication);
                } else if (newestFirst) {
                    break;
                }
            }
            return CompletableFuture.completedFuture(new HistoryPage(out, new StreamPosition(stream.top, stream.epoch)));
        }
    }

    private Stream stream(StreamKey key) {
        return streams.computeIfAbsent(key, k -> new Stream());
    }

    /** One stream's state; guarded by its own monitor. */
    private static final class Stream {
        final String epoch = NodeIds.token(8);
        final ArrayDeque<Publication> kept = new ArrayDeque<>();
        long top;
        long lastPublishNanos;
        long ttlNanos;

        void keep(Publication publication, HistoryOptions options, long now) {
            expire(now);
            if (!options.enabled()) {
                kept.clear();
                return;
            }
            kept.addLast(publication);
            while (kept.size() > options.size()) {
                kept.removeFirst();
            }
            lastPublishNanos = now;
            ttlNanos = options.ttl().toNanos();
        }

        void expire(long now) {
            if (!kept.isEmpty() && now - lastPublishNanos > ttlNanos) {
                kept.clear();
            }
        }
    }
}
