package io.switchboard.server.broker;

import io.lettuce.core.ScriptOutputType;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.redis.LuaScript;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends a node's publications and events to Redis in batches, one script call per batch, in the
 * order they were handed over. Nothing waits for a batch to fill: a publication goes out at once
 * when no batch is on its way, and otherwise joins the next batch, which leaves as soon as the
 * one on its way is answered. At low load each publication is its own
 * batch; under load a batch carries what arrived during one round trip, so Redis runs one script
 * (and the node reads one reply) for many publications.
 */
final class PublishBatches {
    private static final LuaScript PUBLISH_BATCH = LuaScript.load("publish_batch");
    /**
     * Batches on their way at once: one. A second would need both to be written to the
     * connection in the order they were taken, which threads racing the connection's own loop
     * do not ensure, and a batch that Redis refuses for want of the script (after a restart) and
     * sends again would land behind the one after it, reordering a connection's publications.
     * One at a time, a batch carries whatever arrived during the round trip before it.
     */
    static final int MAX_IN_FLIGHT = 1;
    /** Items in one batch: bounds the time Redis spends in one script. */
    static final int MAX_ITEMS = 256;
    /** Arguments before the items': new epoch, TTL of offsets and epochs, deadline, publish command. */
    private static final int FIXED_ARGS = 4;
    private static final byte[] PUBLICATION = RedisKeys.bytes("p");
    private static final byte[] PUBLICATION_ONCE = RedisKeys.bytes("i");
    private static final byte[] EVENT = RedisKeys.bytes("e");

    private final RedisConnector redis;
    private final byte[] metaTtlMillis;
    private final Supplier<byte[]> newEpoch;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Held while a batch is taken from the queue and written, so batches leave in queue order. */
    private final Object sending = new Object();

    PublishBatches(RedisConnector redis, byte[] metaTtlMillis, Supplier<byte[]> newEpoch) {
        this.redis = redis;
        this.metaTtlMillis = metaTtlMillis;
        this.newEpoch = newEpoch;
    }

    /**
     * A publication to the stream of {@code streamKeys} (its sequence, epoch, channel and history
     * keys): completes with its offset and its stream's epoch.
     */
    CompletionStage<StreamPosition> publish(byte[][] streamKeys, byte[] head, byte[] historySize, byte[] historyTtl) {
        return enqueue(new Item(streamKeys, new byte[][] {PUBLICATION, head, historySize, historyTtl}));
    }

    /**
     * Like {@link #publish}, unless key {@code once} (in the stream's slot) names a publication
     * made within the last {@code windowMillis}: then nothing is published, and this completes
     * with that publication's position.
     */
    CompletionStage<StreamPosition> publishOnce(byte[][] streamKeys, byte[] once, byte[] windowMillis, byte[] head,
                                                byte[] historySize, byte[] historyTtl) {
        byte[][] keys = java.util.Arrays.copyOf(streamKeys, streamKeys.length + 1);
        keys[streamKeys.length] = once;
        return enqueue(new Item(keys, new byte[][] {PUBLICATION_ONCE, head, historySize, historyTtl, windowMillis}));
    }

    /** An event, published in its place among the publications. */
    CompletionStage<StreamPosition> event(byte[] channel, byte[] frame) {
        return enqueue(new Item(new byte[][] {channel}, new byte[][] {EVENT, frame}));
    }

    private CompletionStage<StreamPosition> enqueue(Item item) {
        queue.add(item);
        sendWhilePossible();
        return item.result;
    }

    /**
     * Sends batches while the queue has items and fewer than {@link #MAX_IN_FLIGHT} are on their
     * way. Whoever adds an item, and whoever sees a batch answered, calls this afterwards, so no
     * item is left in the queue with nothing on its way to take it.
     */
    private void sendWhilePossible() {
        while (!queue.isEmpty()) {
            int now = inFlight.get();
            if (now >= MAX_IN_FLIGHT) {
                return;
            }
            if (!inFlight.compareAndSet(now, now + 1)) {
                continue;
            }
            boolean sent = false;
            try {
                synchronized (sending) {
                    List<Item> batch = take();
                    if (!batch.isEmpty()) {
                        send(batch);
                        sent = true;
                    }
                }
            } finally {
                if (!sent) {
                    inFlight.decrementAndGet();
                }
            }
        }
    }

    private List<Item> take() {
        List<Item> batch = new ArrayList<>();
        Item item;
        while (batch.size() < MAX_ITEMS && (item = queue.poll()) != null) {
            batch.add(item);
        }
        return batch;
    }

    /**
     * Sends a batch as one script call, or on a Redis Cluster as one call per slot (a script
     * may only touch keys of one slot), each slot's items in their order. The next batch leaves
     * once every call of this one is answered.
     */
    private void send(List<Item> batch) {
        List<List<Item>> calls = redis.isCluster() ? bySlot(batch) : List.of(batch);
        byte[] epoch = newEpoch.get();
        byte[] deadline = RedisKeys.bytes(Long.toString(redis.writeDeadline()));
        AtomicInteger unanswered = new AtomicInteger(calls.size());
        for (List<Item> items : calls) {
            run(items, epoch, deadline).whenComplete((values, failure) -> {
                boolean last = unanswered.decrementAndGet() == 0;
                if (last) {
                    inFlight.decrementAndGet();
                }
                try {
                    answer(items, values, failure);
                } finally {
                    if (last) {
                        sendWhilePossible();
                    }
                }
            });
        }
    }

    /** The items grouped by the slot of their keys, groups in the order of their first item. */
    private List<List<Item>> bySlot(List<Item> batch) {
        Map<Integer, List<Item>> groups = new LinkedHashMap<>();
        for (Item item : batch) {
            groups.computeIfAbsent(redis.slot(item.keys[0]), slot -> new ArrayList<>()).add(item);
        }
        return new ArrayList<>(groups.values());
    }

    private CompletionStage<List<Object>> run(List<Item> items, byte[] epoch, byte[] deadline) {
        int keyCount = 0;
        int argCount = FIXED_ARGS;
        for (Item item : items) {
            keyCount += item.keys.length;
            argCount += item.args.length;
        }
        byte[][] keys = new byte[keyCount][];
        byte[][] args = new byte[argCount][];
        args[0] = epoch;
        args[1] = metaTtlMillis;
        args[2] = deadline;
        args[3] = redis.publishCommand();
        int k = 0;
        int a = FIXED_ARGS;
        for (Item item : items) {
            System.arraycopy(item.keys, 0, keys, k, item.keys.length);
            k += item.keys.length;
            System.arraycopy(item.args, 0, args, a, item.args.length);
            a += item.args.length;
        }
        try {
            return PUBLISH_BATCH.run(redis.commands(), ScriptOutputType.MULTI, keys, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void answer(List<Item> batch, List<Object> values, Throwable failure) {
        if (failure != null) {
            Throwable unavailable = RedisConnector.unavailable(failure);
            batch.forEach(item -> item.result.completeExceptionally(unavailable));
            return;
        }
        if (values.size() == 1 && (Long) values.get(0) < 0) {
            FrameException late = new FrameException(ErrorCode.UNAVAILABLE,
                    "message broker unavailable: Redis answered too late, the publication was not made");
            batch.forEach(item -> item.result.completeExceptionally(late));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result.complete(new StreamPosition((Long) values.get(2 * i),
                    RedisKeys.text((byte[]) values.get(2 * i + 1))));
        }
    }

    /** One publication or event with its part of the script's keys and arguments. */
    private static final class Item {
        final byte[][] keys;
        final byte[][] args;
        final CompletableFuture<StreamPosition> result = new CompletableFuture<>();

        Item(byte[][] keys, byte[][] args) {
            this.keys = keys;
            this.args = args;
        }
    }
}
