package io.switchboard.server.broker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference counts of a node's pub/sub channels: the first {@link #acquire} subscribes, and
 * after the last {@link #release} the channel is unsubscribed once a grace period has passed
 * with no new acquire, so that a member leaving and another joining do not churn the channel.
 */
final class ChannelSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(ChannelSubscriptions.class);

    private final ConcurrentMap<String, Entry> channels = new ConcurrentHashMap<>();
    private final Function<String, CompletionStage<Void>> subscribe;
    private final Function<String, CompletionStage<Void>> unsubscribe;
    private final ScheduledExecutorService timer;
    private final long graceMillis;

    ChannelSubscriptions(Function<String, CompletionStage<Void>> subscribe,
                         Function<String, CompletionStage<Void>> unsubscribe,
                         ScheduledExecutorService timer, Duration grace) {
        this.subscribe = subscribe;
        this.unsubscribe = unsubscribe;
        this.timer = timer;
        this.graceMillis = grace.toMillis();
    }

    /** Adds a reference; completes once the channel is subscribed. */
    CompletionStage<Void> acquire(String channel) {
        Entry entry = channels.compute(channel, (c, existing) -> {
            Entry e = existing != null ? existing : new Entry();
            e.references++;
            if (e.subscribed == null || e.subscribed.isCompletedExceptionally()) {
                e.subscribed = subscribe.apply(c).toCompletableFuture();
            }
            return e;
        });
        return entry.subscribed;
    }

    /** Drops a reference; the last one unsubscribes after the grace period. */
    void release(String channel) {
        Entry entry = channels.computeIfPresent(channel, (c, e) -> {
            e.references--;
            return e;
        });
        if (entry != null && entry.references <= 0) {
            timer.schedule(() -> unsubscribeIfUnused(channel), graceMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void unsubscribeIfUnused(String channel) {
        // The command is sent inside the map's lock for the channel, as subscribe is: a member
        // joining at this moment sends its SUBSCRIBE after this UNSUBSCRIBE, never before it.
        channels.computeIfPresent(channel, (c, e) -> {
            if (e.references > 0) {
                return e;
            }
            unsubscribe(c);
            return null;
        });
    }

    private void unsubscribe(String channel) {
        unsubscribe.apply(channel).whenComplete((v, failure) -> {
            if (failure != null) {
                // Redis is unreachable; the pub/sub connection would subscribe the channel again
                // when it reconnects, so try again until it goes through or a member comes back.
                log.debug("unsubscribing {} failed, retrying: {}", channel, failure.toString());
                timer.schedule(() -> retryUnsubscribe(channel), Math.max(graceMillis, 100), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void retryUnsubscribe(String channel) {
        channels.compute(channel, (c, e) -> {
            if (e == null) {
                unsubscribe(c);
            }
            return e;
        });
    }

    /**
     * Takes note of a publication with {@code offset} received on {@code channel}; whether it
     * follows the one received before it (true too for the first, and for a channel not
     * subscribed). Called by the one thread that receives the channel's messages.
     */
    boolean follows(String channel, long offset) {
        Entry entry = channels.get(channel);
        if (entry == null) {
            return true;
        }
        long last = entry.lastOffset;
        entry.lastOffset = offset;
        return last < 0 || offset == last + 1;
    }

    /** Channels with at least one reference or still within their grace period. */
    int size() {
        return channels.size();
    }

    private static final class Entry {
        int references;
        CompletableFuture<Void> subscribed;
        /** The offset of the last publication received while subscribed (-1: none yet). */
        volatile long lastOffset = -1;
    }
}
