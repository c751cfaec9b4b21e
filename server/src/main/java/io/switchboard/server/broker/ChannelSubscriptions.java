package io.switchboard.server.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
        entry.arrivals.incrementAndGet();
        long last = entry.lastOffset.getAndSet(offset);
        return last < 0 || offset == last + 1;
    }

    /** Whether {@code channel}'s stream has been looked at since it was subscribed. */
    boolean looked(String channel) {
        Entry entry = channels.get(channel);
        return entry != null && entry.looked();
    }

    /** The channels subscribed now (not those still subscribing, or only within their grace). */
    List<String> subscribed() {
        List<String> out = new ArrayList<>();
        channels.forEach((channel, entry) -> {
            CompletableFuture<Void> subscribed = entry.subscribed;
            if (entry.references > 0 && subscribed != null && subscribed.isDone()
                    && !subscribed.isCompletedExceptionally()) {
                out.add(channel);
            }
        });
        return out;
    }

    /**
     * Compares what {@code channel} received with its stream's newest position in Redis,
     * {@code offset} under {@code epoch}, and whether publications were lost on the way: some
     * that Redis already held at the previous look never arrived (pub/sub dropped them while its
     * connection was down, and none came after them to show the gap), or the stream started again
     * under a new epoch with publications none of which arrived. Looking twice leaves the
     * publications still on their way alone: the previous look a position is held against is at
     * least {@code minAgeNanos} old (a newer one is not taken as the reference), so what Redis
     * held then has had that long to arrive. The first look at a channel that has received
     * nothing yet only takes its bearings: what the stream held then may predate the subscription.
     */
    boolean lostPublications(String channel, long offset, String epoch, long nowNanos, long minAgeNanos) {
        Entry entry = channels.get(channel);
        return entry != null && entry.lostPublications(offset, epoch, nowNanos, minAgeNanos);
    }

    /** Channels with at least one reference or still within their grace period. */
    int size() {
        return channels.size();
    }

    private static final class Entry {
        volatile int references;
        volatile CompletableFuture<Void> subscribed;
        /** The offset of the last publication received while subscribed (-1: none yet). */
        final AtomicLong lastOffset = new AtomicLong(-1);
        /** Publications received so far. */
        final AtomicLong arrivals = new AtomicLong();
        /** The reference look: the stream's newest position then (epoch null: no look yet), and when. */
        private long lookedOffset;
        private String lookedEpoch;
        private long lookedAtNanos;
        private long arrivalsAtLook;
        /**
         * What counts as received while nothing has arrived: the stream's offset at the first
         * look (what it held before the channel was subscribed never comes over it).
         */
        private long baseline = -1;
        /**
         * Whether {@link #lastOffset} belongs to an epoch before the stream's current one: the
         * stream started again (Redis lost its data, or its offset expired) and nothing has
         * arrived since. The first publication to arrive then fails {@link #follows}, which
         * interrupts the stream, so that its members learn the new epoch.
         */
        private boolean staleOffset;

        synchronized boolean looked() {
            return lookedEpoch != null;
        }

        synchronized boolean lostPublications(long offset, String epoch, long nowNanos, long minAgeNanos) {
            if (lookedEpoch != null && nowNanos - lookedAtNanos < minAgeNanos) {
                // Too soon after the reference look to tell a loss from a publication on its way.
                return false;
            }
            long received = lastOffset.get();
            long arrivalsNow = arrivals.get();
            boolean first = lookedEpoch == null;
            boolean newEpoch = !first && !lookedEpoch.equals(epoch);
            boolean arrived = arrivalsNow != arrivalsAtLook;
            if (arrived) {
                staleOffset = false;
            }
            boolean lost;
            if (first) {
                lost = false;
            } else if (newEpoch) {
                lost = offset > 0 && !arrived;
            } else {
                lost = Math.max(staleOffset ? -1 : received, baseline) < lookedOffset;
            }
            if (lost) {
                // The subscribers recover what came before; the channel follows the stream from
                // what Redis held at the reference look (newer ones may still be on their way).
                lastOffset.compareAndSet(received, newEpoch ? offset : lookedOffset);
                staleOffset = false;
            } else if (newEpoch && !arrived) {
                staleOffset = true;
            }
            if (first || newEpoch) {
                // Publications arrive one after another from the moment the channel is subscribed
                // (or, for a new epoch, from the first that arrived after it began): the stream is
                // known from the last received, so newer ones must arrive too. With none received,
                // what the stream holds now may predate the subscription.
                baseline = received >= 0 && (first || arrived) ? received : offset;
            } else if (lost) {
                baseline = lookedOffset;
            }
            lookedOffset = offset;
            lookedEpoch = epoch;
            lookedAtNanos = nowNanos;
            arrivalsAtLook = arrivalsNow;
            return lost;
        }
    }
}
