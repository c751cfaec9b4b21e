package io.switchboard.server.broker;

import io.lettuce.core.ScriptOutputType;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.config.Settings;
import io.switchboard.server.ids.NodeIds;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.redis.LuaScript;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisKeys;
import io.switchboard.server.redis.RedisShards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster broker: every node publishes to Redis and delivers only what its pub/sub
 * subscription hands back. A room message's offset is taken, its frame finished and published
 * in one Lua script, so Redis fixes one order per room that every node sees. Streams may be
 * spread over several Redis instances ({@link RedisShards}), or over the masters of a Redis
 * Cluster by the slots of their hash-tagged keys; each stream lives on one.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final LuaScript POSITION = LuaScript.load("position");
    private static final String DISCONNECT_USER = "disconnect-user";

    private final RedisShards shards;
    private final RedisConnector home;
    private final RedisKeys keys;
    private final ScheduledExecutorService timer;
    private final List<Shard> byIndex = new ArrayList<>();
    private final byte[] metaTtlMillis;
    private final byte[] idempotencyWindowMillis;
    private final NodeRequests nodeRequests;
    private final InterruptionLog interruptions = new InterruptionLog();
    private final Duration positionCheck;
    /** Where publications go, from {@link #start} on. */
    private volatile BrokerSink sink;
    private final LongAdder streamsLooked = new LongAdder();
    private final LongAdder streamsBehind = new LongAdder();

    /** A broker on one Redis; see {@link #RedisBroker(RedisShards, String, Duration, Duration)}. */
    public RedisBroker(RedisConnector redis, String nodeId, Duration unsubscribeGrace, Duration metaTtl) {
        this(RedisShards.of(redis), nodeId, unsubscribeGrace, metaTtl);
    }

    /**
     * A broker on {@code shards}: each stream on its own instance, node-to-node messages on the
     * home instance. A stream's offset and epoch live for {@code metaTtl} after its last
     * publication (past that, the stream starts again under a new epoch).
     */
    public RedisBroker(RedisShards shards, String nodeId, Duration unsubscribeGrace, Duration metaTtl) {
        this(shards, nodeId, unsubscribeGrace, metaTtl, IDEMPOTENCY_WINDOW);
    }

    /** Like {@link #RedisBroker(RedisShards, String, Duration, Duration)}, keys remembered for {@code idempotencyWindow}. */
    public RedisBroker(RedisShards shards, String nodeId, Duration unsubscribeGrace, Duration metaTtl,
                       Duration idempotencyWindow) {
        this(shards, nodeId, unsubscribeGrace, metaTtl, idempotencyWindow,
                Settings.POSITION_CHECK_INTERVAL.defaultValue());
    }

    /**
     * Like {@link #RedisBroker(RedisShards, String, Duration, Duration, Duration)}, looking for
     * lost publications every {@code positionCheck} ({@link Duration#ZERO}: never; see
     * {@link #checkPositions}).
     */
    public RedisBroker(RedisShards shards, String nodeId, Duration unsubscribeGrace, Duration metaTtl,
                       Duration idempotencyWindow, Duration positionCheck) {
        this.shards = shards;
        this.positionCheck = positionCheck;
        this.idempotencyWindowMillis = RedisKeys.bytes(Long.toString(Math.max(1, idempotencyWindow.toMillis())));
        this.home = shards.home();
        this.nodeRequests = new NodeRequests(home, nodeId, Duration.ofSeconds(5));
        this.metaTtlMillis = RedisKeys.bytes(Long.toString(metaTtl.toMillis()));
        this.keys = home.keys();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "switchboard-broker-timer");
            thread.setDaemon(true);
            return thread;
        });
        for (RedisConnector redis : shards.all()) {
            byIndex.add(new Shard(redis, new PublishBatches(redis, metaTtlMillis, RedisBroker::newEpoch),
                    new ChannelSubscriptions(
                            channel -> redis.subscribe(RedisKeys.bytes(channel)),
                            channel -> redis.unsubscribe(RedisKeys.bytes(channel)),
                            timer, unsubscribeGrace)));
        }
    }

    /** One Redis instance with what this node does there: its publications and its channels. */
    private record Shard(RedisConnector redis, PublishBatches batches, ChannelSubscriptions subscriptions) {
    }

    private Shard shard(StreamKey stream) {
        return byIndex.get(shards.indexOf(stream));
    }

    @Override
    public void start(BrokerSink sink) {
        this.sink = sink;
        String control = RedisKeys.text(keys.controlChannel());
        String own = nodeRequests.channel();
        for (Shard shard : byIndex) {
            shard.redis().onMessage((channel, message) -> {
                String name = RedisKeys.text(channel);
                String room = keys.roomOfChannel(name);
                String user = room == null ? keys.userOfChannel(name) : null;
                if (room != null) {
                    if (continues(shard, name, message)) {
                        sink.deliverToRoom(room, message);
                    } else {
                        sink.interruptRoom(room);
                    }
                } else if (user != null) {
                    if (continues(shard, name, message)) {
                        sink.deliverToUser(user, message);
                    } else {
                        sink.interruptUser(user);
                    }
                } else if (name.equals(control)) {
                    onControl(sink, RedisKeys.text(message));
                } else if (name.equals(own)) {
                    nodeRequests.onMessage(message);
                } else {
                    log.warn("message on unexpected channel {}", name);
                }
            });
        }
        // Every node listens to the control channel and its own for as long as it runs.
        home.subscribe(keys.controlChannel(), RedisKeys.bytes(own)).toCompletableFuture().join();
        if (!positionCheck.isZero()) {
            long every = positionCheck.toMillis();
            timer.scheduleWithFixedDelay(() -> {
                try {
                    checkPositions(sink);
                } catch (RuntimeException e) {
                    // Thrown out of here, it would end the checks for good.
                    log.warn("position check failed", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Looks at streams by {@link #checkPositions} so far (one per stream per check). */
    public long streamsLooked() {
        return streamsLooked.sum();
    }

    /** Streams {@link #checkPositions} found behind Redis so far. */
    public long streamsBehind() {
        return streamsBehind.sum();
    }

    /**
     * Looks for publications pub/sub lost with nothing after them to show the gap (its connection
     * was down when they were made, and the room went quiet): each stream this node follows is
     * compared with its newest position in Redis, and a stream that is behind is interrupted, so
     * that its local subscribers reconnect and recover what they missed. A gap with publications
     * after it is found at once, by {@link #continues}; this finds the rest within two intervals.
     */
    void checkPositions(BrokerSink sink) {
        long minAgeNanos = positionCheck.toNanos() / 2;
        for (Shard shard : byIndex) {
            for (String channel : shard.subscriptions().subscribed()) {
                try {
                    checkPosition(sink, shard, channel, minAgeNanos);
                } catch (RuntimeException e) {
                    log.warn("position check of {} failed", channel, e);
                }
            }
        }
    }

    private void checkPosition(BrokerSink sink, Shard shard, String channel, long minAgeNanos) {
        String room = keys.roomOfChannel(channel);
        String user = room == null ? keys.userOfChannel(channel) : null;
        if (room == null && user == null) {
            return;
        }
        StreamKey stream = room != null ? StreamKey.room(room) : StreamKey.user(user);
        shard.redis().commands().mget(keys.sequence(stream), keys.epoch(stream)).whenComplete((values, failure) -> {
            if (failure != null) {
                // Redis is down or slow; the next look tries again.
                log.debug("position check of {} failed: {}", channel, failure.toString());
                return;
            }
            try {
                // A stream with no epoch (never published to, expired, or lost with Redis's data)
                // stands at 0 of an epoch to come: whatever is published next starts one.
                boolean started = values.get(1).hasValue();
                long offset = started && values.get(0).hasValue()
                        ? Long.parseLong(RedisKeys.text(values.get(0).getValue())) : 0;
                String epoch = started ? RedisKeys.text(values.get(1).getValue()) : "";
                streamsLooked.increment();
                if (shard.subscriptions().lostPublications(channel, offset, epoch, System.nanoTime(), minAgeNanos)) {
                    streamsBehind.increment();
                    interruptions.noteLost(channel, offset);
                    if (room != null) {
                        sink.interruptRoom(room);
                    } else {
                        sink.interruptUser(user);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("position check of {} failed", channel, e);
            }
        });
    }

    /**
     * Whether a frame received on a stream's channel may go out: it has no offset (an event), or
     * its offset follows the last one received. A gap means pub/sub lost publications (its
     * connection dropped); an offset not above the last means the stream started again under a
     * new epoch (Redis lost its data). Either way the frame is held back and the stream's local
     * subscribers are told to recover, which their history read does without gap or repeat.
     */
    private boolean continues(Shard shard, String channel, byte[] frame) {
        long offset = FrameTemplate.offsetOf(frame);
        if (offset < 0 || shard.subscriptions().follows(channel, offset)) {
            return true;
        }
        interruptions.note(channel, offset);
        return false;
    }

    private static void onControl(BrokerSink sink, String message) {
        String[] parts = message.split(RedisKeys.SEPARATOR, 2);
        if (parts.length == 2 && parts[0].equals(DISCONNECT_USER)) {
            sink.disconnectUser(parts[1]);
        } else {
            log.warn("unknown control message of kind '{}' ({} bytes), ignored", parts[0].length() > 32
                    ? parts[0].substring(0, 32) : parts[0], message.length());
        }
    }

    @Override
    public CompletionStage<byte[]> requestNode(String node, byte[] request) {
        return nodeRequests.send(node, request);
    }

    @Override
    public void answerNodeRequests(java.util.function.Function<byte[], CompletionStage<byte[]>> answerer) {
        nodeRequests.answerWith(answerer);
    }

    @Override
    public CompletionStage<Void> disconnectUser(String user) {
        return home.publish(keys.controlChannel(), RedisKeys.bytes(RedisKeys.join(DISCONNECT_USER, user)))
                .handle(RedisBroker::done);
    }

    @Override
    public CompletionStage<StreamPosition> publish(StreamKey stream, FrameTemplate frame, HistoryOptions history,
                                                   String idempotencyKey) {
        byte[][] streamKeys = {keys.sequence(stream), keys.epoch(stream), keys.channel(stream), keys.history(stream)};
        byte[] size = RedisKeys.bytes(Integer.toString(history.enabled() ? history.size() : 0));
        byte[] ttl = RedisKeys.bytes(Long.toString(Math.max(1, history.ttl().toMillis())));
        PublishBatches batches = shard(stream).batches();
        return idempotencyKey == null ? batches.publish(streamKeys, frame.head(), size, ttl)
                : batches.publishOnce(streamKeys, keys.idempotency(stream, idempotencyKey), idempotencyWindowMillis,
                        frame.head(), size, ttl);
    }

    @Override
    public CompletionStage<Void> publishEvent(String room, byte[] frame) {
        return shard(StreamKey.room(room)).batches().event(keys.roomChannel(room), frame).thenApply(position -> null);
    }

    @Override
    public CompletionStage<StreamPosition> position(StreamKey stream) {
        return position(POSITION.run(shard(stream).redis().commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.sequence(stream), keys.epoch(stream), keys.history(stream)},
                newEpoch(), metaTtlMillis));
    }

    /** A fresh epoch, used only if the stream has none yet. */
    static byte[] newEpoch() {
        return RedisKeys.bytes(NodeIds.token(8));
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        return subscribe(shard(StreamKey.room(room)), RedisKeys.text(keys.roomChannel(room)));
    }

    /**
     * Takes a reference to {@code channel}; once it is subscribed, a channel never looked at is
     * looked at now, so that the position check has its bearings from the subscription on
     * rather than from its first interval.
     */
    private CompletionStage<Void> subscribe(Shard shard, String channel) {
        return failuresAsUnavailable(shard.subscriptions().acquire(channel).thenApply(subscribed -> {
            BrokerSink receiver = sink;
            if (receiver != null && !positionCheck.isZero() && !shard.subscriptions().looked(channel)) {
                checkPosition(receiver, shard, channel, positionCheck.toNanos() / 2);
            }
            return subscribed;
        }));
    }

    @Override
    public void unsubscribeRoom(String room) {
        shard(StreamKey.room(room)).subscriptions().release(RedisKeys.text(keys.roomChannel(room)));
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        return subscribe(shard(StreamKey.user(user)), RedisKeys.text(keys.userChannel(user)));
    }

    @Override
    public void unsubscribeUser(String user) {
        shard(StreamKey.user(user)).subscriptions().release(RedisKeys.text(keys.userChannel(user)));
    }

    @Override
    public boolean isHealthy() {
        return shards.isHealthy();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletionStage<StreamPosition> position(CompletionStage<List<Object>> reply) {
        return reply.handle((values, failure) -> {
            if (failure != null) {
                throw new CompletionException(RedisConnector.unavailable(failure));
            }
            return new StreamPosition((Long) values.get(0), RedisKeys.text((byte[]) values.get(1)));
        });
    }

    private static Void done(Object reply, Throwable failure) {
        if (failure != null) {
            throw new CompletionException(RedisConnector.unavailable(failure));
        }
        return null;
    }

    private static CompletionStage<Void> failuresAsUnavailable(CompletionStage<Void> stage) {
        return stage.handle(RedisBroker::done);
    }
}
