package io.switchboard.server.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.session.FrameEncoding;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The connection of an SSE or long-polling session: every frame gets the session's next
 * sequence number and waits in a buffer. An SSE stream is written as frames come and keeps a
 * window of them for a resume; long-polling answers each poll with what came after its
 * acknowledgement, and keeps frames until they are acknowledged. The session outlives the HTTP
 * requests that carry it, for a while. Touched only on its event loop.
 *
 * <p>A client that stops reading is a slow consumer once more than the outbound bound waits for
 * it: frames written to its stream but not yet on the wire (SSE), or frames it has not
 * acknowledged (long-polling). Either way it gets the {@code disconnect} frame after the frames
 * before it: on the stream, or in the answer to its next poll.
 */
final class BufferedConnection implements Connection {
    /** How frames leave the buffer. */
    enum Mode { SSE, POLL }

    private final Mode mode;
    private final EventLoop loop;
    private final String token;
    private final String remote;
    private final StreamSettings settings;
    private final Consumer<BufferedConnection> onEnd;
    private final Boolean resumed;
    private final ArrayDeque<Buffered> frames = new ArrayDeque<>();
    /** Bytes written to the attached stream whose writes have not completed (on the stream's loop). */
    private AtomicLong unsentBytes = new AtomicLong();
    private Session session;
    private long seq;
    private long bufferedBytes;
    private boolean closing;
    private boolean expired;
    private boolean ended;
    private ScheduledFuture<?> expiry;
    // SSE: the stream now carrying the session, if any, and its heartbeat.
    private Channel stream;
    private ScheduledFuture<?> heartbeat;
    // Long-polling: the poll waiting for frames, if any.
    private PendingPoll poll;

    BufferedConnection(Mode mode, EventLoop loop, String token, String remote, StreamSettings settings,
                       Boolean resumed, Consumer<BufferedConnection> onEnd) {
        this.mode = mode;
        this.loop = loop;
        this.token = token;
        this.remote = remote;
        this.settings = settings;
        this.resumed = resumed;
        this.onEnd = onEnd;
    }

    void attach(Session session) {
        this.session = session;
        expireIn(settings.hold());
    }

    Session session() {
        return session;
    }

    /** Whether the session is {@code user}'s. */
    boolean ownedBy(String user) {
        return session != null && session.userId().equals(user);
    }

    Mode mode() {
        return mode;
    }

    // --- SSE ---

    /**
     * Makes {@code channel} carry the session from now, first replaying the frames after
     * {@code lastEventId} ({@code -1}: none); {@code false} when some of them are no longer kept.
     */
    boolean attachStream(Channel channel, long lastEventId) {
        long first = frames.isEmpty() ? seq + 1 : frames.peekFirst().seq;
        if (lastEventId >= 0 && lastEventId + 1 < first) {
            return false;
        }
        detachStream();
        cancelExpiry();
        stream = channel;
        unsentBytes = new AtomicLong();
        for (Buffered frame : frames) {
            if (frame.seq > lastEventId) {
                writeEvent(frame);
            }
        }
        stream.flush();
        heartbeat = loop.scheduleAtFixedRate(() -> {
            if (stream != null) {
                stream.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": ping\n\n", StandardCharsets.US_ASCII)));
            }
        }, settings.heartbeat().toMillis(), settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> loop.execute(() -> {
            if (stream == channel) {
                detachStream();
                expireIn(settings.hold());
            }
        }));
        trimWindow();
        return true;
    }

    private void detachStream() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
        stream = null;
    }

    /** Writes {@code frame} to the stream as an event, counted until it is on the wire. */
    private void writeEvent(Buffered frame) {
        byte[] head = ("id: " + frame.seq + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        DefaultHttpContent event = new DefaultHttpContent(Unpooled.wrappedBuffer(head, frame.json, new byte[] {'\n', '\n'}));
        long size = event.content().readableBytes();
        AtomicLong unsent = unsentBytes;
        unsent.addAndGet(size);
        stream.write(event).addListener(f -> unsent.addAndGet(-size));
    }

    // --- long-polling ---

    /**
     * A poll acknowledging every frame up to {@code ack}: answered at once with the frames after
     * it, or when one comes, or after {@code wait} with none. A newer poll answers an older one.
     */
    void poll(long ack, Duration wait, Consumer<byte[]> answer) {
        while (!frames.isEmpty() && frames.peekFirst().seq <= ack) {
            bufferedBytes -= frames.removeFirst().json.length;
        }
        if (ended) {
            // The session is over: this poll takes its last frames, the disconnect among them.
            answer.accept(pollBody(ack));
            forget();
            return;
        }
        expireIn(settings.hold());
        if (poll != null) {
            poll.answer(pollBody(poll.ack));
        }
        poll = new PendingPoll(ack, answer);
        if (hasFramesAfter(ack)) {
            answerPoll();
            return;
        }
        PendingPoll waiting = poll;
        waiting.timer = loop.schedule(() -> {
            if (poll == waiting) {
                answerPoll();
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void answerPoll() {
        PendingPoll answered = poll;
        poll = null;
        if (answered.timer != null) {
            answered.timer.cancel(false);
        }
        answered.answer(pollBody(answered.ack));
    }

    private boolean hasFramesAfter(long ack) {
        return !frames.isEmpty() && frames.peekLast().seq > ack;
    }

    /** {@code {"seq": N, "frames": [...]}} with the frames after {@code ack}. */
    private byte[] pollBody(long ack) {
        List<byte[]> parts = new ArrayList<>();
        int size = 32;
        for (Buffered frame : frames) {
            if (frame.seq > ack) {
                parts.add(frame.json);
                size += frame.json.length + 1;
            }
        }
        StringBuilder head = new StringBuilder("{\"seq\":").append(seq).append(",\"frames\":[");
        ByteBuf body = Unpooled.buffer(size + head.length());
        body.writeCharSequence(head, StandardCharsets.US_ASCII);
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                body.writeByte(',');
            }
            body.writeBytes(parts.get(i));
        }
        body.writeCharSequence("]}", StandardCharsets.US_ASCII);
        return ByteBufUtil.getBytes(body);
    }

    // --- buffering and expiry ---

    private void enqueue(byte[] json) {
        Buffered frame = new Buffered(++seq, json);
        frames.addLast(frame);
        bufferedBytes += json.length;
        if (mode == Mode.SSE && stream != null) {
            writeEvent(frame);
            trimWindow();
        }
    }

    /** An attached SSE stream keeps only a window of sent frames, for a resume. */
    private void trimWindow() {
        while (frames.size() > 1 && bufferedBytes > settings.resumeWindowBytes()) {
            bufferedBytes -= frames.removeFirst().json.length;
        }
    }

    private void expireIn(Duration after) {
        cancelExpiry();
        expiry = loop.schedule(() -> {
            expired = true;
            if (session != null && session.isOpen()) {
                session.close(CloseCodes.GOING_AWAY, "session expired", true);
            } else {
                end();
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        cancelExpiry();
        if (stream != null) {
            Channel ending = stream;
            detachStream();
            endStream(ending);
        }
        boolean unread = mode == Mode.POLL && poll == null && !frames.isEmpty() && !expired;
        if (poll != null) {
            answerPoll();
        }
        if (unread) {
            // Not polling now (a slow consumer, say): the next poll gets the last frames, for a while.
            expiry = loop.schedule(this::forget, settings.hold().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            forget();
        }
        if (session != null) {
            session.end();
        }
    }

    /** Ends the stream after its last frames; cuts it when they have not left within the close timeout. */
    private void endStream(Channel ending) {
        ChannelFuture last = ending.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (last.isDone()) {
            return;
        }
        ScheduledFuture<?> cut = ending.eventLoop().schedule(() -> {
            if (!last.isDone()) {
                ending.close();
            }
        }, settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        last.addListener(f -> cut.cancel(false));
    }

    /** Takes the session off the node's list: later requests naming it get 404. */
    private void forget() {
        cancelExpiry();
        onEnd.accept(this);
    }

    // --- Connection ---

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public FrameEncoding encoding() {
        return JsonFrameEncoding.INSTANCE;
    }

    @Override
    public String transport() {
        return mode == Mode.SSE ? "sse" : "poll";
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public void write(ByteBuf encoded, boolean flush) {
        try {
            enqueue(ByteBufUtil.getBytes(encoded));
        } finally {
            encoded.release();
        }
        if (flush) {
            flush();
        }
    }

    @Override
    public void send(byte[] frame) {
        enqueue(frame);
        flush();
    }

    @Override
    public void flush() {
        if (stream != null) {
            stream.flush();
        } else if (poll != null && hasFramesAfter(poll.ack)) {
            answerPoll();
        }
    }

    @Override
    public boolean isOverLimit() {
        if (mode == Mode.SSE && stream != null) {
            return unsentBytes.get() > settings.bufferBytes();
        }
        return bufferedBytes > settings.bufferBytes();
    }

    @Override
    public void pauseReading() {
        // Commands arrive in POST requests, each answered in full: nothing to pause.
    }

    @Override
    public void resumeReading() {
        // See pauseReading.
    }

    @Override
    public void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        // The disconnect frame is already in the buffer; the client gets it with the last frames.
        loop.execute(this::end);
    }

    @Override
    public String httpSession() {
        return token;
    }

    @Override
    public Boolean resumed() {
        return resumed;
    }

    String token() {
        return token;
    }

    private record Buffered(long seq, byte[] json) {
    }

    /** A long-poll request waiting for frames. */
    private static final class PendingPoll {
        final long ack;
        final Consumer<byte[]> answer;
        ScheduledFuture<?> timer;

        PendingPoll(long ack, Consumer<byte[]> answer) {
            this.ack = ack;
            this.answer = answer;
        }

        void answer(byte[] body) {
            answer.accept(body);
        }
    }
}
