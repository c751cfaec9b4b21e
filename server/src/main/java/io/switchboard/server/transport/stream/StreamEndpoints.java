package io.switchboard.server.transport.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.Names;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.http.HttpResponses;
import io.switchboard.server.http.OriginCheck;
import io.switchboard.server.http.Peers;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.LimitExceededException;
import io.switchboard.server.node.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP endpoints of SSE and long-polling sessions: {@code GET /sse}, {@code GET /poll}
 * (with or without a user id in the path), and {@code POST} / {@code DELETE /session/{id}}.
 */
public final class StreamEndpoints {
    private static final int MAX_COMMANDS_PER_POST = 100;

    private final Authenticator authenticator;
    private final Node node;
    private final ConnectionLimits limits;
    private final OriginCheck origins;
    private final StreamSessions sessions;
    private final Duration pollWait;
    private final SessionRequests sessionRequests;

    public StreamEndpoints(ServerConfig config, Authenticator authenticator, Node node, ConnectionLimits limits) {
        this.authenticator = authenticator;
        this.node = node;
        this.limits = limits;
        this.origins = new OriginCheck(config.security().allowedOrigins());
        StreamSettings settings = new StreamSettings(config.streaming().sessionHold(), config.streaming().sseHeartbeat(), config.streaming().pollWait(),
                config.connections().outboundQueueBytes(), Math.min(256 * 1024, config.connections().outboundQueueBytes()), config.connections().closeTimeout());
        this.sessions = new StreamSessions(config.network().nodeId(), settings);
        this.pollWait = config.streaming().pollWait();
        this.sessionRequests = new SessionRequests(sessions, node);
    }

    /** {@code GET /sse} or {@code /sse/{user}}: an event stream, new or resumed. */
    public void sse(ChannelHandlerContext ctx, FullHttpRequest request, String pathUser) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        String token = first(query, "session");
        BufferedConnection named = sessions.get(token);
        Identity user = admit(ctx, request, pathUser, named);
        if (user == null) {
            return;
        }
        if (named != null && named.mode() == BufferedConnection.Mode.SSE && !named.ownedBy(user.userId())) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.FORBIDDEN, "the session belongs to another user");
            return;
        }
        ConnectionLimits.Ticket ticket = ticket(ctx, request, user);
        if (ticket == null) {
            return;
        }
        long lastEventId = parseLong(request.headers().get("Last-Event-ID", first(query, "lastEventId")), -1);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-transform")
                .set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(response, true);
        Channel channel = ctx.channel();
        channel.writeAndFlush(response);

        BufferedConnection existing = sessions.get(token);
        if (existing != null && existing.mode() == BufferedConnection.Mode.SSE) {
            existing.eventLoop().execute(() -> {
                if (existing.session().isOpen() && existing.attachStream(channel, lastEventId)) {
                    // The stream carries a session that holds a ticket already.
                    ticket.release();
                    return;
                }
                // The frames after Last-Event-ID are no longer kept: start again, and say so.
                existing.session().close(CloseCodes.NORMAL, "replaced by a new session", false);
                channel.eventLoop().execute(() -> openSse(channel, user, false, ticket));
            });
        } else {
            openSse(channel, user, token == null ? null : Boolean.FALSE, ticket);
        }
    }

    private void openSse(Channel channel, Identity user, Boolean resumed, ConnectionLimits.Ticket ticket) {
        BufferedConnection connection = sessions.create(BufferedConnection.Mode.SSE, channel.eventLoop(),
                String.valueOf(channel.remoteAddress()), resumed);
        connection.attach(node.open(user, connection, null, ticket::release));
        connection.attachStream(channel, -1);
    }

    /** {@code GET /poll}: opens a session, or answers the frames after {@code ack}, waiting for some. */
    public void poll(ChannelHandlerContext ctx, FullHttpRequest request, String pathUser) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
        String token = first(query, "session");
        BufferedConnection existing = sessions.get(token);
        if (token != null && existing == null) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.NOT_FOUND, "no long-polling session " + token
                    + " on this node: it ended or expired; open a new one with GET /poll");
            return;
        }
        Identity user = admit(ctx, request, pathUser, existing);
        if (user == null) {
            return;
        }
        long ack = parseLong(first(query, "ack"), 0);
        long waitSeconds = parseLong(first(query, "wait"), pollWait.toSeconds());
        if (ack < 0 || waitSeconds < 0) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "'ack' and 'wait' must be non-negative integers");
            return;
        }
        Duration wait = Duration.ofSeconds(Math.min(waitSeconds, pollWait.toSeconds()));
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (token == null) {
            ConnectionLimits.Ticket ticket = ticket(ctx, request, user);
            if (ticket == null) {
                return;
            }
            BufferedConnection connection = sessions.create(BufferedConnection.Mode.POLL, ctx.channel().eventLoop(),
                    String.valueOf(ctx.channel().remoteAddress()), null);
            connection.attach(node.open(user, connection, null, ticket::release));
            connection.poll(0, wait, body -> answerJson(ctx, keepAlive, HttpResponseStatus.OK, body));
            return;
        }
        if (existing.mode() != BufferedConnection.Mode.POLL) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "session " + token + " is not long-polling");
            return;
        }
        if (!existing.ownedBy(user.userId())) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.FORBIDDEN, "the session belongs to another user");
            return;
        }
        existing.eventLoop().execute(() ->
                existing.poll(ack, wait, body -> answerJson(ctx, keepAlive, HttpResponseStatus.OK, body)));
    }

    /**
     * {@code POST /session/{id}} (commands) and {@code DELETE /session/{id}} (end it), on whichever
     * node the request lands: a session of another node is served there, through the broker.
     */
    public void session(ChannelHandlerContext ctx, FullHttpRequest request, String token) {
        boolean post = HttpMethod.POST.equals(request.method());
        if (!post && !HttpMethod.DELETE.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "POST, DELETE");
            return;
        }
        List<byte[]> commands;
        try {
            commands = post ? commands(request) : List.of();
        } catch (BadBody e) {
            HttpResponses.problem(ctx, request, e.status, e.getMessage());
            return;
        }
        Caller caller = caller(ctx, request);
        if (caller == null) {
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        sessionRequests.send(token, caller.userId(), post, commands).whenComplete((served, failure) -> {
            if (failure != null) {
                HttpResponses.send(ctx, keepAlive, HttpResponses.problemResponse(HttpResponseStatus.NOT_FOUND,
                        "session " + token + " cannot be reached: " + failure.getMessage()));
            } else if (served.status() == 404) {
                HttpResponses.send(ctx, keepAlive, HttpResponses.problemResponse(HttpResponseStatus.NOT_FOUND,
                        "no session " + token + ": it ended or expired"));
            } else if (served.status() == 403) {
                HttpResponses.send(ctx, keepAlive, HttpResponses.problemResponse(HttpResponseStatus.FORBIDDEN,
                        "the session belongs to another user"));
            } else {
                answerJson(ctx, keepAlive, HttpResponseStatus.valueOf(served.status()), served.body());
            }
        });
    }

    /** The commands of a POST body: one JSON object, or an array of them. */
    private static List<byte[]> commands(FullHttpRequest request) throws BadBody {
        CharSequence type = HttpUtil.getMimeType(request);
        if (type == null || !"application/json".equalsIgnoreCase(type.toString())) {
            throw new BadBody(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "send commands as application/json");
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadBody(HttpResponseStatus.BAD_REQUEST, "the body is not valid JSON: " + e.getMessage());
        }
        List<JsonNode> items = new ArrayList<>();
        if (body != null && body.isArray()) {
            body.forEach(items::add);
        } else if (body != null && body.isObject()) {
            items.add(body);
        }
        if (items.isEmpty() || items.size() > MAX_COMMANDS_PER_POST) {
            throw new BadBody(HttpResponseStatus.BAD_REQUEST,
                    "the body must be a command object or an array of 1 to " + MAX_COMMANDS_PER_POST + " of them");
        }
        List<byte[]> out = new ArrayList<>();
        for (JsonNode item : items) {
            out.add(item.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Who the client is; answers the request itself (and returns null) when it may not connect.
     * On a secure node every request proves its user with a token, also when it names a session
     * (whose user the caller then checks). On an insecure node, where any client may claim any
     * user, a request naming an existing session and no user is that session's user.
     */
    private Identity admit(ChannelHandlerContext ctx, FullHttpRequest request, String pathUser,
                           BufferedConnection session) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET");
            return null;
        }
        if (pathUser != null && !Names.isValidUserId(pathUser)) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad user id: " + Names.USER_RULE);
            return null;
        }
        String badOrigin = origins.refusal(request);
        if (badOrigin != null) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.FORBIDDEN, badOrigin);
            return null;
        }
        if (!authenticator.isSecure() && pathUser == null && session != null && session.session() != null) {
            return session.session().identity();
        }
        try {
            Optional<Identity> identity = authenticator.authenticate(request, pathUser);
            if (identity.isEmpty()) {
                HttpResponses.problem(ctx, request, HttpResponseStatus.UNAUTHORIZED,
                        "send a token: 'Authorization: Bearer <token>' or '?token=<token>'");
                return null;
            }
            return identity.get();
        } catch (AuthenticationException e) {
            HttpResponses.problem(ctx, request,
                    e.forbidden() ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED, e.getMessage());
            return null;
        }
    }

    /**
     * Who sends a {@code POST} or {@code DELETE /session/{id}}: on a secure node the user of the
     * request's token (answering 401 or 403 itself, and returning null, without a valid one); on
     * an insecure node anyone holding the session id, as anyone may claim any user there.
     */
    private Caller caller(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!authenticator.isSecure()) {
            return new Caller(null);
        }
        try {
            Optional<Identity> identity = authenticator.authenticate(request, null);
            if (identity.isEmpty()) {
                HttpResponses.problem(ctx, request, HttpResponseStatus.UNAUTHORIZED,
                        "send the session user's token: 'Authorization: Bearer <token>' or '?token=<token>'");
                return null;
            }
            return new Caller(identity.get().userId());
        } catch (AuthenticationException e) {
            HttpResponses.problem(ctx, request,
                    e.forbidden() ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED, e.getMessage());
            return null;
        }
    }

    /** The user a session request is checked against; {@code null}: not checked (insecure mode). */
    private record Caller(String userId) {
    }

    /** A place for a new session of {@code user}; answers 429 (and returns null) over a limit. */
    private ConnectionLimits.Ticket ticket(ChannelHandlerContext ctx, FullHttpRequest request, Identity user) {
        try {
            return limits.admit(Peers.ip(ctx.channel()), user.userId());
        } catch (LimitExceededException e) {
            tooMany(ctx, request, e);
            return null;
        }
    }

    private static void tooMany(ChannelHandlerContext ctx, FullHttpRequest request, LimitExceededException e) {
        FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.TOO_MANY_REQUESTS, e.getMessage());
        response.headers().set(HttpHeaderNames.RETRY_AFTER, e.retryAfterSeconds());
        HttpResponses.send(ctx, request, response);
    }

    private static void answerJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] body) {
        HttpResponses.send(ctx, keepAlive, HttpResponses.response(status, "application/json", body));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static long parseLong(String value, long absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** A POST body that cannot be served. */
    private static final class BadBody extends Exception {
        private static final long serialVersionUID = 1L;
        final transient HttpResponseStatus status;

        BadBody(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
