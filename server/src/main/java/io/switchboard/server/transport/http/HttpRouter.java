package io.switchboard.server.transport.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.switchboard.server.api.ServerApi;
import io.switchboard.server.http.HttpResponses;
import io.switchboard.server.transport.stream.StreamEndpoints;
import io.switchboard.server.transport.websocket.WebSocketUpgrade;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each HTTP request: health and readiness, the WebSocket endpoints, 404 for the rest. */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String NAME = "http-router";
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final WebSocketUpgrade webSocket;
    private final StreamEndpoints streams;
    private final ServerApi api;
    private final BooleanSupplier ready;
    private final BooleanSupplier accepting;
    private final Supplier<CompletionStage<String>> metrics;
    private final StaticFiles files;
    private final boolean metricsNeedKey;

    /**
     * {@code ready}: what {@code /readyz} answers; {@code accepting}: whether new client
     * connections are taken (not while the node drains); {@code metricsNeedKey}: whether
     * {@code /metrics} is only for callers with an API key.
     */
    public HttpRouter(WebSocketUpgrade webSocket, StreamEndpoints streams, ServerApi api, BooleanSupplier ready,
                      BooleanSupplier accepting, Supplier<CompletionStage<String>> metrics, boolean metricsNeedKey,
                      StaticFiles files) {
        this.metrics = metrics;
        this.metricsNeedKey = metricsNeedKey;
        this.files = files;
        this.webSocket = webSocket;
        this.streams = streams;
        this.api = api;
        this.ready = ready;
        this.accepting = accepting;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            rejectMalformed(ctx, request.decoderResult().cause());
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String raw = uri.rawPath();
        String path;
        try {
            // Decoded here once, so that a bad escape (%ZZ) is a 400 now and cannot fail later.
            path = uri.path();
            uri.parameters();
        } catch (IllegalArgumentException e) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "malformed request target: " + e.getMessage());
            return;
        }
        if (opensConnection(path) && !accepting.getAsBoolean()) {
            FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "this node is shutting down: connect to another one");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
            HttpResponses.send(ctx, false, response);
            return;
        }
        if ((path.equals("/ws") || path.startsWith("/ws/")) && ctx.channel() instanceof Http2StreamChannel) {
            HttpResponses.problem(ctx, request, HttpResponseStatus.BAD_REQUEST,
                    "WebSocket runs over HTTP/1.1: connect without HTTP/2 (ws:// or wss://)");
        } else if (path.equals("/ws")) {
            webSocket.upgrade(ctx, request, null);
        } else if (raw.startsWith("/ws/") && raw.indexOf('/', 4) < 0) {
            webSocket.upgrade(ctx, request, QueryStringDecoder.decodeComponent(raw.substring(4)));
        } else if (path.equals("/sse")) {
            streams.sse(ctx, request, null);
        } else if (raw.startsWith("/sse/") && raw.indexOf('/', 5) < 0) {
            streams.sse(ctx, request, QueryStringDecoder.decodeComponent(raw.substring(5)));
        } else if (path.equals("/poll")) {
            streams.poll(ctx, request, null);
        } else if (raw.startsWith("/poll/") && raw.indexOf('/', 6) < 0) {
            streams.poll(ctx, request, QueryStringDecoder.decodeComponent(raw.substring(6)));
        } else if (raw.startsWith("/session/") && raw.indexOf('/', 9) < 0) {
            streams.session(ctx, request, QueryStringDecoder.decodeComponent(raw.substring(9)));
        } else if (path.startsWith(ServerApi.PREFIX)) {
            api.serve(ctx, request);
        } else if (path.equals("/healthz")) {
            probe(ctx, request, true, "ok\n");
        } else if (files.serves(path)) {
            files.serve(ctx, request, path);
        } else if (path.equals("/metrics")) {
            metrics(ctx, request);
        } else if (path.equals("/readyz")) {
            probe(ctx, request, ready.getAsBoolean(), ready.getAsBoolean() ? "ready\n" : "not ready\n");
        } else {
            HttpResponses.problem(ctx, request, HttpResponseStatus.NOT_FOUND, "no resource at " + path);
        }
    }

    /** {@code GET /metrics}: the Prometheus text exposition. */
    private void metrics(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET");
            return;
        }
        if (metricsNeedKey && !api.admitWithKey(ctx, request)) {
            return;
        }
        boolean keepAlive = io.netty.handler.codec.http.HttpUtil.isKeepAlive(request);
        metrics.get().whenComplete((text, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                log.error("metrics scrape failed", failure);
                HttpResponses.send(ctx, keepAlive, HttpResponses.problemResponse(
                        HttpResponseStatus.INTERNAL_SERVER_ERROR, "metrics unavailable"));
                return;
            }
            HttpResponses.send(ctx, keepAlive, HttpResponses.response(HttpResponseStatus.OK,
                    "text/plain; version=0.0.4; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }));
    }

    private static boolean opensConnection(String path) {
        return path.equals("/ws") || path.startsWith("/ws/") || path.equals("/sse") || path.startsWith("/sse/")
                || path.equals("/poll") || path.startsWith("/poll/");
    }

    /**
     * A request the codec could not read: 414 for a request line over the limit, 431 for headers
     * over it, 400 otherwise. The connection closes after the answer, since what follows on it
     * cannot be framed reliably.
     */
    private static void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            detail = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            detail = "request headers too large";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            detail = "malformed request: " + cause.getMessage();
        }
        HttpResponses.send(ctx, false, HttpResponses.problemResponse(status, detail));
    }

    private static void probe(ChannelHandlerContext ctx, FullHttpRequest request, boolean ok, String body) {
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        HttpResponses.text(ctx, request, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientErrors.INSTANCE.note(ctx, cause);
        ctx.close();
    }
}
