package io.switchboard.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.switchboard.server.http.ProblemAggregator;
import io.switchboard.server.transport.http.HttpRouter;
import java.util.function.Supplier;

/**
 * The pipeline of every accepted connection. In clear text: HTTP/1.1, or HTTP/2 by prior
 * knowledge or by {@code Upgrade: h2c}. Over TLS: HTTP/2 or HTTP/1.1 as ALPN decides. HTTP/2
 * streams each get a child channel that speaks HTTP objects to the same router; WebSocket
 * upgrades happen on HTTP/1.1.
 */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String AGGREGATOR = "http-aggregator";
    public static final String CORS = "cors";
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int MAX_REQUEST_BODY = 64 * 1024;

    private final Supplier<HttpRouter> routers;
    private final ChannelGroup connections;
    private final SslContext tls;
    private final CorsConfig cors;

    /**
     * {@code connections} collects every accepted channel, so that shutdown can close them;
     * {@code tls} is {@code null} for clear text.
     */
    public HttpChannelInitializer(Supplier<HttpRouter> routers, ChannelGroup connections, SslContext tls,
                                  CorsConfig cors) {
        this.routers = routers;
        this.connections = connections;
        this.tls = tls;
        this.cors = cors;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        // First, so that the writes of one read burst or one fan-out batch leave in one flush.
        pipeline.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
            pipeline.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        addHttp2(ctx.pipeline());
                    } else {
                        ctx.pipeline().addLast("http", codec());
                        addHttp1(ctx.pipeline());
                    }
                }
            });
            return;
        }
        HttpServerCodec codec = codec();
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), multiplex())
                        : null, MAX_REQUEST_BODY);
        pipeline.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                addHttp2(ch.pipeline());
            }
        }));
        addHttp1(pipeline);
    }

    private static HttpServerCodec codec() {
        return new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192);
    }

    private void addHttp1(ChannelPipeline pipeline) {
        pipeline.addLast(AGGREGATOR, new ProblemAggregator(MAX_REQUEST_BODY));
        pipeline.addLast(CORS, new CorsHandler(cors));
        pipeline.addLast(HttpRouter.NAME, routers.get());
    }

    private void addHttp2(ChannelPipeline pipeline) {
        pipeline.addLast(Http2FrameCodecBuilder.forServer().build(), multiplex());
    }

    /** Gives each HTTP/2 stream a child channel that reads and writes HTTP objects. */
    private Http2MultiplexHandler multiplex() {
        return new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                addHttp1(stream.pipeline());
            }
        });
    }
}
