package io.switchboard.server.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket client that sends whatever frames a test gives it (continuations, pings, frames
 * compressed by permessage-deflate) and records what comes back, down to the close code. For
 * attacks the SDK would never make; it neither answers pings nor aggregates frames.
 */
public final class RawWebSocket implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final Channel channel;
    private final Handler handler;

    private RawWebSocket(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
    }

    /** Connects and completes the handshake; fails with the server's refusal (see {@link #refusal}). */
    public static RawWebSocket open(URI uri, Consumer<HttpHeaders> headers, boolean deflate) {
        HttpHeaders extra = new DefaultHttpHeaders();
        headers.accept(extra);
        // No Origin unless the test sets one: tests of the origin rules need to leave it out.
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, true, extra, 16 * 1024 * 1024, true, false, 10_000, false, false);
        Handler handler = new Handler(handshaker);
        Channel channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
                        if (deflate) {
                            ch.pipeline().addLast(new WebSocketClientCompressionHandler(0));
                        }
                        ch.pipeline().addLast(handler);
                    }
                })
                .connect(uri.getHost(), uri.getPort()).syncUninterruptibly().channel();
        handler.handshaken.orTimeout(10, TimeUnit.SECONDS).join();
        return new RawWebSocket(channel, handler);
    }

    /** Opens a plain connection to {@code uri}. */
    public static RawWebSocket open(URI uri) {
        return open(uri, h -> { }, false);
    }

    /** The HTTP status of a refused handshake (or {@code 101} if it was accepted, then closed). */
    public static int refusal(URI uri, Consumer<HttpHeaders> headers) {
        try {
            open(uri, headers, false).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketClientHandshakeException) {
                return ((WebSocketClientHandshakeException) e.getCause()).response().status().code();
            }
            throw e;
        }
    }

    /** Writes and flushes one frame; completes when written (fails if the connection is gone). */
    public CompletableFuture<Void> send(WebSocketFrame frame) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        channel.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(f.cause());
            }
        });
        return written;
    }

    /** Writes one frame without flushing, for floods; see {@link #flush()}. */
    public void write(WebSocketFrame frame) {
        channel.write(frame, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** The headers of the server's handshake response. */
    public HttpHeaders handshakeHeaders() {
        return handler.handshakeHeaders;
    }

    /** Whether the TCP connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** The close code the server sent, or 1006 if the connection ended without a close frame. */
    public CompletableFuture<Integer> closeCode() {
        return handler.closeCode;
    }

    /** The reason of the server's close frame ({@code null} until one came). */
    public String closeReason() {
        return handler.closeReason;
    }

    /** Completes when the TCP connection has closed. */
    public CompletableFuture<Void> closed() {
        return handler.closed;
    }

    /** The text frames received so far. */
    public List<String> texts() {
        return List.copyOf(handler.texts);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<Object> {
        private final WebSocketClientHandshaker handshaker;
        final CompletableFuture<Void> handshaken = new CompletableFuture<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        volatile String closeReason;
        volatile HttpHeaders handshakeHeaders;

        Handler(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse) {
                try {
                    handshakeHeaders = ((FullHttpResponse) msg).headers().copy();
                    handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                    handshaken.complete(null);
                } catch (WebSocketClientHandshakeException e) {
                    handshaken.completeExceptionally(e);
                    ctx.close();
                }
            } else if (msg instanceof TextWebSocketFrame) {
                texts.add(((TextWebSocketFrame) msg).text());
            } else if (msg instanceof CloseWebSocketFrame) {
                CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
                closeReason = close.reasonText();
                closeCode.complete(close.statusCode());
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshaken.completeExceptionally(new IllegalStateException("connection closed during the handshake"));
            closeCode.complete(1006);
            closed.complete(null);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshaken.completeExceptionally(cause);
            ctx.close();
        }
    }
}
