package io.switchboard.server.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Names;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.http.HttpResponses;
import io.switchboard.server.http.Peers;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.LimitExceededException;
import io.switchboard.server.node.Node;
import io.switchboard.server.http.OriginCheck;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP request on {@code /ws} or {@code /ws/{user_id}} into a WebSocket session:
 * checks the request's origin, who the client is and the connection limits, completes the
 * handshake and rebuilds the pipeline. A client that brought no token (in secure mode) must send
 * a {@code connect} frame with one within the connect timeout.
 */
public final class WebSocketUpgrade {
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);

    private final ServerConfig config;
    private final Authenticator authenticator;
    private final Node node;
    private final ConnectionLimits limits;
    private final OriginCheck origins;
    private final CommandDecoder decoder;
    private final WebSocketDecoderConfig decoderConfig;
    private final List<String> httpHandlers;

    /**
     * @param httpHandlers the names of the pipeline's HTTP handlers (the router among them),
     *                     removed once a connection is upgraded
     */
    public WebSocketUpgrade(ServerConfig config, Authenticator authenticator, Node node, ConnectionLimits limits,
                            List<String> httpHandlers) {
        this.httpHandlers = List.copyOf(httpHandlers);
        this.config = config;
        this.authenticator = authenticator;
        this.node = node;
        this.limits = limits;
        this.origins = new OriginCheck(config.security().allowedOrigins());
        this.decoder = new CommandDecoder(config.connections().maxJsonDepth());
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(config.connections().maxFrameBytes())
                .allowExtensions(config.connections().compression())
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
        String badOrigin = origins.refusal(request);
        if (badOrigin != null) {
            log.debug("WebSocket handshake from {} refused: {}", ctx.channel().remoteAddress(), badOrigin);
            HttpResponses.problem(ctx, request, HttpResponseStatus.FORBIDDEN, badOrigin);
            return;
        }
        Optional<Identity> identity;
        try {
            identity = authenticator.authenticate(request, pathUserId);
        } catch (AuthenticationException e) {
            log.debug("WebSocket handshake from {} refused: {}", ctx.channel().remoteAddress(), e.getMessage());
            HttpResponses.problem(ctx, request,
                    e.forbidden() ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED, e.getMessage());
            return;
        }
        ConnectionLimits.Ticket ticket;
        try {
            // A user known already is counted now; one that sends a connect frame, once it has.
            ticket = identity.isPresent()
                    ? limits.admit(Peers.ip(ctx.channel()), identity.get().userId())
                    : limits.admit(Peers.ip(ctx.channel()));
        } catch (LimitExceededException e) {
            tooMany(ctx, request, e);
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(),
                null, decoderConfig).newHandshaker(request);
        if (handshaker == null) {
            ticket.release();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel channel = ctx.channel();
        try {
            handshaker.handshake(channel, request).addListener(done -> {
                if (done.isSuccess()) {
                    startSession(channel, identity.orElse(null), pathUserId, ticket);
                } else {
                    ticket.release();
                    log.debug("handshake with {} failed: {}", channel.remoteAddress(), done.cause().toString());
                    channel.close();
                }
            });
        } catch (WebSocketHandshakeException e) {
            ticket.release();
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " + e.getMessage());
        }
    }

    private static void tooMany(ChannelHandlerContext ctx, FullHttpRequest request, LimitExceededException e) {
        log.debug("WebSocket handshake from {} refused: {}", ctx.channel().remoteAddress(), e.getMessage());
        FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.TOO_MANY_REQUESTS, e.getMessage());
        response.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        HttpResponses.send(ctx, request, response);
    }

    private void startSession(Channel channel, Identity identity, String pathUserId, ConnectionLimits.Ticket ticket) {
        ChannelPipeline pipeline = channel.pipeline();
        boolean compressed = false;
        for (ChannelHandler handler : pipeline.toMap().values()) {
            compressed |= handler instanceof WebSocketExtensionEncoder;
        }
        WebSocketConnection connection = new WebSocketConnection(channel, config.connections().closeTimeout(), config.connections().maxFrameBytes(),
                compressed);
        // Text that is not UTF-8, across fragments too, reaches exceptionCaught: disconnect, then close 1007.
        pipeline.addLast("ws-utf8", new Utf8FrameValidator(false));
        pipeline.addLast("ws-aggregator", new WebSocketFrameAggregator(config.connections().maxFrameBytes()));
        pipeline.addLast("ws-keepalive", new KeepAliveHandler(config.connections().pingInterval(), config.connections().idleTimeout()));
        pipeline.addLast("ws-session", connection);
        // What served HTTP requests, the router included, has nothing left to do on this connection.
        for (String name : httpHandlers) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
        if (identity != null) {
            connection.attach(node.open(identity, connection, null, ticket::release));
        } else {
            awaitConnect(channel, connection, pathUserId, ticket);
        }
    }

    /** A client with no token yet: its first frame must be {@code connect}, within the connect timeout. */
    private void awaitConnect(Channel channel, WebSocketConnection connection, String pathUserId,
                              ConnectionLimits.Ticket ticket) {
        var timer = channel.eventLoop().schedule(() -> connection.refuse(CloseCodes.UNAUTHORIZED,
                "no connect frame within " + config.connections().connectTimeout().toSeconds() + " s", false),
                config.connections().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        connection.awaitSession(new PreSession() {
            @Override
            public void receive(WebSocketConnection connection, byte[] utf8) {
                timer.cancel(false);
                connect(connection, utf8, pathUserId, ticket);
            }

            @Override
            public void ended() {
                timer.cancel(false);
                ticket.release();
            }
        });
    }

    private void connect(WebSocketConnection connection, byte[] utf8, String pathUserId, ConnectionLimits.Ticket ticket) {
        // From here on, nothing else may be read until the session exists.
        connection.awaitSession(null);
        Command command;
        try {
            command = decoder.decode(utf8);
        } catch (FrameException e) {
            command = null;
        }
        if (!(command instanceof Command.Connect)) {
            ticket.release();
            connection.refuse(CloseCodes.UNAUTHORIZED, "authenticate first: send a connect frame with a token", false);
            return;
        }
        Identity identity;
        try {
            identity = authenticator.verify(((Command.Connect) command).token());
        } catch (AuthenticationException e) {
            ticket.release();
            connection.refuse(CloseCodes.UNAUTHORIZED, e.getMessage(), false);
            return;
        }
        if (pathUserId != null && !pathUserId.equals(identity.userId())) {
            ticket.release();
            connection.refuse(CloseCodes.FORBIDDEN, "the token is for another user than the path's", false);
            return;
        }
        try {
            ticket.user(identity.userId());
        } catch (LimitExceededException e) {
            connection.refuse(CloseCodes.RATE_LIMITED, e.getMessage(), false);
            return;
        }
        connection.attach(node.open(identity, connection, command.id(), ticket::release));
    }
}
