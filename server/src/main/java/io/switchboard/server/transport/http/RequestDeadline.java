package io.switchboard.server.transport.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.1 connection that takes longer than the request timeout to deliver a whole
 * request (head and body) from its first byte or from the connection's start, which is what a
 * slowloris client does, and one that stays idle between requests for longer than the idle
 * timeout. A response still being written (a long poll, an event stream) stops neither clock:
 * the connection is busy, not idle. Removed when the connection becomes a WebSocket or HTTP/2;
 * each HTTP/2 stream has one of its own (a stream late with its request is reset), and
 * {@link Http2IdleTimeout} watches the idleness of the HTTP/2 connection.
 */
public final class RequestDeadline extends ChannelDuplexHandler {
    public static final String NAME = "request-deadline";
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long requestNanos;
    private final long idleNanos;
    private ScheduledFuture<?> timer;
    private boolean inRequest;
    private int unanswered;
    private boolean removed;

    public RequestDeadline(Duration requestTimeout, Duration idleTimeout) {
        this.requestNanos = requestTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx, requestNanos, "no complete request");
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, requestNanos, "no complete request");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest && !inRequest) {
            inRequest = true;
            arm(ctx, requestNanos, "request not complete");
        }
        if (msg instanceof LastHttpContent && inRequest) {
            inRequest = false;
            cancel();
            if (++unanswered <= 0) {
                // Answered before it was whole (a 413 on its head): nothing is outstanding now.
                unanswered = 0;
                arm(ctx, idleNanos, "idle between requests");
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            ChannelPromise done = promise.unvoid();
            done.addListener(f -> {
                if (--unanswered <= 0 && !inRequest) {
                    unanswered = 0;
                    arm(ctx, idleNanos, "idle between requests");
                }
            });
            ctx.write(msg, done);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        cancel();
    }

    private void arm(ChannelHandlerContext ctx, long nanos, String why) {
        cancel();
        if (removed) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            log.debug("HTTP connection from {}: {} within {} ms, closing", ctx.channel().remoteAddress(), why,
                    TimeUnit.NANOSECONDS.toMillis(nanos));
            ctx.close();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
