package io.switchboard.server.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings the client at a fixed interval, whatever else is being written, and fires a reader-idle
 * {@link IdleStateEvent} once nothing (no message, no pong) has arrived for the idle timeout.
 *
 * <p>Inbound only, unlike Netty's {@code IdleStateHandler}: every fan-out write passes the
 * duplex handlers of the pipeline, and this one keeps off that path.
 */
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
    private final long pingNanos;
    private final long idleNanos;
    private Ticker ticker;
    private long lastRead;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> idleCheck;

    KeepAliveHandler(Duration pingInterval, Duration idleTimeout) {
        this.pingNanos = pingInterval.toNanos();
        this.idleNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ticker = ctx.executor().ticker();
        lastRead = ticker.nanoTime();
        pinger = ctx.executor().scheduleAtFixedRate(
                () -> ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise()),
                pingNanos, pingNanos, TimeUnit.NANOSECONDS);
        idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), idleNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = ticker.nanoTime();
        ctx.fireChannelRead(msg);
    }

    private void checkIdle(ChannelHandlerContext ctx) {
        long quiet = ticker.nanoTime() - lastRead;
        if (quiet >= idleNanos) {
            idleCheck = null;
            ctx.fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        } else {
            idleCheck = ctx.executor().schedule(() -> checkIdle(ctx), idleNanos - quiet, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void stop() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
            idleCheck = null;
        }
    }
}
