package io.switchboard.server.node;

import io.switchboard.protocol.Json;
import io.switchboard.server.presence.PresenceStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered in the cluster and cleans up after nodes that died: every interval
 * it renews its heartbeat, learns which nodes stopped renewing theirs, and removes their
 * connections (emitting offline and leave). After the store was unreachable, or on the first
 * beat, it re-registers this node's connections.
 */
public final class NodeLiveness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
    private static final Duration FIRST_BEAT_WAIT = Duration.ofSeconds(10);

    private final Node node;
    private final PresenceStore presence;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final AtomicBoolean beating = new AtomicBoolean();
    private volatile boolean registered;
    private ScheduledFuture<?> task;

    public NodeLiveness(Node node, PresenceStore presence, ScheduledExecutorService timer, Duration interval) {
        this.node = node;
        this.presence = presence;
        this.timer = timer;
        this.interval = interval;
    }

    /**
     * Beats once and waits for that beat (at most {@link #FIRST_BEAT_WAIT}): the store then holds
     * this node's registrations as they are, stale ones of an earlier run of the same node removed,
     * before the node takes connections. Then beats every interval.
     */
    public void start() {
        try {
            beat().get(FIRST_BEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("node {}: the first heartbeat took over {}; going on", node.id(), FIRST_BEAT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a beat handles its own failures", e);
        }
        task = timer.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One beat; completes when it is over, whatever it found. */
    private CompletableFuture<Void> beat() {
        CompletableFuture<Void> over = new CompletableFuture<>();
        if (!beating.compareAndSet(false, true)) {
            over.complete(null);
            return over;
        }
        report().thenCompose(presence::heartbeat).whenComplete((beat, failure) -> {
            if (failure != null) {
                if (registered) {
                    log.warn("node {}: heartbeat failed, presence store unreachable: {}", node.id(), failure.toString());
                }
                registered = false;
                beating.set(false);
                over.complete(null);
                return;
            }
            // Registered before, and the store still knows it: nothing to re-register. Otherwise
            // (first beat, store unreachable meanwhile, or its data gone) register everything again.
            boolean wasRegistered = registered && beat.stillRegistered();
            registered = true;
            CompletableFuture<Void> resync;
            try {
                resync = wasRegistered ? CompletableFuture.completedFuture(null) : node.resync().toCompletableFuture();
            } catch (RuntimeException e) {
                resync = CompletableFuture.failedFuture(e);
            }
            resync.whenComplete((v, e) -> {
                try {
                    if (e != null) {
                        log.warn("node {}: re-registering connections failed: {}", node.id(), e.toString());
                        registered = false;
                    } else if (!wasRegistered) {
                        log.info("node {}: connections registered in the presence store", node.id());
                    }
                    reapAll(beat.deadNodes());
                } finally {
                    // Whatever happened, the next interval beats again.
                    beating.set(false);
                    over.complete(null);
                }
            });
        });
        return over;
    }

    /**
     * This node's counts for the others, or only its id when they cannot be taken within an
     * interval (its event loops are busy): the heartbeat itself must not wait for them.
     */
    private CompletableFuture<String> report() {
        String fallback = text(NodeReport.idOnly(node.id()));
        try {
            return node.report().toCompletableFuture()
                    .thenApply(NodeLiveness::text)
                    .completeOnTimeout(fallback, interval.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> {
                        log.warn("node {}: taking its counts failed: {}", node.id(), failure.toString());
                        return fallback;
                    });
        } catch (RuntimeException e) {
            log.warn("node {}: taking its counts failed: {}", node.id(), e.toString());
            return CompletableFuture.completedFuture(fallback);
        }
    }

    private static String text(NodeReport report) {
        return Json.mapper().valueToTree(report).toString();
    }

    private void reapAll(List<String> expired) {
        for (String dead : expired) {
            node.reap(dead).whenComplete((events, e) -> {
                if (e != null) {
                    log.warn("node {}: cleaning up after node {} failed: {}", node.id(), dead, e.toString());
                } else if (events > 0) {
                    log.info("node {}: node {} stopped; removed its presence ({} events)", node.id(), dead, events);
                }
            });
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
