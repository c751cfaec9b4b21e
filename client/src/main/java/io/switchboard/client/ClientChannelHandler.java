package io.switchboard.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's pipeline end: runs the handshake, then hands frames to the client. */
final class ClientChannelHandler extends SimpleChannelInboundHandler<Object> {
    private static final Logger log = LoggerFactory.getLogger(ClientChannelHandler.class);

    private final SwitchboardClient client;
    private final WebSocketClientHandshaker handshaker;
    private final boolean autoPong;
    private final int maxFrameBytes;
    private int closeCode = 1006;
    private String closeReason = "closed without a close frame";

    ClientChannelHandler(SwitchboardClient client, WebSocketClientHandshaker handshaker, boolean autoPong,
                         int maxFrameBytes) {
        this.client = client;
        this.handshaker = handshaker;
        this.autoPong = autoPong;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete()) {
            FullHttpResponse response = (FullHttpResponse) msg;
            if (!HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                client.onHandshakeRejected(response.status().code(), response.content());
                ctx.close();
                return;
            }
            handshaker.finishHandshake(ctx.channel(), response);
            ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
            return;
        }
        if (msg instanceof TextWebSocketFrame) {
            client.onText(((TextWebSocketFrame) msg).content());
        } else if (msg instanceof PingWebSocketFrame) {
            if (autoPong) {
                ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content().retain()));
            }
        } else if (msg instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
            closeCode = close.statusCode();
            closeReason = close.reasonText();
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(f -> ctx.close());
        } else if (!(msg instanceof PongWebSocketFrame)) {
            log.debug("ignored {}", msg.getClass().getSimpleName());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.onClosed(new Events.Closed(closeCode, closeReason), null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection error: {}", cause.toString());
        } else {
            log.warn("client connection failed", cause);
        }
        ctx.close();
    }
}
