package io.switchboard.server.transport.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/2 connection (with GOAWAY, when placed behind the HTTP/2 codec) that has had no
 * open stream for the idle timeout, counted from its start or from the end of its last stream.
 * Each stream has a {@link RequestDeadline} of its own for its request. The multiplexer tells it
 * of streams opening and closing, on the connection's loop.
 */
public final class Http2IdleTimeout extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2IdleTimeout.class);

    private final long idleNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private int open;
    private boolean removed;

    public Http2IdleTimeout(Duration idleTimeout) {
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (open == 0) {
            arm();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        cancel();
    }

    /** A stream opened on this connection. */
    public void streamOpened() {
        open++;
        cancel();
    }

    /** A stream of this connection closed. */
    public void streamClosed() {
        if (--open == 0) {
            arm();
        }
    }

    private void arm() {
        cancel();
        if (removed || ctx == null) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            log.debug("HTTP/2 connection from {}: no stream within {} ms, closing", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(idleNanos));
            ctx.close();
        }, idleNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
