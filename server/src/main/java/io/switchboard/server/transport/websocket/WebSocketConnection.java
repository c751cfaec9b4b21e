package io.switchboard.server.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.server.hub.FrameEncoding;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts one upgraded WebSocket channel to its {@link Session}: frames in, frames out, closing. */
final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements Connection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** The name Netty's server handshaker gives the WebSocket frame encoder. */
    private static final String ENCODER = "wsencoder";

    private final Channel channel;
    private final Duration closeTimeout;
    private final int maxFrameBytes;
    private Session session;
    /** Where pre-encoded frames enter the pipeline. */
    private ChannelHandlerContext context;
    private boolean closing;

    WebSocketConnection(Channel channel, Duration closeTimeout, int maxFrameBytes) {
        this.channel = channel;
        this.closeTimeout = closeTimeout;
        this.maxFrameBytes = maxFrameBytes;
    }

    void attach(Session session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Frames are encoded by the hub already: written from the encoder's own context, they
        // start at the handler in front of it and skip it and everything behind it.
        ChannelHandlerContext encoder = ctx.pipeline().context(ENCODER);
        this.context = encoder != null ? encoder : ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            session.receive(ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
        } else if (frame instanceof CloseWebSocketFrame) {
            onPeerClose(ctx, (CloseWebSocketFrame) frame);
        } else if (frame instanceof BinaryWebSocketFrame) {
            session.send(ServerFrames.error(null, ErrorCode.BAD_REQUEST,
                    "binary frames are not supported: send each frame as one JSON text message"));
        } else if (!(frame instanceof PongWebSocketFrame)) {
            log.debug("{}: ignored {}", session, frame.getClass().getSimpleName());
        }
    }

    private void onPeerClose(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
        if (closing) {
            // The peer answered our close: the closing handshake is complete.
            ctx.close();
            return;
        }
        closing = true;
        int status = frame.statusCode();
        CloseWebSocketFrame echo = status < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(status, "");
        ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            log.debug("{}: nothing received for the idle timeout, closing", session);
            session.close(CloseCodes.GOING_AWAY, "idle timeout", true);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.end();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            CorruptedWebSocketFrameException e = (CorruptedWebSocketFrameException) cause;
            log.debug("{}: bad frame: {}", session, e.getMessage());
            session.close(e.closeStatus().code(), e.closeStatus().reasonText(), false);
        } else if (cause instanceof TooLongFrameException) {
            log.debug("{}: message over {} bytes", session, maxFrameBytes);
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxFrameBytes + " bytes", false);
        } else if (cause instanceof IOException) {
            log.debug("{}: connection error: {}", session, cause.toString());
            ctx.close();
        } else {
            log.warn("{}: unexpected failure, closing", session, cause);
            session.close(CloseCodes.INTERNAL_ERROR, "internal error", true);
        }
    }

    // --- Connection ---

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public FrameEncoding encoding() {
        return WebSocketTextEncoding.INSTANCE;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public void write(ByteBuf encoded, boolean flush) {
        if (flush) {
            context.writeAndFlush(encoded, context.voidPromise());
        } else {
            context.write(encoded, context.voidPromise());
        }
    }

    @Override
    public void send(byte[] frame) {
        write(WebSocketTextEncoding.INSTANCE.encode(channel.alloc(), frame), true);
    }

    @Override
    public void flush() {
        context.flush();
    }

    @Override
    public boolean isOverLimit() {
        return !channel.isWritable() && channel.isActive();
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
    }

    @Override
    public void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        // A peer that never answers the close (or never reads) is dropped after the timeout.
        var timer = channel.eventLoop().schedule(
                () -> channel.close(), closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> timer.cancel(false));
    }
}
