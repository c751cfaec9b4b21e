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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's two Redis connections: one for commands, one for pub/sub. Both reconnect on their
 * own (backing off up to one second); while Redis is unreachable commands fail at once rather
 * than queue, and {@link #isHealthy()} says so.
 */
public final class RedisConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> commands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
    private final RedisKeys keys;

    private RedisConnector(ClientResources resources, RedisClient client,
                           StatefulRedisConnection<byte[], byte[]> commands,
                           StatefulRedisPubSubConnection<byte[], byte[]> pubSub, RedisKeys keys) {
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.pubSub = pubSub;
        this.keys = keys;
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
            return new RedisConnector(resources, client, commands, pubSub, new RedisKeys(prefix));
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

    /** Whether both connections are up. */
    public boolean isHealthy() {
        return commands.isOpen() && pubSub.isOpen();
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
        pubSub.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
