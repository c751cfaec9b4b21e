package io.switchboard.server.hub;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.broker.BrokerSink;
import io.switchboard.server.session.Session;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The node-local index of sessions by room and by user, and the fan-out engine. Sharded by event
 * loop: each loop owns the index of its own sessions. A frame is encoded once and handed to each
 * loop as one task, which writes it to that loop's sessions and flushes each of them once.
 */
public final class Hub implements BrokerSink {
    private final Map<EventExecutor, HubShard> shards = new IdentityHashMap<>();
    private final List<HubShard> shardList = new ArrayList<>();
    private final ByteBufAllocator allocator;

    /** A hub with one shard for each of {@code loops}, the loops that will own sessions. */
    public Hub(Iterable<? extends EventExecutor> loops, ByteBufAllocator allocator) {
        this(loops, allocator, FanoutListener.NONE);
    }

    /** Like {@link #Hub(Iterable, ByteBufAllocator)}, telling {@code listener} of every frame written. */
    public Hub(Iterable<? extends EventExecutor> loops, ByteBufAllocator allocator, FanoutListener listener) {
        this.allocator = allocator;
        for (EventExecutor executor : loops) {
            HubShard shard = new HubShard((EventLoop) executor, listener);
            shards.put(executor, shard);
            shardList.add(shard);
        }
    }

    /** Indexes a new session by its user; on the session's loop. */
    public void register(Session session) {
        shard(session).addSession(session);
    }

    /** Removes a session from the user index; on the session's loop. */
    public void unregister(Session session) {
        shard(session).removeSession(session);
    }

    /** Makes the session receive the room's frames from now on; on the session's loop. */
    public void addMember(String room, Session session) {
        shard(session).addMember(room, session);
    }

    /** Stops the room's frames to the session; on the session's loop. */
    public void removeMember(String room, Session session) {
        shard(session).removeMember(room, session);
    }

    @Override
    public void deliverToRoom(String room, byte[] frame) {
        dispatch(true, room, frame);
    }

    @Override
    public void deliverToUser(String user, byte[] frame) {
        dispatch(false, user, frame);
    }

    @Override
    public void interruptRoom(String room) {
        interrupt(true, room);
    }

    @Override
    public void interruptUser(String user) {
        interrupt(false, user);
    }

    /** Closes the local subscribers of a stream, in turn with the frames queued before. */
    private void interrupt(boolean toRoom, String key) {
        for (HubShard shard : shardList) {
            shard.enqueue(HubShard.Delivery.interruption(toRoom, key));
        }
    }

    private void dispatch(boolean toRoom, String key, byte[] json) {
        SharedFrame frame = new SharedFrame(json, allocator);
        try {
            for (HubShard shard : shardList) {
                frame.retain();
                shard.enqueue(new HubShard.Delivery(toRoom, key, frame));
            }
        } finally {
            frame.release();
        }
    }

    /** Counts of the local index, gathered from every loop. */
    public CompletableFuture<HubStats> stats() {
        List<CompletableFuture<HubShard.Counts>> parts = new ArrayList<>();
        for (HubShard shard : shardList) {
            parts.add(CompletableFuture.supplyAsync(shard::counts, shard.loop()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            int sessions = 0;
            Set<String> users = new HashSet<>();
            Set<String> rooms = new HashSet<>();
            for (CompletableFuture<HubShard.Counts> part : parts) {
                HubShard.Counts counts = part.join();
                sessions += counts.sessions();
                users.addAll(counts.users());
                rooms.addAll(counts.rooms());
            }
            return new HubStats(sessions, users.size(), rooms.size());
        });
    }

    @Override
    public void disconnectUser(String user) {
        for (HubShard shard : shardList) {
            shard.loop().execute(() -> shard.closeUser(user, CloseCodes.FORBIDDEN, "disconnected by the server"));
        }
    }

    /** Closes every local session with {@code code}, inviting clients to reconnect elsewhere. */
    public CompletableFuture<Void> closeAll(int code, String reason) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (HubShard shard : shardList) {
            parts.add(CompletableFuture.runAsync(() -> shard.closeAll(code, reason), shard.loop()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    private HubShard shard(Session session) {
        HubShard shard = shards.get(session.eventLoop());
        if (shard == null) {
            throw new IllegalStateException(session + " runs on a loop the hub does not know");
        }
        return shard;
    }
}
