package io.switchboard.server.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.switchboard.protocol.Names;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.node.Node;
import io.switchboard.server.http.HttpResponses;
import io.switchboard.server.transport.HttpChannelInitializer;
import io.switchboard.server.transport.http.HttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP request on {@code /ws} or {@code /ws/{user_id}} into a WebSocket session:
 * checks the request and who the client is, completes the handshake and rebuilds the pipeline.
 */
public final class WebSocketUpgrade {
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);

    private final ServerConfig config;
    private final Authenticator authenticator;
    private final Node node;
    private final WebSocketDecoderConfig decoderConfig;

    public WebSocketUpgrade(ServerConfig config, Authenticator authenticator, Node node) {
        this.config = config;
        this.authenticator = authenticator;
        this.node = node;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.maxFrameBytes())
                .allowExtensions(false)
                // Violations reach exceptionCaught, which sends `disconnect` before the close frame.
                .closeOnProtocolViolation(false)
                .build();
    }

    /**
     * Serves one handshake request; {@code pathUserId} is the raw path segment after
     * {@code /ws/}, or {@code null} for {@code /ws}.
     */
    public void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String pathUserId) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET");
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "this endpoint speaks WebSocket only: send a handshake with 'Upgrade: websocket'");
            return;
        }
        if (pathUserId != null && !Names.isValidUserId(pathUserId)) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad user id: " + Names.USER_RULE);
            return;
        }
        String userId;
        try {
            userId = authenticator.authenticate(request, pathUserId);
        } catch (AuthenticationException e) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.UNAUTHORIZED, e.getMessage());
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(),
                null, decoderConfig).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel channel = ctx.channel();
        try {
            handshaker.handshake(channel, request).addListener(done -> {
                if (done.isSuccess()) {
                    startSession(channel, userId);
                } else {
                    log.debug("handshake with {} failed: {}", channel.remoteAddress(), done.cause().toString());
                    channel.close();
                }
            });
        } catch (WebSocketHandshakeException e) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " + e.getMessage());
        }
    }

    private void startSession(Channel channel, String userId) {
        WebSocketConnection connection = new WebSocketConnection(channel, config.closeTimeout(), config.maxFrameBytes());
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("ws-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
        pipeline.addLast("ws-keepalive", new KeepAliveHandler(config.pingInterval(), config.idleTimeout()));
        pipeline.addLast("ws-session", connection);
        pipeline.remove(HttpRouter.NAME);
        // What served HTTP requests has nothing left to do on this connection.
        for (String name : new String[] {HttpChannelInitializer.AGGREGATOR, HttpChannelInitializer.CORS}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
        connection.attach(node.open(userId, connection));
    }
}
