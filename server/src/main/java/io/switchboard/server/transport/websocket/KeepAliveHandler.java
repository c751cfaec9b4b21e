package io.switchboard.server.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings the client at a fixed interval, whatever else is being written, so that a client that
 * only listens still answers with pongs and is not taken for idle.
 */
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
    private final long intervalMillis;
    private ScheduledFuture<?> pinger;

    KeepAliveHandler(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pinger = ctx.executor().scheduleAtFixedRate(
                () -> ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise()),
                intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
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
    }
}
