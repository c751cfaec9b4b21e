package io.switchboard.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.server.auth.Identity;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, whatever its transport: its user, its rooms, its commands in arrival
 * order and its bounded outbound queue. Confined to its connection's event loop.
 */
public final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    /** Live frames a recovery may hold back before the session counts as a slow consumer. */
    private static final int MAX_HELD_FRAMES = 10_000;

    private enum State { OPEN, CLOSING, ENDED }

    private final String id;
    private final String userId;
    private Identity identity;
    private final CommandDecoder decoder;
    private final Connection connection;
    private final CommandHandler handler;
    private final Set<String> rooms = new LinkedHashSet<>();
    private final CommandInbox inbox;
    private State state = State.OPEN;
    private int closeCode;
    /** Answers to commands that came over the connection itself go back over it. */
    private final Replies ownReplies = new Replies() {
        @Override
        public void reply(byte[] frame) {
            send(frame);
        }

        @Override
        public void done() {
            // Nothing waits for the end of a command that came over the connection.
        }
    };
    private boolean flushScheduled;
    /** Rooms joined a moment ago: their live frames pass a gate (see {@link #admit}). */
    private final RoomGates gates = new RoomGates(MAX_HELD_FRAMES);
    /** Run once when the session ends, however it ends. */
    private Runnable onEnd;

    public Session(String id, String userId, Connection connection, CommandHandler handler, int maxPendingCommands) {
        this(id, Identity.unverified(userId), connection, handler, SessionLimits.unlimited(maxPendingCommands));
    }

    /** A session of {@code identity}, held to {@code limits}. */
    public Session(String id, Identity identity, Connection connection, CommandHandler handler, SessionLimits limits) {
        this.id = id;
        this.identity = identity;
        this.decoder = limits.decoder();
        this.userId = identity.userId();
        this.connection = connection;
        this.handler = handler;
        this.inbox = new CommandInbox(this, connection, handler, limits.budget(System.nanoTime()),
                limits.maxPendingCommands());
    }

    public String id() {
        return id;
    }

    /** Who the client proved to be, with its token's expiry and grants. */
    public Identity identity() {
        return identity;
    }

    /** A fresh identity for the same user (a {@code refresh} with a newer token). */
    public void identity(Identity refreshed) {
        if (!refreshed.userId().equals(userId)) {
            throw new IllegalArgumentException("a session's user never changes");
        }
        this.identity = refreshed;
    }

    public String userId() {
        return userId;
    }

    public EventLoop eventLoop() {
        return connection.eventLoop();
    }

    /** Runs {@code task} on this session's loop: now when called there, else as a task of the loop. */
    public void execute(Runnable task) {
        EventLoop loop = connection.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Runs {@code task} on the session's loop after {@code delay}. */
    public void schedule(Runnable task, java.time.Duration delay) {
        connection.eventLoop().schedule(task, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Has {@code task} run when the session ends (at once if it has); replaces any earlier one. */
    public void onEnd(Runnable task) {
        this.onEnd = task;
    }

    public FrameEncoding encoding() {
        return connection.encoding();
    }

    public String transport() {
        return connection.transport();
    }

    /**
     * Whether the caller runs on this session's loop, the only thread that may touch it: checked
     * by {@code assert} (on in tests, free in production), it fails loudly otherwise.
     */
    private boolean onLoop() {
        if (!connection.eventLoop().inEventLoop()) {
            throw new AssertionError(this + " touched from " + Thread.currentThread().getName());
        }
        return true;
    }

    /** The rooms this connection is in; mutable, owned by the node, touched only on the loop. */
    public Set<String> rooms() {
        return rooms;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** A frame from the client; decoded and served after every command that came before it. */
    public void receive(byte[] utf8) {
        receive(utf8, ownReplies);
    }

    /** Like {@link #receive(byte[])}, with the answer going to {@code replies}. */
    public void receive(byte[] utf8, Replies replies) {
        assert onLoop();
        if (state != State.OPEN) {
            replies.done();
            return;
        }
        try {
            inbox.accept(decoder.decode(utf8), null, replies);
        } catch (FrameException e) {
            inbox.accept(null, e, replies);
        }
    }

    /**
     * A command the transport decoded from its own format (protobuf, say): served after every
     * command that came before it, as a frame would be.
     */
    public void receive(Command command) {
        assert onLoop();
        if (state == State.OPEN) {
            inbox.accept(command, null, ownReplies);
        }
    }

    /** A command the transport could not decode: answered with the refusal, in its turn. */
    public void receive(FrameException refused) {
        assert onLoop();
        if (state == State.OPEN) {
            inbox.accept(null, refused, ownReplies);
        }
    }

    /** A control frame (a ping) counts against the command budget too. */
    public void receiveControl() {
        assert onLoop();
        if (state == State.OPEN && inbox.floodedByControlFrame()) {
            log.warn("session {} (user {}, {}): control frame flood, closing", id, userId, connection.remoteAddress());
            close(CloseCodes.RATE_LIMITED, "rate limited", true);
        }
    }

    /**
     * Starts serving commands; those that arrived before wait until then, so that nothing is
     * answered before the {@code connected} frame.
     */
    public void start() {
        assert onLoop();
        inbox.start();
    }

    /**
     * Starts gating the room's live frames while the session joins it: they are held back until
     * {@link #releaseRoom} has sent what the client missed (if anything), so nothing is sent
     * twice or out of order at the seam.
     */
    public void holdRoom(String room) {
        assert onLoop();
        gates.hold(room);
    }

    /** Whether the room's live frames pass the gate of a recent join rather than go straight out. */
    public boolean isGated(String room) {
        return gates.isGated(room);
    }

    /**
     * A live frame of a gated room: held while the join is under way; afterwards sent unless its
     * offset is one the join already covered. The first newer message opens the gate for good.
     */
    public void admit(String room, byte[] frame) {
        assert onLoop();
        switch (gates.admit(room, frame)) {
            case SEND -> send(frame);
            case OVERFLOW -> {
                log.warn("session {} (user {}): {} frames held while joining {}, closing as slow consumer",
                        id, userId, gates.held(room), room);
                close(CloseCodes.SLOW_CONSUMER, "slow consumer", true);
            }
            case HELD, COVERED -> {
                // Sent when the join completes, or already sent by it.
            }
        }
    }

    /**
     * Ends holding the room: sends {@code replay} (the missed frames, oldest first), then the
     * held live frames except those with an offset up to {@code through}, which the replay (or
     * the client's fresh start at {@code through}) already covers. Frames still on their way
     * are checked the same way until a newer one passes.
     */
    public void releaseRoom(String room, List<byte[]> replay, long through) {
        assert onLoop();
        List<byte[]> out = gates.release(room, replay, through, state == State.OPEN);
        if (out.isEmpty()) {
            return;
        }
        for (byte[] frame : out) {
            connection.send(frame);
        }
        checkOutboundBound();
    }

    /** Stops gating the room (the join failed, or the session left it). */
    public void removeGate(String room) {
        assert onLoop();
        gates.remove(room);
    }

    /** A frame for this connection alone (a reply, the {@code connected} frame), flushed at once. */
    public void send(byte[] frame) {
        assert onLoop();
        if (state == State.ENDED) {
            return;
        }
        connection.send(frame);
        checkOutboundBound();
    }

    /**
     * A shared frame from the hub, already encoded for this connection. Flushed at once when
     * {@code flush}; otherwise the session is marked and the hub flushes it at the end of its
     * batch. Takes ownership of {@code encoded}.
     */
    public void push(ByteBuf encoded, boolean flush) {
        assert onLoop();
        if (state != State.OPEN) {
            encoded.release();
            return;
        }
        boolean flushNow = flush && !flushScheduled;
        if (!flushNow) {
            flushScheduled = true;
        }
        connection.write(encoded, flushNow);
        checkOutboundBound();
    }

    /** Whether a frame was pushed without flush and awaits {@link #flush()}. */
    public boolean awaitsFlush() {
        return flushScheduled;
    }

    public void flush() {
        assert onLoop();
        flushScheduled = false;
        connection.flush();
    }

    private void checkOutboundBound() {
        if (state == State.OPEN && connection.isOverLimit()) {
            log.warn("session {} (user {}, {}): outbound queue over its bound, closing as slow consumer",
                    id, userId, connection.remoteAddress());
            close(CloseCodes.SLOW_CONSUMER, "slow consumer", true);
        }
    }

    /**
     * Closes on purpose: sends {@code disconnect}, then closes the connection with {@code code}.
     * The session stops receiving at once; the node forgets it in a task of its own.
     */
    public void close(int code, String reason, boolean reconnect) {
        assert onLoop();
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        closeCode = code;
        connection.send(ServerFrames.disconnect(code, reason, reconnect));
        connection.close(code, reason);
        // Later, not now: the hub may be iterating over the room sets this would change.
        eventLoop().execute(this::end);
    }

    /**
     * The transport's connection is gone; forget the session. Idempotent. A session that never
     * started is left to whoever was starting it; one with a command in flight is forgotten
     * when that command completes.
     */
    public void end() {
        assert onLoop();
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        if (onEnd != null) {
            onEnd.run();
        }
        if (inbox.discard()) {
            handler.closed(this);
        }
    }

    /** The close code the server ended the session with, or {@code 0} when the peer ended it. */
    public int closeCode() {
        return closeCode;
    }

    /** Whether the session has ended for good, not only begun to close. */
    boolean hasEnded() {
        return state == State.ENDED;
    }

    /** Whether the session has ended (its connection is gone or going). */
    public boolean isEnded() {
        return state != State.OPEN;
    }

    @Override
    public String toString() {
        return "Session{" + id + ", user=" + userId + ", " + connection.transport() + "}";
    }

}
