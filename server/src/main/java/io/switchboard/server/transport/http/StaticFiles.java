package io.switchboard.server.transport.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.switchboard.server.http.HttpResponses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web pages and the browser SDK, served from the server's own resources: read once at
 * start-up, answered from memory. Revalidated by browsers each time ({@code no-cache}), so a
 * new server version is picked up at once.
 */
public final class StaticFiles {
    /** Path served, and the resource and content type behind it. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/js/switchboard.js", new String[] {"web/switchboard.js", "text/javascript; charset=utf-8"},
            "/js/switchboard.d.ts", new String[] {"web/switchboard.d.ts", "text/plain; charset=utf-8"});

    private final Map<String, byte[]> bodies;

    public StaticFiles() {
        java.util.HashMap<String, byte[]> loaded = new java.util.HashMap<>();
        FILES.forEach((path, file) -> loaded.put(path, read(file[0])));
        this.bodies = Map.copyOf(loaded);
    }

    /** Whether {@code path} is one of the files. */
    public boolean serves(String path) {
        return bodies.containsKey(path);
    }

    /** Answers a {@code GET} or {@code HEAD} of {@code path}, which {@link #serves} it. */
    public void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET, HEAD");
            return;
        }
        FullHttpResponse response = HttpResponses.response(HttpResponseStatus.OK, FILES.get(path)[1], bodies.get(path));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff");
        HttpResponses.send(ctx, request, response);
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the server jar lacks " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
