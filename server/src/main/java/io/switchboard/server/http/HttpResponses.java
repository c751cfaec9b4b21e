package io.switchboard.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.switchboard.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds and writes plain, JSON and RFC 9457 problem responses, honouring keep-alive. */
public final class HttpResponses {
    public static final String PROBLEM_JSON = "application/problem+json";

    private HttpResponses() {
    }

    /** A {@code text/plain} response. */
    public static void text(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body) {
        send(ctx, request, response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8)));
    }

    /** An {@code application/problem+json} response whose {@code detail} explains the problem. */
    public static void problem(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String detail) {
        send(ctx, request, problemResponse(status, detail));
    }

    /** A 405 naming the allowed methods in {@code Allow}. */
    public static void methodNotAllowed(ChannelHandlerContext ctx, HttpRequest request, String allow) {
        send(ctx, request, methodNotAllowedResponse(request, allow));
    }

    public static FullHttpResponse methodNotAllowedResponse(HttpRequest request, String allow) {
        FullHttpResponse response = problemResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " is not allowed here; allowed: " + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        return response;
    }

    /** A problem document (RFC 9457) with {@code status} and {@code detail}. */
    public static FullHttpResponse problemResponse(HttpResponseStatus status, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.reasonPhrase());
        problem.put("status", status.code());
        problem.put("detail", detail);
        return response(status, PROBLEM_JSON, bytes(problem));
    }

    /** A JSON response. */
    public static FullHttpResponse jsonResponse(HttpResponseStatus status, JsonNode body) {
        return response(status, "application/json", bytes(body));
    }

    public static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** Writes {@code response}, keeping the connection open when the request asked to. */
    public static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        send(ctx, HttpUtil.isKeepAlive(request), response);
    }

    public static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        boolean keep = keepAlive && response.status().code() < 500;
        HttpUtil.setKeepAlive(response, keep);
        var written = ctx.writeAndFlush(response);
        if (!keep) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static byte[] bytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers and JSON trees always serialize", e);
        }
    }
}
