package io.switchboard.server.broker;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.switchboard.protocol.MessageFrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.config.NodeIds;
import io.switchboard.server.redis.LuaScript;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster broker: every node publishes to Redis and delivers only what its pub/sub
 * subscription hands back. A room message's offset is taken, its frame finished and published
 * in one Lua script, so Redis fixes one order per room that every node sees.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final LuaScript PUBLISH_MESSAGE = LuaScript.load("publish_message");
    private static final LuaScript POSITION = LuaScript.load("position");

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final ScheduledExecutorService timer;
    private final ChannelSubscriptions subscriptions;

    public RedisBroker(RedisConnector redis, Duration unsubscribeGrace) {
        this.redis = redis;
        this.keys = redis.keys();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "switchboard-broker-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.subscriptions = new ChannelSubscriptions(
                channel -> redis.pubSub().async().subscribe(RedisKeys.bytes(channel)).thenApply(v -> null),
                channel -> redis.pubSub().async().unsubscribe(RedisKeys.bytes(channel)).thenApply(v -> null),
                timer, unsubscribeGrace);
    }

    @Override
    public void start(BrokerSink sink) {
        String rooms = keys.roomChannelPrefix();
        String users = keys.userChannelPrefix();
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                String name = RedisKeys.text(channel);
                if (name.startsWith(rooms)) {
                    sink.deliverToRoom(name.substring(rooms.length()), message);
                } else if (name.startsWith(users)) {
                    sink.deliverToUser(name.substring(users.length()), message);
                } else {
                    log.warn("message on unexpected channel {}", name);
                }
            }
        });
    }

    @Override
    public CompletionStage<StreamPosition> publishMessage(String room, MessageFrameTemplate frame) {
        CompletionStage<List<Object>> result = PUBLISH_MESSAGE.run(redis.commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.roomSequence(room), keys.roomEpoch(room), keys.roomChannel(room)},
                frame.head(), RedisKeys.bytes(NodeIds.token(8)));
        return position(result);
    }

    @Override
    public CompletionStage<Void> publishEvent(String room, byte[] frame) {
        return redis.commands().publish(keys.roomChannel(room), frame).handle(RedisBroker::done);
    }

    @Override
    public CompletionStage<Void> publishToUser(String user, byte[] frame) {
        return redis.commands().publish(keys.userChannel(user), frame).handle(RedisBroker::done);
    }

    @Override
    public CompletionStage<StreamPosition> position(String room) {
        return position(POSITION.run(redis.commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.roomSequence(room), keys.roomEpoch(room)}, RedisKeys.bytes(NodeIds.token(8))));
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        return failuresAsUnavailable(subscriptions.acquire(keys.roomChannelPrefix() + room));
    }

    @Override
    public void unsubscribeRoom(String room) {
        subscriptions.release(keys.roomChannelPrefix() + room);
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        return failuresAsUnavailable(subscriptions.acquire(keys.userChannelPrefix() + user));
    }

    @Override
    public void unsubscribeUser(String user) {
        subscriptions.release(keys.userChannelPrefix() + user);
    }

    @Override
    public boolean isHealthy() {
        return redis.isHealthy();
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
                throw new java.util.concurrent.CompletionException(RedisConnector.unavailable(failure));
            }
            return new StreamPosition((Long) values.get(0), RedisKeys.text((byte[]) values.get(1)));
        });
    }

    private static Void done(Object reply, Throwable failure) {
        if (failure != null) {
            throw new java.util.concurrent.CompletionException(RedisConnector.unavailable(failure));
        }
        return null;
    }

    private static CompletionStage<Void> failuresAsUnavailable(CompletionStage<Void> stage) {
        return stage.handle(RedisBroker::done);
    }
}
