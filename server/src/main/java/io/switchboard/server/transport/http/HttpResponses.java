package io.switchboard.server.transport.http;

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

/** Writes plain and RFC 9457 problem responses, honouring keep-alive. */
public final class HttpResponses {
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
        FullHttpResponse response = problemResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " is not allowed here; allowed: " + allow);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        send(ctx, request, response);
    }

    static FullHttpResponse problemResponse(HttpResponseStatus status, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.reasonPhrase());
        problem.put("status", status.code());
        problem.put("detail", detail);
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a problem document of strings and a number must serialize", e);
        }
        return response(status, "application/problem+json", body);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && response.status().code() < 500;
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
