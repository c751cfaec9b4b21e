package io.switchboard.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.http.HttpResponses;
import io.switchboard.server.http.Peers;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.node.Node;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.RoomSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API for application backends, under {@code /api/v1}: publish, broadcast, direct
 * messages, rooms, presence, history, users, stats. JSON in and out, errors as problem
 * documents, and the caller's rate limit in {@code X-RateLimit-*} headers on every answer.
 */
public final class ServerApi {
    public static final String PREFIX = "/api/v1/";
    private static final Logger log = LoggerFactory.getLogger(ServerApi.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_BROADCAST_ROOMS = 100;

    private final Node node;
    private final RateLimiter limiter;
    private final ApiKeys keys;

    /** An API open to anyone (insecure mode), rate limited per IP address. */
    public ServerApi(Node node, RateLimiter limiter) {
        this(node, limiter, new ApiKeys(java.util.Map.of(), false));
    }

    /** An API that needs one of {@code keys} when they are required, rate limited per key. */
    public ServerApi(Node node, RateLimiter limiter, ApiKeys keys) {
        this.node = node;
        this.limiter = limiter;
        this.keys = keys;
    }

    /** Serves a request whose path starts with {@link #PREFIX}. */
    public void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        RateLimiter.Decision rate = admit(ctx, request, keepAlive);
        if (rate == null) {
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] segments = uri.rawPath().substring(PREFIX.length()).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = QueryStringDecoder.decodeComponent(segments[i]);
        }
        ApiRequest api = new ApiRequest(request, uri.parameters());
        CompletionStage<FullHttpResponse> answer;
        try {
            answer = route(request.method(), segments, api);
        } catch (ApiException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> ctx.executor().execute(() ->
                reply(ctx, keepAlive, rate, failure == null ? response : problemFor(failure, request))));
    }

    /**
     * Lets a request other than the API's own (a {@code /metrics} scrape) through only with one
     * of the keys, under the same budgets: otherwise answers 401 (or 429) itself and says no.
     */
    public boolean admitWithKey(ChannelHandlerContext ctx, FullHttpRequest request) {
        return admit(ctx, request, HttpUtil.isKeepAlive(request)) != null;
    }

    /**
     * Checks the caller's key, when keys are required, and takes one call from its budget; the
     * budget's state for the answer's headers, or {@code null} when this answered the request
     * already (401 without a valid key, 429 over the budget).
     */
    private RateLimiter.Decision admit(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        String key = keys.required() ? keys.caller(request) : null;
        boolean authorized = !keys.required() || key != null;
        // Callers with a key share its budget wherever they call from; the others, their address's.
        RateLimiter.Decision rate = limiter.take(key != null ? "key:" + key : "ip:" + Peers.ip(ctx.channel()));
        if (rate.allowed() && !authorized) {
            log.debug("server API call from {} without a valid key", ctx.channel().remoteAddress());
            FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.UNAUTHORIZED,
                    "the server API needs a key: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"switchboard-api\"");
            reply(ctx, keepAlive, rate, response);
            return null;
        }
        if (!rate.allowed()) {
            FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.TOO_MANY_REQUESTS,
                    "rate limit of " + rate.limit() + " requests exceeded; retry after " + rate.retryAfterSeconds() + " s");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, rate.retryAfterSeconds());
            reply(ctx, keepAlive, rate, response);
            return null;
        }
        return rate;
    }

    private CompletionStage<FullHttpResponse> route(HttpMethod method, String[] path, ApiRequest request)
            throws ApiException {
        String allow;
        if (path.length == 1 && path[0].equals("rooms")) {
            allow = "GET";
            if (method.equals(HttpMethod.GET)) {
                return node.rooms().thenApply(ServerApi::rooms);
            }
        } else if (path.length == 3 && path[0].equals("rooms") && path[2].equals("messages")) {
            allow = "POST";
            if (method.equals(HttpMethod.POST)) {
                String room = ApiRequest.room(path[1]);
                String content = request.content();
                String from = request.from();
                return node.publishToRoom(room, from, content, request.idempotencyKey())
                        .thenApply(p -> json(HttpResponseStatus.CREATED, position(JSON.objectNode(), p)));
            }
        } else if (path.length == 3 && path[0].equals("rooms") && path[2].equals("presence")) {
            allow = "GET";
            if (method.equals(HttpMethod.GET)) {
                String room = ApiRequest.room(path[1]);
                return node.members(room).thenApply(members -> json(HttpResponseStatus.OK, presence(room, members)));
            }
        } else if (path.length == 3 && path[0].equals("rooms") && path[2].equals("history")) {
            allow = "GET";
            if (method.equals(HttpMethod.GET)) {
                return history(ApiRequest.room(path[1]), request);
            }
        } else if (path.length == 1 && path[0].equals("broadcast")) {
            allow = "POST";
            if (method.equals(HttpMethod.POST)) {
                return broadcast(request.rooms(MAX_BROADCAST_ROOMS), request.content(), request.from());
            }
        } else if (path.length == 3 && path[0].equals("users") && path[2].equals("messages")) {
            allow = "POST";
            if (method.equals(HttpMethod.POST)) {
                String user = ApiRequest.user(path[1]);
                String content = request.content();
                String from = request.from();
                return node.sendDirect(user, from, content, request.idempotencyKey())
                        .thenApply(p -> json(HttpResponseStatus.ACCEPTED, position(JSON.objectNode(), p)));
            }
        } else if (path.length == 2 && path[0].equals("users")) {
            allow = "GET";
            if (method.equals(HttpMethod.GET)) {
                String user = ApiRequest.user(path[1]);
                return node.connections(user).thenApply(n -> json(HttpResponseStatus.OK, JSON.objectNode()
                        .put("user_id", user).put("online", n > 0).put("connections", n)));
            }
        } else if (path.length == 3 && path[0].equals("users") && path[2].equals("connections")) {
            allow = "DELETE";
            if (method.equals(HttpMethod.DELETE)) {
                return node.disconnectUser(ApiRequest.user(path[1])).thenApply(v -> HttpResponses.response(
                        HttpResponseStatus.NO_CONTENT, "application/json", new byte[0]));
            }
        } else if (path.length == 1 && path[0].equals("stats")) {
            allow = "GET";
            if (method.equals(HttpMethod.GET)) {
                return node.stats().thenApply(stats -> json(HttpResponseStatus.OK, Json.mapper().valueToTree(stats)));
            }
        } else {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "no API resource at /api/v1/" + String.join("/", path));
        }
        throw new MethodNotAllowed(allow);
    }

    private CompletionStage<FullHttpResponse> history(String room, ApiRequest request) throws ApiException {
        long offset = request.number("since", -1);
        String epoch = request.text("epoch");
        if ((offset < 0) != (epoch == null)) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "query parameters 'since' and 'epoch' go together");
        }
        int limit = (int) Math.min(request.number("limit", 0), Integer.MAX_VALUE);
        StreamPosition since = offset < 0 ? null : new StreamPosition(offset, epoch);
        boolean reverse = request.flag("reverse");
        return node.roomHistory(room, since, limit, reverse)
                .thenApply(read -> json(HttpResponseStatus.OK, read.writeTo(JSON.objectNode().put("room", room))));
    }

    private CompletionStage<FullHttpResponse> broadcast(List<String> rooms, String content, String from) {
        List<CompletableFuture<ObjectNode>> results = new ArrayList<>();
        for (String room : rooms) {
            results.add(node.publishToRoom(room, from, content).handle((position, failure) -> {
                ObjectNode result = JSON.objectNode().put("room", room);
                if (failure == null) {
                    return position(result, position);
                }
                Throwable cause = cause(failure);
                if (cause instanceof FrameException) {
                    return result.put("error", ((FrameException) cause).code().wireName()).put("message", cause.getMessage());
                }
                log.error("broadcast to {} failed", room, cause);
                return result.put("error", ErrorCode.INTERNAL.wireName()).put("message", "internal error");
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            ObjectNode body = JSON.objectNode();
            ArrayNode array = body.putArray("results");
            results.forEach(r -> array.add(r.join()));
            return json(HttpResponseStatus.OK, body);
        });
    }

    private static FullHttpResponse rooms(List<RoomSummary> rooms) {
        ObjectNode body = JSON.objectNode();
        ArrayNode array = body.putArray("rooms");
        for (RoomSummary room : rooms) {
            array.addObject().put("room", room.room()).put("members", room.users()).put("connections", room.connections());
        }
        return json(HttpResponseStatus.OK, body);
    }

    private static ObjectNode presence(String room, List<Member> members) {
        ObjectNode body = JSON.objectNode().put("room", room);
        ArrayNode array = body.putArray("members");
        for (Member member : members) {
            array.addObject().put("user_id", member.userId()).put("connections", member.connections());
        }
        return body;
    }

    private static ObjectNode position(ObjectNode node, StreamPosition position) {
        return node.put("offset", position.offset()).put("epoch", position.epoch());
    }

    private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        return HttpResponses.jsonResponse(status, body);
    }

    private static FullHttpResponse problemFor(Throwable failure, FullHttpRequest request) {
        Throwable cause = cause(failure);
        if (cause instanceof MethodNotAllowed) {
            return HttpResponses.methodNotAllowedResponse(request, ((MethodNotAllowed) cause).allow);
        }
        if (cause instanceof ApiException) {
            return HttpResponses.problemResponse(((ApiException) cause).status(), cause.getMessage());
        }
        if (cause instanceof FrameException) {
            FrameException e = (FrameException) cause;
            HttpResponseStatus status;
            switch (e.code()) {
                case FORBIDDEN:
                    status = HttpResponseStatus.FORBIDDEN;
                    break;
                case UNAVAILABLE:
                    status = HttpResponseStatus.SERVICE_UNAVAILABLE;
                    break;
                case NOT_FOUND:
                    status = HttpResponseStatus.NOT_FOUND;
                    break;
                default:
                    status = HttpResponseStatus.BAD_REQUEST;
            }
            return HttpResponses.problemResponse(status, e.getMessage());
        }
        log.error("server API request {} {} failed", request.method(), request.uri(), cause);
        return HttpResponses.problemResponse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static void reply(ChannelHandlerContext ctx, boolean keepAlive, RateLimiter.Decision rate,
                              FullHttpResponse response) {
        HttpHeaders headers = response.headers();
        headers.set("X-RateLimit-Limit", rate.limit())
                .set("X-RateLimit-Remaining", rate.remaining())
                .set("X-RateLimit-Reset", rate.resetSeconds());
        HttpResponses.send(ctx, keepAlive, response);
    }

    /** A path that exists, asked with a method it does not serve. */
    private static final class MethodNotAllowed extends ApiException {
        private static final long serialVersionUID = 1L;
        private final String allow;

        MethodNotAllowed(String allow) {
            super(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            this.allow = allow;
        }
    }
}
