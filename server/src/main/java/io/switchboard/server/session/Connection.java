package io.switchboard.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/** What a transport offers a {@link Session}: one wire connection, touched only on its event loop. */
public interface Connection {
    /** The loop that owns this connection and its session. */
    EventLoop eventLoop();

    /** How shared frames are put on this connection's wire. */
    FrameEncoding encoding();

    /** Short transport name for logs and metrics, e.g. {@code websocket}. */
    String transport();

    /** The peer's address, for logs. */
    String remoteAddress();

    /**
     * Queues a frame already in this connection's {@link #encoding()}, and flushes when
     * {@code flush}; takes ownership of {@code encoded}.
     */
    void write(ByteBuf encoded, boolean flush);

    /** Encodes, queues and flushes a frame meant for this connection alone. */
    void send(byte[] frame);

    /** Flushes what {@link #write} queued. */
    void flush();

    /** Whether more bytes wait to be written than the outbound bound allows. */
    boolean isOverLimit();

    /** Stops reading from the peer (commands pile up) until {@link #resumeReading()}. */
    void pauseReading();

    void resumeReading();

    /** Starts closing the connection with a close code and reason; idempotent. */
    void close(int code, String reason);

    /** The id of the HTTP session this connection is (SSE, long-polling), or {@code null}. */
    default String httpSession() {
        return null;
    }

    /** {@code false} when the client asked to resume a session that is gone; {@code null} otherwise. */
    default Boolean resumed() {
        return null;
    }
}
