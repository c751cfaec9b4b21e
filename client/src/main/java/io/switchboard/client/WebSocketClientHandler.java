package io.switchboard.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one WebSocket connection: runs the handshake, answers pings, completes the
 * closing handshake, and hands each text message to the subclass. Used by the SDK and by tools
 * that need a leaner client.
 */
public abstract class WebSocketClientHandler extends SimpleChannelInboundHandler<Object> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketClientHandler.class);

    private final WebSocketClientHandshaker handshaker;
    private final boolean autoPong;
    private final int maxFrameBytes;
    private int closeCode = 1006;
    private String closeReason = "closed without a close frame";

    protected WebSocketClientHandler(URI uri, HttpHeaders headers, boolean autoPong, int maxFrameBytes) {
        this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, headers, maxFrameBytes);
        this.autoPong = autoPong;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Connects {@code handler} to its server at {@code uri} (from {@code source}, when not null);
     * the handshake starts as soon as the TCP connection is up.
     */
    public static ChannelFuture connect(EventLoopGroup group, URI uri, InetAddress source, Duration timeout,
                                        WebSocketClientHandler handler) {
        return connect(group, uri, source, timeout, null, handler);
    }

    /**
     * Like {@link #connect(EventLoopGroup, URI, InetAddress, Duration, WebSocketClientHandler)},
     * over TLS with {@code tls} when it is not null (a {@code wss://} URI; port 443 by default):
     * the handshake request waits in the TLS handler until TLS is up.
     */
    public static ChannelFuture connect(EventLoopGroup group, URI uri, InetAddress source, Duration timeout,
                                        SslContext tls, WebSocketClientHandler handler) {
        int port = uri.getPort() > 0 ? uri.getPort() : tls != null ? 443 : 80;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(ClientEventLoops.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024), handler);
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
        return source == null ? bootstrap.connect(remote) : bootstrap.connect(remote, new InetSocketAddress(source, 0));
    }

    /** A text message from the server; the buffer is released after this returns. */
    protected abstract void onText(ByteBuf content);

    /** The server answered the handshake with {@code status} instead of 101; the connection closes. */
    protected abstract void onHandshakeRejected(int status, String body);

    /** The connection has closed, with the server's close code (1006 when it sent none). */
    protected abstract void onClosed(int code, String reason);

    /** A failure on the connection, which is then closed. */
    protected void onFailure(Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection error: {}", cause.toString());
        } else {
            log.warn("client connection failed", cause);
        }
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
                onHandshakeRejected(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
                ctx.close();
                return;
            }
            handshaker.finishHandshake(ctx.channel(), response);
            ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
            return;
        }
        if (msg instanceof TextWebSocketFrame) {
            onText(((TextWebSocketFrame) msg).content());
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
        onClosed(closeCode, closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        onFailure(cause);
        ctx.close();
    }
}
