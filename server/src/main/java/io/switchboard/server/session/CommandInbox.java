package io.switchboard.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.ServerFrames;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's commands, served in the order they came and answered in that order: held to the
 * command budget, bounded (past the bound the connection stops being read), and run one at a
 * time except publications, which may run side by side behind each other. Owned by one
 * session, on its loop.
 */
final class CommandInbox {
    private static final Logger log = LoggerFactory.getLogger(CommandInbox.class);
    /** Publications of one connection waiting for the broker at once. */
    private static final int MAX_RUNNING = 64;

    private final Session session;
    private final Connection connection;
    private final CommandHandler handler;
    private final CommandBudget budget;
    private final int maxPending;
    private final ArrayDeque<Inbound> waiting = new ArrayDeque<>();
    /** Commands started and not yet answered, oldest first (see {@link #serve}). */
    private final ArrayDeque<Running> running = new ArrayDeque<>();
    private boolean started;
    private boolean readingPaused;

    /** {@code budget}: the command budget, or {@code null} for none. */
    CommandInbox(Session session, Connection connection, CommandHandler handler, CommandBudget budget, int maxPending) {
        this.session = session;
        this.connection = connection;
        this.handler = handler;
        this.budget = budget;
        this.maxPending = maxPending;
    }

    /** A command (or the refusal of one that could not be decoded), answered to {@code replies}. */
    void accept(Command command, FrameException error, Replies replies) {
        Inbound item = new Inbound(command, error, replies);
        if (!withinBudget(item)) {
            return;
        }
        waiting.add(item);
        if (waiting.size() > maxPending && !readingPaused) {
            readingPaused = true;
            connection.pauseReading();
        }
        serve();
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
            log.warn("session {} (user {}, {}): command flood, closing", session.id(), session.userId(),
                    connection.remoteAddress());
            item.replies.done();
            session.close(CloseCodes.RATE_LIMITED, "rate limited", true);
            return false;
        }
        handler.refused(item.command != null ? item.command.type() : "invalid", ErrorCode.RATE_LIMITED);
        JsonNode commandId = item.command != null ? item.command.id() : item.error.id();
        item.replies.reply(ServerFrames.error(commandId, ErrorCode.RATE_LIMITED, "too many commands: slow down"));
        item.replies.done();
        return false;
    }

    /** A control frame (a ping) spends the budget too: whether the client floods with them. */
    boolean floodedByControlFrame() {
        return budget != null && !budget.take(System.nanoTime()) && budget.flooding();
    }

    /** Starts serving; the commands that came before wait until then. */
    void start() {
        started = true;
        serve();
    }

    /**
     * The session has ended: the commands still waiting are dropped. Whether the session may be
     * forgotten now, which is when it had started and no command is running; otherwise the last
     * command to finish tells the handler.
     */
    boolean discard() {
        Inbound item;
        while ((item = waiting.poll()) != null) {
            item.replies.done();
        }
        return started && running.isEmpty();
    }

    /**
     * Starts the commands waiting, in order, while they may start: any command when none is
     * running; otherwise only a publication (room or direct message) behind publications, up
     * to {@link #MAX_RUNNING}. Publications reach the broker in the order they came and each
     * waits for its round trip to Redis concurrently, so one connection can publish faster than
     * one message per round trip; every other command runs alone, so it sees the effects of those
     * before it and the ones after see its own. Answers go out in the order the commands came.
     */
    private void serve() {
        Inbound item;
        while (started && session.isOpen() && (item = waiting.peek()) != null && mayStart(item)) {
            waiting.poll();
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
            result.whenComplete((reply, failure) -> connection.eventLoop().execute(this::answerFinished));
        }
        if (readingPaused && waiting.size() <= maxPending / 2) {
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
        assert connection.eventLoop().inEventLoop() : session + " answered off its loop";
        boolean answered = false;
        while (!running.isEmpty() && running.peek().result.isDone()) {
            Running done = running.poll();
            answered = true;
            if (session.hasEnded()) {
                done.item.replies.done();
            } else {
                answer(done.item, done.result);
            }
        }
        if (session.hasEnded()) {
            if (answered && running.isEmpty()) {
                // The connection went while commands ran; forget the session only now, so that
                // their effects are undone rather than left behind.
                handler.closed(session);
            }
            return;
        }
        serve();
    }

    private CompletableFuture<Reply> start(Command command) {
        try {
            return handler.handle(session, command).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void answer(Inbound item, CompletableFuture<Reply> result) {
        try {
            if (session.isOpen()) {
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
            if (cause instanceof FrameException refused) {
                return ServerFrames.error(commandId, refused.code(), refused.getMessage());
            }
            log.error("session {} (user {}): {} failed", session.id(), session.userId(),
                    command != null ? command.type() : "invalid", cause);
            return ServerFrames.error(commandId, ErrorCode.INTERNAL, "internal error");
        }
        if (reply.isPong()) {
            return ServerFrames.pong(command.id());
        }
        return command.id() != null ? ServerFrames.ack(command.id(), reply.fields()) : null;
    }

    private record Running(Inbound item, CompletableFuture<Reply> result) {
    }

    /** A command, or the refusal of one, and where its answer goes. */
    private record Inbound(Command command, FrameException error, Replies replies) {
    }
}
