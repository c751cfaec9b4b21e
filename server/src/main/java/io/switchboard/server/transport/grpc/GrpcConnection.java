package io.switchboard.server.transport.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.session.FrameEncoding;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Session;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A session's connection over one gRPC server stream ({@code Connect} or {@code Subscribe}).
 * Frames go out as serialized messages while the stream is ready; while it is not (the client
 * reads slower than frames come), they wait here, and past the outbound bound the session is
 * closed as a slow consumer: the stream then ends with {@code RESOURCE_EXHAUSTED}. Touched only
 * on its event loop.
 */
final class GrpcConnection implements Connection {
    private final EventLoop loop;
    private final ServerCallStreamObserver<byte[]> out;
    private final FrameEncoding encoding;
    private final Function<byte[], byte[]> ownFrames;
    private final String transport;
    private final String remote;
    private final long maxQueuedBytes;
    private final Duration closeTimeout;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private Session session;
    private boolean paused;
    private boolean requestOwed;
    private Status closing;
    private ScheduledFuture<?> closeTimer;
    private boolean finished;

    /**
     * {@code encoding} turns shared frames into this stream's messages; {@code ownFrames} does
     * the same for frames meant for this connection alone, answering {@code null} for those the
     * stream does not carry.
     */
    GrpcConnection(EventLoop loop, ServerCallStreamObserver<byte[]> out, FrameEncoding encoding,
                   Function<byte[], byte[]> ownFrames, String transport, String remote, long maxQueuedBytes,
                   Duration closeTimeout) {
        this.loop = loop;
        this.out = out;
        this.encoding = encoding;
        this.ownFrames = ownFrames;
        this.transport = transport;
        this.remote = remote;
        this.maxQueuedBytes = maxQueuedBytes;
        this.closeTimeout = closeTimeout;
    }

    void attach(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public FrameEncoding encoding() {
        return encoding;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public void write(ByteBuf encoded, boolean flush) {
        try {
            if (!finished && encoded.isReadable()) {
                enqueue(GrpcFrames.messageBytes(encoded));
            }
        } finally {
            encoded.release();
        }
    }

    @Override
    public void send(byte[] frame) {
        if (finished) {
            return;
        }
        byte[] message = ownFrames.apply(frame);
        if (message != null) {
            enqueue(message);
        }
    }

    @Override
    public void flush() {
        // gRPC flushes each message itself.
    }

    private void enqueue(byte[] message) {
        if (queue.isEmpty() && out.isReady()) {
            out.onNext(message);
        } else {
            queue.add(message);
            queuedBytes += message.length;
        }
    }

    /** The stream can take more: sends what waits, and ends a closing stream once all is sent. */
    void onReady() {
        while (!finished && !queue.isEmpty() && out.isReady()) {
            byte[] message = queue.poll();
            queuedBytes -= message.length;
            out.onNext(message);
        }
        if (closing != null && queue.isEmpty()) {
            finish();
        }
    }

    @Override
    public boolean isOverLimit() {
        return queuedBytes > maxQueuedBytes;
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        paused = false;
        if (requestOwed) {
            requestOwed = false;
            out.request(1);
        }
    }

    /** A command was handed to the session: asks for the next one unless reading is paused. */
    void commandTaken() {
        if (finished) {
            return;
        }
        if (paused) {
            requestOwed = true;
        } else {
            out.request(1);
        }
    }

    @Override
    public void close(int code, String reason) {
        // A slow consumer would not read what waits anyway: it goes at once, unsent.
        end(GrpcStatuses.ofClose(code).withDescription(reason), code == CloseCodes.SLOW_CONSUMER);
    }

    /**
     * Ends the stream with {@code status} once what waits is sent (the {@code disconnect} frame
     * among it), or after the close timeout, whichever comes first.
     */
    void fail(Status status) {
        end(status, false);
    }

    private void end(Status status, boolean now) {
        if (closing != null || finished) {
            return;
        }
        closing = status;
        if (queue.isEmpty() || now) {
            finish();
        } else {
            closeTimer = loop.schedule(this::finish, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        dropQueue();
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        if (closing.isOk()) {
            out.onCompleted();
        } else {
            out.onError(closing.asRuntimeException());
        }
        endSession();
    }

    /**
     * Forgets the session in a task of its own: this may run inside the hub's fan-out over the
     * session's room, which must not change under it.
     */
    private void endSession() {
        if (session != null) {
            Session ended = session;
            loop.execute(ended::end);
        }
    }

    /** The client cancelled the call or the connection broke: forget the session. */
    void peerGone() {
        finished = true;
        dropQueue();
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        endSession();
    }

    /** The client finished sending: the server finishes too, like a WebSocket close handshake. */
    void clientDone() {
        fail(Status.OK);
    }

    private void dropQueue() {
        queue.clear();
        queuedBytes = 0;
    }
}
