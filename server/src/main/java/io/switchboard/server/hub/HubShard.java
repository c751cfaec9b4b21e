package io.switchboard.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.session.FrameEncoding;
import io.switchboard.server.session.Session;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the hub one event loop owns: the index of that loop's sessions by room and by
 * user, and the queue of frames waiting to go out to them. Only its loop touches the index.
 */
final class HubShard {
    private static final Logger log = LoggerFactory.getLogger(HubShard.class);
    /** Frames written before the touched sessions are flushed, so one batch stays bounded. */
    private static final int FLUSH_EVERY = 64;
    /** Frames written in one task before the loop gets back to its sockets' reads. */
    private static final int MAX_PER_TASK = 1024;

    private final FanoutListener listener;
    private final EventLoop loop;
    private final Map<String, Set<Session>> rooms = new HashMap<>();
    private final Map<String, List<Session>> users = new HashMap<>();
    private final Queue<Delivery> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final List<Session> touched = new ArrayList<>();
    private int sessions;

    HubShard(EventLoop loop, FanoutListener listener) {
        this.loop = loop;
        this.listener = listener;
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * Whether the caller runs on this shard's loop, the only thread that may touch its index:
     * checked by {@code assert} (on in tests, free in production), it fails loudly otherwise.
     */
    private boolean onLoop() {
        if (!loop.inEventLoop()) {
            throw new AssertionError("the hub's index of " + loop + " touched from " + Thread.currentThread().getName());
        }
        return true;
    }

    void addSession(Session session) {
        assert onLoop();
        users.computeIfAbsent(session.userId(), u -> new ArrayList<>(2)).add(session);
        sessions++;
    }

    void removeSession(Session session) {
        assert onLoop();
        List<Session> list = users.get(session.userId());
        if (list != null && list.remove(session)) {
            sessions--;
            if (list.isEmpty()) {
                users.remove(session.userId());
            }
        }
    }

    /** {@code true} when the room had no member on this loop before. */
    boolean addMember(String room, Session session) {
        assert onLoop();
        Set<Session> members = rooms.computeIfAbsent(room, r -> new LinkedHashSet<>());
        boolean first = members.isEmpty();
        members.add(session);
        return first;
    }

    /** {@code true} when the room has no member left on this loop. */
    boolean removeMember(String room, Session session) {
        assert onLoop();
        Set<Session> members = rooms.get(room);
        if (members == null || !members.remove(session)) {
            return false;
        }
        if (members.isEmpty()) {
            rooms.remove(room);
            return true;
        }
        return false;
    }

    /** Queues a frame for this loop; takes one reference of {@code frame}. Any thread. */
    void enqueue(Delivery delivery) {
        pending.add(delivery);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The node is shutting down and its connections with it: nobody is left to deliver to.
                drainScheduled.set(false);
                discardPending();
            }
        }
    }

    private void discardPending() {
        Delivery delivery;
        while ((delivery = pending.poll()) != null) {
            delivery.release();
        }
    }

    private void drain() {
        assert onLoop();
        drainScheduled.set(false);
        int written = 0;
        Delivery delivery;
        while (written < MAX_PER_TASK && (delivery = pending.poll()) != null) {
            try {
                write(delivery);
            } catch (RuntimeException e) {
                log.error("delivery to {} failed", delivery.key, e);
            } finally {
                delivery.release();
            }
            if (++written % FLUSH_EVERY == 0) {
                flushTouched();
            }
        }
        flushTouched();
        if (!pending.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down with its connections: nobody is left to deliver to.
                discardPending();
                drainScheduled.set(false);
            }
        }
    }

    private void write(Delivery delivery) {
        Collection<Session> targets = delivery.toRoom ? rooms.get(delivery.key) : users.get(delivery.key);
        if (targets == null) {
            return;
        }
        if (delivery.frame == null) {
            for (Session session : List.copyOf(targets)) {
                session.close(CloseCodes.STREAM_INTERRUPTED, (delivery.toRoom ? "room " + delivery.key : "direct messages")
                        + " interrupted: reconnect and recover", true);
            }
            return;
        }
        // The last frame of a batch is written and flushed in one pass to the sessions that have
        // nothing else waiting; the others are flushed once at the end of the batch.
        boolean lastOfBatch = pending.isEmpty();
        FrameEncoding encoding = null;
        ByteBuf bytes = null;
        int written = 0;
        try {
            for (Session session : targets) {
                if (!session.isOpen()) {
                    continue;
                }
                if (delivery.toRoom && session.isGated(delivery.key)) {
                    // Held until the session's join settles, then written in offset order.
                    session.admit(delivery.key, delivery.frame.json());
                    written++;
                    continue;
                }
                if (session.encoding() != encoding) {
                    encoding = session.encoding();
                    if (bytes != null) {
                        bytes.release();
                    }
                    // A copy of this loop's own: every write retains and releases its buffer,
                    // and a count shared with other loops would bounce between their cores.
                    bytes = delivery.frame.encoded(encoding).copy();
                }
                boolean waiting = session.awaitsFlush();
                session.push(bytes.retainedDuplicate(), lastOfBatch);
                written++;
                if (!waiting && session.awaitsFlush()) {
                    touched.add(session);
                }
            }
        } finally {
            if (bytes != null) {
                bytes.release();
            }
        }
        listener.delivered(written, System.nanoTime() - delivery.frame.arrivedNanos());
    }

    private void flushTouched() {
        for (int i = 0; i < touched.size(); i++) {
            touched.get(i).flush();
        }
        touched.clear();
    }

    /** Closes the sessions of one user on this loop, without inviting them back; call on the loop. */
    void closeUser(String user, int code, String reason) {
        assert onLoop();
        List<Session> sessionsOfUser = users.get(user);
        if (sessionsOfUser != null) {
            for (Session session : List.copyOf(sessionsOfUser)) {
                session.close(code, reason, false);
            }
        }
    }

    /** Closes every session of this loop; call on the loop. */
    void closeAll(int code, String reason) {
        assert onLoop();
        List<Session> all = new ArrayList<>();
        users.values().forEach(all::addAll);
        for (Session session : all) {
            session.close(code, reason, true);
        }
    }

    /** A copy of this shard's counts for {@link Hub#stats()}; call on the loop. */
    Counts counts() {
        assert onLoop();
        return new Counts(sessions, Set.copyOf(users.keySet()), Set.copyOf(rooms.keySet()));
    }

    record Counts(int sessions, Set<String> users, Set<String> rooms) {
    }

    /**
     * A frame on its way to the local members of a room or the local connections of a user, or
     * (without a frame) the news that their stream was interrupted.
     */
    static final class Delivery {
        final boolean toRoom;
        final String key;
        final SharedFrame frame;

        Delivery(boolean toRoom, String key, SharedFrame frame) {
            this.toRoom = toRoom;
            this.key = key;
            this.frame = frame;
        }

        static Delivery interruption(boolean toRoom, String key) {
            return new Delivery(toRoom, key, null);
        }

        void release() {
            if (frame != null) {
                frame.release();
            }
        }
    }
}
