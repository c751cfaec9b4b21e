package io.switchboard.server.transport.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.node.Node;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API for application backends under {@code /api/v1}. Today it serves the history of
 * a room; the other routes of the API arrive with the rest of the HTTP surface.
 */
final class ServerApi {
    private static final Logger log = LoggerFactory.getLogger(ServerApi.class);
    static final String PREFIX = "/api/v1/";

    private final Node node;

    ServerApi(Node node) {
        this.node = node;
    }

    /** Serves a request whose path starts with {@link #PREFIX}. */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] segments = uri.rawPath().substring(PREFIX.length()).split("/", -1);
        if (segments.length == 3 && segments[0].equals("rooms") && segments[2].equals("history")) {
            if (!HttpMethod.GET.equals(request.method())) {
                HttpResponses.methodNotAllowed(ctx, request, "GET");
                return;
            }
            roomHistory(ctx, request, QueryStringDecoder.decodeComponent(segments[1]), uri.parameters());
            return;
        }
        HttpResponses.problem(ctx, request, HttpResponseStatus.NOT_FOUND, "no API resource at " + uri.path());
    }

    private void roomHistory(ChannelHandlerContext ctx, FullHttpRequest request, String room,
                             Map<String, List<String>> query) {
        if (!Names.isValidRoom(room)) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad room name: " + Names.ROOM_RULE);
            return;
        }
        StreamPosition since;
        int limit;
        try {
            long offset = number(query, "since", -1);
            String epoch = text(query, "epoch");
            if ((offset < 0) != (epoch == null)) {
                throw new IllegalArgumentException("'since' and 'epoch' go together");
            }
            since = offset < 0 ? null : new StreamPosition(offset, epoch);
            limit = (int) Math.min(number(query, "limit", 0), Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        node.roomHistory(room, since, limit).whenComplete((body, failure) -> ctx.executor().execute(() -> {
            if (failure == null) {
                json(ctx, keepAlive, body);
            } else {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof FrameException && ((FrameException) cause).code() == ErrorCode.UNAVAILABLE) {
                    problem(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, cause.getMessage());
                } else {
                    log.error("history of {} failed", room, cause);
                    problem(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
                }
            }
        }));
    }

    private static long number(Map<String, List<String>> query, String name, long absent) {
        String value = text(query, name);
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter '" + name + "' must be a non-negative integer");
        }
    }

    private static String text(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void json(ChannelHandlerContext ctx, boolean keepAlive, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of JSON nodes always serializes", e);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        send(ctx, keepAlive, response);
    }

    private static void problem(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String detail) {
        send(ctx, keepAlive, HttpResponses.problemResponse(status, detail));
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
