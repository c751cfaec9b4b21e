package io.switchboard.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.server.auth.Identity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    /** Publications of one connection waiting for the broker at once. */
    private static final int MAX_RUNNING = 64;

    private enum State { OPEN, CLOSING, ENDED }

    private final String id;
    private final String userId;
    private Identity identity;
    private final CommandBudget budget;
    private final CommandDecoder decoder;
    private final Connection connection;
    private final CommandHandler handler;
    private final int maxPendingCommands;
    private final Set<String> rooms = new LinkedHashSet<>();
    private final ArrayDeque<Inbound> inbox = new ArrayDeque<>();
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
    /** Commands started and not yet answered, oldest first (see {@link #serveInbox}). */
    private final ArrayDeque<Running> running = new ArrayDeque<>();
    private boolean started;
    private boolean readingPaused;
    private boolean flushScheduled;
    /** Rooms joined a moment ago: their live frames pass a gate (see {@link #admit}). */
    private Map<String, RoomGate> gates;
    /** Run once when the session ends, however it ends. */
    private Runnable onEnd;

    public Session(String id, String userId, Connection connection, CommandHandler handler, int maxPendingCommands) {
        this(id, Identity.unverified(userId), connection, handler, SessionLimits.unlimited(maxPendingCommands));
    }

    /** A session of {@code identity}, held to {@code limits}. */
    public Session(String id, Identity identity, Connection connection, CommandHandler handler, SessionLimits limits) {
        this.id = id;
        this.identity = identity;
        this.budget = limits.budget(System.nanoTime());
        this.decoder = limits.decoder();
        this.userId = identity.userId();
        this.connection = connection;
        this.handler = handler;
        this.maxPendingCommands = limits.maxPendingCommands();
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
        if (state != State.OPEN) {
            replies.done();
            return;
        }
        Inbound item;
        try {
            item = new Inbound(decoder.decode(utf8), null, replies);
        } catch (FrameException e) {
            item = new Inbound(null, e, replies);
        }
        accept(item);
    }

    /**
     * A command the transport decoded from its own format (protobuf, say): served after every
     * command that came before it, as a frame would be.
     */
    public void receive(Command command) {
        if (state == State.OPEN) {
            accept(new Inbound(command, null, ownReplies));
        }
    }

    /** A command the transport could not decode: answered with the refusal, in its turn. */
    public void receive(FrameException refused) {
        if (state == State.OPEN) {
            accept(new Inbound(null, refused, ownReplies));
        }
    }

    private void accept(Inbound item) {
        if (!withinBudget(item)) {
            return;
        }
        inbox.add(item);
        if (inbox.size() > maxPendingCommands && !readingPaused) {
            readingPaused = true;
            connection.pauseReading();
        }
        serveInbox();
    }

    /**
     * Whether one more frame fits the command budget. Over it, the frame is refused with
     * {@code rate_limited}; a client that floods on through the refusals is closed with 4029.
     */
    private boolean withinBudget(Inbound item) {
        if (budget == null || budget.take(System.nanoTime())) {
            return true;
        }
        if (budget.flooding()) {
            log.warn("session {} (user {}, {}): command flood, closing", id, userId, connection.remoteAddress());
            item.replies.done();
            close(CloseCodes.RATE_LIMITED, "rate limited", true);
            return false;
        }
        handler.refused(item.command != null ? item.command.type() : "invalid", ErrorCode.RATE_LIMITED);
        JsonNode commandId = item.command != null ? item.command.id() : item.error.id();
        item.replies.reply(ServerFrames.error(commandId, ErrorCode.RATE_LIMITED, "too many commands: slow down"));
        item.replies.done();
        return false;
    }

    /** A control frame (a ping) counts against the command budget too. */
    public void receiveControl() {
        if (state == State.OPEN && budget != null && !budget.take(System.nanoTime()) && budget.flooding()) {
            log.warn("session {} (user {}, {}): control frame flood, closing", id, userId, connection.remoteAddress());
            close(CloseCodes.RATE_LIMITED, "rate limited", true);
        }
    }

    /**
     * Starts serving commands; those that arrived before wait until then, so that nothing is
     * answered before the {@code connected} frame.
     */
    public void start() {
        started = true;
        serveInbox();
    }

    /**
     * Starts the commands waiting, in order, while they may start: any command when none is
     * running; otherwise only a publication (room or direct message) behind publications, up
     * to {@link #MAX_RUNNING}. Publications reach the broker in the order they came and each
     * waits for its round trip to Redis concurrently, so one connection can publish faster than
     * one message per round trip; every other command runs alone, so it sees the effects of those
     * before it and the ones after see its own. Answers go out in the order the commands came.
     */
    private void serveInbox() {
        Inbound item;
        while (started && state == State.OPEN && (item = inbox.peek()) != null && mayStart(item)) {
            inbox.poll();
            if (item.error != null) {
                handler.refused("invalid", item.error.code());
            }
            CompletableFuture<Reply> result = item.error != null ? CompletableFuture.failedFuture(item.error)
                    : start(item.command);
            if (result.isDone() && running.isEmpty()) {
                answer(item, result);
                continue;
            }
            running.add(new Running(item, result));
            // Always, even if it is done by now: another thread may have completed it since it
            // was found not done above, and then nothing else would answer it.
            result.whenComplete((reply, failure) -> eventLoop().execute(this::answerFinished));
        }
        if (readingPaused && inbox.size() <= maxPendingCommands / 2) {
            readingPaused = false;
            connection.resumeReading();
        }
    }

    private boolean mayStart(Inbound item) {
        if (running.isEmpty()) {
            return true;
        }
        // A command that runs alone is always first in line, so the first tells what is running.
        return running.size() < MAX_RUNNING && pipelined(item) && pipelined(running.peek().item);
    }

    private static boolean pipelined(Inbound item) {
        return item.error != null || item.command instanceof Command.RoomMessage
                || item.command instanceof Command.DirectMessage;
    }

    /** Answers, in order, the running commands that are done, up to the first that is not. */
    private void answerFinished() {
        boolean answered = false;
        while (!running.isEmpty() && running.peek().result.isDone()) {
            Running done = running.poll();
            answered = true;
            if (state == State.ENDED) {
                done.item.replies.done();
            } else {
                answer(done.item, done.result);
            }
        }
        if (state == State.ENDED) {
            if (answered && running.isEmpty()) {
                // The connection went while commands ran; forget the session only now, so that
                // their effects are undone rather than left behind.
                handler.closed(this);
            }
            return;
        }
        serveInbox();
    }

    private CompletableFuture<Reply> start(Command command) {
        try {
            return handler.handle(this, command).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void answer(Inbound item, CompletableFuture<Reply> result) {
        try {
            if (state == State.OPEN) {
                byte[] frame = answerFrame(item, result);
                if (frame != null) {
                    item.replies.reply(frame);
                }
            }
        } finally {
            item.replies.done();
        }
    }

    private byte[] answerFrame(Inbound item, CompletableFuture<Reply> result) {
        Command command = item.command;
        JsonNode commandId = command != null ? command.id() : item.error.id();
        Reply reply;
        try {
            reply = result.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FrameException) {
                FrameException fe = (FrameException) cause;
                return ServerFrames.error(commandId, fe.code(), fe.getMessage());
            }
            log.error("session {} (user {}): {} failed", id, userId, command != null ? command.type() : "invalid", cause);
            return ServerFrames.error(commandId, ErrorCode.INTERNAL, "internal error");
        }
        if (reply.isPong()) {
            return ServerFrames.pong(command.id());
        }
        return command.id() != null ? ServerFrames.ack(command.id(), reply.fields()) : null;
    }

    /**
     * Starts gating the room's live frames while the session joins it: they are held back until
     * {@link #releaseRoom} has sent what the client missed (if anything), so nothing is sent
     * twice or out of order at the seam.
     */
    public void holdRoom(String room) {
        if (gates == null) {
            gates = new HashMap<>();
        }
        gates.put(room, new RoomGate());
    }

    /** Whether the room's live frames pass the gate of a recent join rather than go straight out. */
    public boolean isGated(String room) {
        return gates != null && gates.containsKey(room);
    }

    /**
     * A live frame of a gated room: held while the join is under way; afterwards sent unless its
     * offset is one the join already covered. The first newer message opens the gate for good.
     */
    public void admit(String room, byte[] frame) {
        RoomGate gate = gates.get(room);
        if (gate.held != null) {
            gate.held.add(frame);
            if (gate.held.size() > MAX_HELD_FRAMES) {
                log.warn("session {} (user {}): {} frames held while joining {}, closing as slow consumer",
                        id, userId, gate.held.size(), room);
                close(CloseCodes.SLOW_CONSUMER, "slow consumer", true);
            }
            return;
        }
        long offset = FrameTemplate.offsetOf(frame);
        if (offset >= 0 && offset <= gate.through) {
            return;
        }
        if (offset > gate.through) {
            removeGate(room);
        }
        send(frame);
    }

    /**
     * Ends holding the room: sends {@code replay} (the missed frames, oldest first), then the
     * held live frames except those with an offset up to {@code through}, which the replay (or
     * the client's fresh start at {@code through}) already covers. Frames still on their way
     * are checked the same way until a newer one passes.
     */
    public void releaseRoom(String room, List<byte[]> replay, long through) {
        RoomGate gate = gates == null ? null : gates.get(room);
        if (gate == null) {
            return;
        }
        List<byte[]> live = gate.held;
        gate.held = null;
        gate.through = through;
        if (state != State.OPEN) {
            removeGate(room);
            return;
        }
        for (byte[] frame : replay) {
            connection.send(frame);
        }
        boolean newerPassed = false;
        for (byte[] frame : live) {
            long offset = FrameTemplate.offsetOf(frame);
            if (offset >= 0 && offset <= through) {
                continue;
            }
            newerPassed |= offset > through;
            connection.send(frame);
        }
        if (newerPassed) {
            removeGate(room);
        }
        checkOutboundBound();
    }

    /** Stops gating the room (the join failed, or the session left it). */
    public void removeGate(String room) {
        if (gates != null && gates.remove(room) != null && gates.isEmpty()) {
            gates = null;
        }
    }

    /** A frame for this connection alone (a reply, the {@code connected} frame), flushed at once. */
    public void send(byte[] frame) {
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
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        if (onEnd != null) {
            onEnd.run();
        }
        Inbound item;
        while ((item = inbox.poll()) != null) {
            item.replies.done();
        }
        if (started && running.isEmpty()) {
            handler.closed(this);
        }
    }

    /** The close code the server ended the session with, or {@code 0} when the peer ended it. */
    public int closeCode() {
        return closeCode;
    }

    /** Whether the session has ended (its connection is gone or going). */
    public boolean isEnded() {
        return state != State.OPEN;
    }

    @Override
    public String toString() {
        return "Session{" + id + ", user=" + userId + ", " + connection.transport() + "}";
    }

    /** The seam of one join: frames held until the join completes, then those it covered dropped. */
    private static final class RoomGate {
        List<byte[]> held = new ArrayList<>();
        long through = -1;
    }

    private record Running(Inbound item, CompletableFuture<Reply> result) {
    }

    private static final class Inbound {
        final Command command;
        final FrameException error;
        final Replies replies;

        Inbound(Command command, FrameException error, Replies replies) {
            this.command = command;
            this.error = error;
            this.replies = replies;
        }
    }
}
