package io.switchboard.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.switchboard.server.transport.http.ClientErrors;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.http.ProblemAggregator;
import io.switchboard.server.transport.http.Http2IdleTimeout;
import io.switchboard.server.transport.http.RequestDeadline;
import java.util.List;
import io.switchboard.server.transport.http.HttpRouter;
import java.util.function.Supplier;

/**
 * The pipeline of every accepted connection. In clear text: HTTP/1.1, or HTTP/2 by prior
 * knowledge ({@code Upgrade: h2c} is not taken up). Over TLS: HTTP/2 or HTTP/1.1 as ALPN
 * decides. HTTP/2 streams each get a child channel that speaks HTTP objects to the same router;
 * WebSocket upgrades happen on HTTP/1.1.
 */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String AGGREGATOR = "http-aggregator";
    public static final String CORS = "cors";
    public static final String COMPRESSION = "ws-compression";
    /** Handlers that serve HTTP requests only, removed when a connection becomes a WebSocket. */
    public static final List<String> HTTP_ONLY = List.of(AGGREGATOR, CORS, COMPRESSION, RequestDeadline.NAME);
    private static final String CODEC = "http";
    /** Every HTTP/1.1 handler of a connection. */
    private static final List<String> HTTP1 = List.of(CODEC, RequestDeadline.NAME, AGGREGATOR, COMPRESSION, CORS,
            HttpRouter.NAME);
    private static final int MAX_REQUEST_BODY = 64 * 1024;

    private final Supplier<HttpRouter> routers;
    private final ChannelGroup connections;
    private final SslContext tls;
    private final CorsConfig cors;
    private final ServerConfig config;

    /**
     * {@code connections} collects every accepted channel, so that shutdown can close them;
     * {@code tls} is {@code null} for clear text.
     */
    public HttpChannelInitializer(Supplier<HttpRouter> routers, ChannelGroup connections, SslContext tls,
                                  CorsConfig cors, ServerConfig config) {
        this.routers = routers;
        this.connections = connections;
        this.tls = tls;
        this.cors = cors;
        this.config = config;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        // First, so that the writes of one read burst or one fan-out batch leave in one flush.
        pipeline.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
        if (tls != null) {
            SslHandler handler = tls.newHandler(channel.alloc());
            handler.setHandshakeTimeoutMillis(config.network().handshakeTimeout().toMillis());
            pipeline.addLast("tls", handler);
            pipeline.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        addHttp2(ctx.pipeline());
                    } else {
                        ctx.pipeline().addLast(CODEC, codec());
                        addHttp1(ctx.pipeline(), true);
                    }
                }
            });
            return;
        }
        // HTTP/2 by prior knowledge only. A request asking for "Upgrade: h2c" is answered over
        // HTTP/1.1: that upgrade is deprecated (RFC 9113), and the JDK's HttpClient, which asks
        // for it on every first request in clear text, intermittently stalls on a response of
        // more than one DATA frame sent right behind the 101.
        pipeline.addLast("h2c", new Http2PriorKnowledge(HTTP1, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                addHttp2(ch.pipeline());
            }
        }));
        pipeline.addLast(CODEC, codec());
        addHttp1(pipeline, true);
    }

    private HttpServerCodec codec() {
        return new HttpServerCodec(config.network().maxRequestLineBytes(), config.network().maxHeaderBytes(), 8192);
    }

    private Http2FrameCodec http2Codec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(config.network().maxHeaderBytes()))
                .build();
    }

    /**
     * The handlers behind the codec; {@code connection}: on a connection, not an HTTP/2 stream
     * (whose request has the same deadline; its idleness is its connection's).
     */
    private void addHttp1(ChannelPipeline pipeline, boolean connection) {
        pipeline.addLast(RequestDeadline.NAME, new RequestDeadline(config.network().handshakeTimeout(), config.connections().idleTimeout()));
        pipeline.addLast(AGGREGATOR, new ProblemAggregator(MAX_REQUEST_BODY));
        if (connection && config.connections().compression()) {
            // Negotiates permessage-deflate on WebSocket handshakes; inflating stops at the frame limit.
            pipeline.addLast(COMPRESSION, new WebSocketServerCompressionHandler(config.connections().maxFrameBytes()));
        }
        pipeline.addLast(CORS, new CorsHandler(cors));
        pipeline.addLast(HttpRouter.NAME, routers.get());
    }

    /** HTTP/2 on a connection: closed once idle without streams; each stream's request on a deadline. */
    private void addHttp2(ChannelPipeline pipeline) {
        Http2IdleTimeout idle = new Http2IdleTimeout(config.connections().idleTimeout());
        // Behind the codec, so that closing for idleness goes through it and sends GOAWAY. Last,
        // what the codec refuses (a flood of resets, say) is logged without flooding the log.
        pipeline.addLast(http2Codec(), multiplex(idle), idle, ClientErrors.INSTANCE);
    }

    /** Gives each HTTP/2 stream a child channel that reads and writes HTTP objects. */
    private Http2MultiplexHandler multiplex(Http2IdleTimeout idle) {
        return new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                idle.streamOpened();
                stream.closeFuture().addListener(f -> idle.streamClosed());
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                addHttp1(stream.pipeline(), false);
            }
        });
    }
}
