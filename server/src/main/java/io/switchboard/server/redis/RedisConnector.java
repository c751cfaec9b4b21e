package io.switchboard.server.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.switchboard.server.config.ServerConfig;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import io.lettuce.core.resource.Delay;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's two Redis connections: one for commands, one for pub/sub. Both reconnect on their
 * own (backing off up to one second); while Redis is unreachable commands fail at once rather
 * than queue, and {@link #isHealthy()} says so. Redis is also pinged a few times per command
 * timeout, so that a Redis that holds its connections but answers nothing (stalled, or
 * overloaded) counts as unhealthy too.
 */
public final class RedisConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> commands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
    private final RedisKeys keys;
    private final long answerWithinNanos;
    private final ScheduledFuture<?> probe;
    private volatile long lastAnswerNanos = System.nanoTime();

    private RedisConnector(ClientResources resources, RedisClient client,
                           StatefulRedisConnection<byte[], byte[]> commands,
                           StatefulRedisPubSubConnection<byte[], byte[]> pubSub, RedisKeys keys,
                           Duration commandTimeout) {
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.pubSub = pubSub;
        this.keys = keys;
        this.answerWithinNanos = commandTimeout.toNanos();
        long every = Math.max(50, commandTimeout.toMillis() / 4);
        this.probe = resources.eventExecutorGroup().scheduleWithFixedDelay(this::ping, every, every, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (!commands.isOpen()) {
            return;
        }
        long sent = System.nanoTime();
        commands.async().ping().whenComplete((pong, failure) -> {
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
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
        if (registry != null) {
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry,
                    MicrometerOptions.builder().enable().histogram(true).build()));
        }
        ClientResources resources = builder.build();
        AtomicBoolean established = new AtomicBoolean();
        resources.eventBus().get().subscribe(event -> {
            if (event instanceof ConnectionActivatedEvent && established.get()) {
                reconnected.run();
            }
        });
        RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        try {
            StatefulRedisConnection<byte[], byte[]> commands = client.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisPubSubConnection<byte[], byte[]> pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            established.set(true);
            log.info("connected to Redis at {}", ServerConfig.redacted(uri));
            return new RedisConnector(resources, client, commands, pubSub, new RedisKeys(prefix), commandTimeout);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw new IllegalStateException("cannot connect to Redis at " + ServerConfig.redacted(uri) + ": "
                    + e.getMessage(), e);
        }
    }

    public RedisAsyncCommands<byte[], byte[]> commands() {
        return commands.async();
    }

    public StatefulRedisPubSubConnection<byte[], byte[]> pubSub() {
        return pubSub;
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
        return commands.isOpen() && pubSub.isOpen() && System.nanoTime() - lastAnswerNanos <= answerWithinNanos;
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
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
