package io.switchboard.server.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
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
import io.switchboard.server.session.FrameEncoding;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts one upgraded WebSocket channel to its {@link Session}: frames in, frames out, closing.
 * A client that brought no token in its handshake has no session yet: its text frames go to a
 * {@link PreSession} until the {@code connect} frame opens one.
 */
final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements Connection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** The name Netty's server handshaker gives the WebSocket frame encoder. */
    private static final String ENCODER = "wsencoder";
    /** Pings a client may send while it has yet to authenticate; the connect timeout bounds the time. */
    private static final int MAX_PINGS_BEFORE_SESSION = 16;

    private final Channel channel;
    private final Duration closeTimeout;
    private final int maxFrameBytes;
    private final boolean compressed;
    private Session session;
    private PreSession preSession;
    /** Where frames enter the pipeline: past the message encoder when they are encoded already. */
    private ChannelHandlerContext context;
    private boolean closing;
    private int pingsBeforeSession;

    /**
     * {@code compressed}: permessage-deflate was negotiated, so frames go out as frame objects,
     * through the extension's encoder, rather than pre-encoded.
     */
    WebSocketConnection(Channel channel, Duration closeTimeout, int maxFrameBytes, boolean compressed) {
        this.channel = channel;
        this.closeTimeout = closeTimeout;
        this.maxFrameBytes = maxFrameBytes;
        this.compressed = compressed;
    }

    WebSocketConnection(Channel channel, Duration closeTimeout, int maxFrameBytes) {
        this(channel, closeTimeout, maxFrameBytes, false);
    }

    void attach(Session session) {
        this.session = session;
        this.preSession = null;
    }

    /** Until a session is attached, text frames go to {@code preSession}. */
    void awaitSession(PreSession preSession) {
        this.preSession = preSession;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Frames are encoded by the hub already: written from the encoder's own context, they
        // start at the handler in front of it and skip it and everything behind it.
        ChannelHandlerContext encoder = compressed ? null : ctx.pipeline().context(ENCODER);
        this.context = encoder != null ? encoder : ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame) {
            onPeerClose(ctx, (CloseWebSocketFrame) frame);
        } else if (closing) {
            log.debug("{}: ignored {} after close", this, frame.getClass().getSimpleName());
        } else if (session == null) {
            readBeforeSession(ctx, frame);
        } else if (frame instanceof TextWebSocketFrame) {
            session.receive(ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof PingWebSocketFrame) {
            session.receiveControl();
            if (session.isOpen()) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            }
        } else if (frame instanceof BinaryWebSocketFrame) {
            session.send(ServerFrames.error(null, ErrorCode.BAD_REQUEST,
                    "binary frames are not supported: send each frame as one JSON text message"));
        } else if (!(frame instanceof PongWebSocketFrame)) {
            log.debug("{}: ignored {}", session, frame.getClass().getSimpleName());
        }
    }

    private void readBeforeSession(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (preSession == null) {
            // The session is being opened: nothing may come before the connected frame.
            log.debug("{}: frame before the session opened, ignored", this);
        } else if (frame instanceof TextWebSocketFrame) {
            preSession.receive(this, ByteBufUtil.getBytes(frame.content()));
        } else if (!(frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame)) {
            refuse(CloseCodes.UNAUTHORIZED, "authenticate first: send a connect frame with a token", false);
        } else if (frame instanceof PingWebSocketFrame) {
            if (++pingsBeforeSession > MAX_PINGS_BEFORE_SESSION) {
                refuse(CloseCodes.RATE_LIMITED, "rate limited", false);
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            }
        }
    }

    /** Ends a connection that has no session: {@code disconnect}, then the close frame. */
    void refuse(int code, String reason, boolean reconnect) {
        if (closing) {
            return;
        }
        send(ServerFrames.disconnect(code, reason, reconnect));
        close(code, reason);
    }

    /** Ends the connection through its session, or without one when there is none yet. */
    private void end(int code, String reason, boolean reconnect) {
        if (session != null) {
            session.close(code, reason, reconnect);
        } else {
            refuse(code, reason, reconnect);
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
            log.debug("{}: nothing received for the idle timeout, closing", this);
            end(CloseCodes.GOING_AWAY, "idle timeout", true);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.end();
        } else if (preSession != null) {
            preSession.ended();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            CorruptedWebSocketFrameException e = (CorruptedWebSocketFrameException) cause;
            log.debug("{}: bad frame: {}", this, e.getMessage());
            end(e.closeStatus().code(), e.closeStatus().reasonText(), false);
        } else if (cause instanceof TooLongFrameException || cause instanceof DecompressionException) {
            // A message over the limit, sent as is or inflating past it (a deflate bomb).
            log.debug("{}: message over {} bytes", this, maxFrameBytes);
            end(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxFrameBytes + " bytes", false);
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // The peer went away, possibly in the middle of a fragmented message.
            log.debug("{}: connection error: {}", this, cause.toString());
            ctx.close();
        } else {
            log.warn("{}: unexpected failure, closing", this, cause);
            end(CloseCodes.INTERNAL_ERROR, "internal error", true);
        }
    }

    // --- Connection ---

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public FrameEncoding encoding() {
        return compressed ? WebSocketPayloadEncoding.INSTANCE : WebSocketTextEncoding.INSTANCE;
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
        Object message = compressed ? new TextWebSocketFrame(encoded) : encoded;
        if (flush) {
            context.writeAndFlush(message, context.voidPromise());
        } else {
            context.write(message, context.voidPromise());
        }
    }

    @Override
    public void send(byte[] frame) {
        write(encoding().encode(channel.alloc(), frame), true);
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
    public String toString() {
        return session != null ? session.toString() : "WebSocket{" + channel.remoteAddress() + ", no session yet}";
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
