package io.switchboard.server.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.server.config.RedisUris;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's two Redis connections: one for commands, one for pub/sub, to one Redis server or to
 * a Redis Cluster. Both reconnect on their own (backing off up to one second); while Redis is
 * unreachable commands fail at once rather than queue, and {@link #isHealthy()} says so. Redis
 * is also pinged a few times per command timeout, so that a Redis that holds its connections
 * but answers nothing (stalled, or overloaded) counts as unhealthy too.
 *
 * <p>On a Redis Cluster, commands go to the master of their first key's slot, and channels are
 * shard channels ({@code SSUBSCRIBE}, {@code SPUBLISH}): a channel lives on the master of its
 * slot, so a publication travels from one master to the nodes subscribed there, never over the
 * cluster bus to every master as a plain {@code PUBLISH} would.
 */
public final class RedisConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);
    private static final byte[] PUBLISH = RedisKeys.bytes("PUBLISH");
    private static final byte[] SPUBLISH = RedisKeys.bytes("SPUBLISH");

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
    private final boolean cluster;
    private final RedisKeys keys;
    private final long answerWithinNanos;
    private final ScheduledFuture<?> probe;
    private volatile long lastAnswerNanos = System.nanoTime();

    private RedisConnector(ClientResources resources, AbstractRedisClient client, StatefulConnection<byte[], byte[]> connection,
                           RedisClusterAsyncCommands<byte[], byte[]> commands,
                           StatefulRedisPubSubConnection<byte[], byte[]> pubSub, boolean cluster, RedisKeys keys,
                           Duration commandTimeout) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.pubSub = pubSub;
        this.cluster = cluster;
        this.keys = keys;
        this.answerWithinNanos = commandTimeout.toNanos();
        long every = Math.max(50, commandTimeout.toMillis() / 4);
        this.probe = resources.eventExecutorGroup().scheduleWithFixedDelay(this::ping, every, every, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (!connection.isOpen()) {
            return;
        }
        long sent = System.nanoTime();
        commands.ping().whenComplete((pong, failure) -> {
            if (failure == null) {
                lastAnswerNanos = Math.max(lastAnswerNanos, sent);
            }
        });
    }

    /** Connects to {@code uri}; fails when Redis cannot be reached now. */
    public static RedisConnector connect(String uri, String prefix, Duration commandTimeout) {
        return connect(uri, prefix, commandTimeout, null, () -> { });
    }

    /**
     * Like {@link #connect(String, String, Duration)}, recording command latency in
     * {@code registry} (when not {@code null}) and calling {@code reconnected} whenever a lost
     * connection comes back.
     */
    public static RedisConnector connect(String uri, String prefix, Duration commandTimeout, MeterRegistry registry,
                                         Runnable reconnected) {
        return connect(uri, prefix, commandTimeout, registry, reconnected, null);
    }

    /**
     * Like {@link #connect(String, String, Duration, MeterRegistry, Runnable)}, the connections
     * named {@code clientName} in Redis ({@code CLIENT LIST}), unless it is {@code null}.
     */
    public static RedisConnector connect(String uri, String prefix, Duration commandTimeout, MeterRegistry registry,
                                         Runnable reconnected, String clientName) {
        ClientResources resources = resources(registry, reconnected);
        RedisClient client = RedisClient.create(resources, named(RedisURI.create(uri), clientName));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        try {
            StatefulRedisConnection<byte[], byte[]> commands = client.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisPubSubConnection<byte[], byte[]> pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            log.info("connected to Redis at {}", RedisUris.redacted(uri));
            return new RedisConnector(resources, client, commands, commands.async(), pubSub, false,
                    new RedisKeys(prefix), commandTimeout);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new IllegalStateException("cannot connect to Redis at " + RedisUris.redacted(uri) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Connects to the Redis Cluster that {@code seeds} (some of its nodes) belong to; fails when
     * none can be reached now. Keys and channels carry hash tags ({@link RedisKeys}). The
     * cluster's layout is read again every 30 seconds and whenever Redis redirects a command.
     */
    public static RedisConnector connectCluster(List<String> seeds, String prefix, Duration commandTimeout,
                                                MeterRegistry registry, Runnable reconnected) {
        return connectCluster(seeds, prefix, commandTimeout, registry, reconnected, null);
    }

    /** Like {@link #connectCluster(List, String, Duration, MeterRegistry, Runnable)}, the connections named {@code clientName}. */
    public static RedisConnector connectCluster(List<String> seeds, String prefix, Duration commandTimeout,
                                                MeterRegistry registry, Runnable reconnected, String clientName) {
        ClientResources resources = resources(registry, reconnected);
        RedisClusterClient client = RedisClusterClient.create(resources,
                seeds.stream().map(seed -> named(RedisURI.create(seed), clientName)).toList());
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        String shown = RedisUris.redacted(String.join(",", seeds));
        try {
            StatefulRedisClusterConnection<byte[], byte[]> commands = client.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisClusterPubSubConnection<byte[], byte[]> pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            // Shard channels are subscribed on the master of their slot, each over a connection of
            // its own; their messages reach this connection's listeners only with this on.
            pubSub.setNodeMessagePropagation(true);
            // Commands and subscriptions go over a connection per master, opened on first use; a
            // command meeting one still opening is refused, so they are all opened now.
            int masters = 0;
            for (RedisClusterNode node : commands.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    commands.getConnection(node.getUri().getHost(), node.getUri().getPort());
                    pubSub.getConnection(node.getUri().getHost(), node.getUri().getPort());
                    masters++;
                }
            }
            log.info("connected to the Redis Cluster at {} ({} masters)", shown, masters);
            return new RedisConnector(resources, client, commands, commands.async(), pubSub, true,
                    new RedisKeys(prefix, true), commandTimeout);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new IllegalStateException("cannot connect to the Redis Cluster at " + shown + ": " + e.getMessage(), e);
        }
    }

    /**
     * The name a node's connections carry in Redis: {@code switchboard:} and the node's id, with
     * what a client name may not hold (spaces, newlines) as {@code _}.
     */
    public static String clientName(String nodeId) {
        return "switchboard:" + nodeId.replaceAll("[^\\x21-\\x7e]", "_");
    }

    private static RedisURI named(RedisURI uri, String clientName) {
        if (clientName != null) {
            uri.setClientName(clientName);
        }
        return uri;
    }

    /**
     * Client resources that back off reconnecting up to one second, record command latency in
     * {@code registry} (if any), and call {@code reconnected} when a connection to an address it
     * had lost comes up again.
     */
    private static ClientResources resources(MeterRegistry registry, Runnable reconnected) {
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
        if (registry != null) {
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                    MicrometerOptions.builder().enable().histogram(true).build()));
        }
        ClientResources resources = builder.build();
        ConcurrentMap<SocketAddress, Integer> lost = new ConcurrentHashMap<>();
        resources.eventBus().get().subscribe(event -> {
            if (event instanceof ConnectionDeactivatedEvent deactivated) {
                lost.merge(deactivated.remoteAddress(), 1, Integer::sum);
            } else if (event instanceof ConnectionActivatedEvent activated && takeOne(lost, activated.remoteAddress())) {
                reconnected.run();
            }
        });
        return resources;
    }

    /** Whether {@code address} was lost; if so, counts one loss of it as made good. */
    private static boolean takeOne(ConcurrentMap<SocketAddress, Integer> lost, SocketAddress address) {
        boolean[] taken = {false};
        lost.computeIfPresent(address, (a, n) -> {
            taken[0] = true;
            return n > 1 ? n - 1 : null;
        });
        return taken[0];
    }
    /** Commands; on a cluster each goes to the master of its first key's slot. */
    public RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return commands;
    }

    /** Whether this is a Redis Cluster (keys tagged, channels sharded). */
    public boolean isCluster() {
        return cluster;
    }

    /**
     * The slot of {@code key} on a cluster, where scripts may only touch keys of one slot; on a
     * single Redis every key is in slot 0.
     */
    public int slot(byte[] key) {
        return cluster ? SlotHash.getSlot(key) : 0;
    }

    /** The command that publishes, for scripts: {@code SPUBLISH} on a cluster, else {@code PUBLISH}. */
    public byte[] publishCommand() {
        return cluster ? SPUBLISH : PUBLISH;
    }

    /** Publishes {@code message} on {@code channel}; completes with the number of subscribers that got it. */
    public CompletionStage<Long> publish(byte[] channel, byte[] message) {
        return cluster ? commands.spublish(channel, message) : commands.publish(channel, message);
    }

    /** Subscribes {@code channels} (on a cluster, shard channels, all of one slot). */
    public CompletionStage<Void> subscribe(byte[]... channels) {
        return cluster ? pubSub.async().ssubscribe(channels) : pubSub.async().subscribe(channels);
    }

    public CompletionStage<Void> unsubscribe(byte[]... channels) {
        return cluster ? pubSub.async().sunsubscribe(channels) : pubSub.async().unsubscribe(channels);
    }

    /** Hands every message of a subscribed channel to {@code listener} (channel, message), on Lettuce's thread. */
    public void onMessage(BiConsumer<byte[], byte[]> listener) {
        if (cluster) {
            ((StatefulRedisClusterPubSubConnection<byte[], byte[]>) pubSub).addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                    listener.accept(channel, message);
                }
            });
        } else {
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    listener.accept(channel, message);
                }
            });
        }
    }

    public RedisKeys keys() {
        return keys;
    }

    /**
     * The latest time (epoch milliseconds, this node's clock) at which Redis may still carry out a
     * write sent now whose failure this node would report: half a command timeout from now. A
     * script given it refuses to act later (Redis stalled, or its queue too long), so that a
     * command answered as failed is not carried out afterwards. The other half allows for the
     * reply's way back and for clocks of the node and of Redis that differ by less than that.
     */
    public long writeDeadline() {
        return System.currentTimeMillis() + answerWithinNanos / 2_000_000;
    }

    /**
     * Whether both connections are up and Redis answered a ping sent within the last command
     * timeout (a ping that has not come back within it would have failed a command).
     */
    public boolean isHealthy() {
        return connection.isOpen() && pubSub.isOpen() && System.nanoTime() - lastAnswerNanos <= answerWithinNanos;
    }

    /**
     * The error a client sees when a command needs Redis and Redis failed: {@code unavailable}.
     * A failure that is already a {@link FrameException} passes through.
     */
    public static Throwable unavailable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof FrameException) {
            return cause;
        }
        return new FrameException(ErrorCode.UNAVAILABLE, "message broker unavailable: " + cause.getMessage());
    }

    @Override
    public void close() {
        probe.cancel(false);
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
