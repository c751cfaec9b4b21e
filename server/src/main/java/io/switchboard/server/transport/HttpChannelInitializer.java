package io.switchboard.server.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.switchboard.server.http.ProblemAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.switchboard.server.api.ServerApi;
import io.switchboard.server.transport.stream.StreamEndpoints;
import io.switchboard.server.transport.http.HttpRouter;
import io.switchboard.server.transport.websocket.WebSocketUpgrade;
import java.util.function.BooleanSupplier;

/** The pipeline of every accepted connection: HTTP/1.1 until a route upgrades it. */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final int MAX_REQUEST_BODY = 64 * 1024;

    private final WebSocketUpgrade webSocket;
    private final StreamEndpoints streams;
    private final ServerApi api;
    private final BooleanSupplier ready;
    private final ChannelGroup connections;

    /** {@code connections} collects every accepted channel, so that shutdown can close them. */
    public HttpChannelInitializer(WebSocketUpgrade webSocket, StreamEndpoints streams, ServerApi api,
                                  BooleanSupplier ready, ChannelGroup connections) {
        this.webSocket = webSocket;
        this.streams = streams;
        this.api = api;
        this.ready = ready;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        // First, so that the writes of one read burst or one fan-out batch leave in one flush.
        pipeline.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
        pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
        pipeline.addLast("http-aggregator", new ProblemAggregator(MAX_REQUEST_BODY));
        pipeline.addLast(HttpRouter.NAME, new HttpRouter(webSocket, streams, api, ready));
    }
}
