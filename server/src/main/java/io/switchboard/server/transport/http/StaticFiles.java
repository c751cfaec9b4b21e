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
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web pages, their icon and the browser SDK, served from the server's own resources: read
 * once at start-up, answered from memory. Revalidated by browsers each time ({@code no-cache}),
 * so a new server version is picked up at once. The admin dashboard gets a strict content
 * security policy: it handles an API key, so it runs only its own script and talks only to its
 * node. The demo chat is told whether this node needs a token, so that it can say so before
 * trying to connect without one.
 */
public final class StaticFiles {
    private static final String ADMIN_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** A served file: its resource, content type and content security policy (or none). */
    private record File(String resource, String contentType, String policy) {
    }

    /** In the demo chat: whether a user needs a token here, {@code optional} until the node says. */
    private static final String TOKEN_OPTIONAL = "<meta name=\"switchboard-token\" content=\"optional\">";
    private static final String TOKEN_REQUIRED = "<meta name=\"switchboard-token\" content=\"required\">";

    private static final Map<String, File> FILES = Map.of(
            "/", new File("web/index.html", "text/html; charset=utf-8", null),
            "/favicon.svg", new File("web/favicon.svg", "image/svg+xml", null),
            "/favicon.ico", new File("web/favicon.ico", "image/vnd.microsoft.icon", null),
            "/js/switchboard.js", new File("web/switchboard.js", "text/javascript; charset=utf-8", null),
            "/js/switchboard.d.ts", new File("web/switchboard.d.ts", "text/plain; charset=utf-8", null),
            "/admin", new File("web/admin.html", "text/html; charset=utf-8", ADMIN_POLICY),
            "/admin/", new File("web/admin.html", "text/html; charset=utf-8", ADMIN_POLICY),
            "/admin/admin.js", new File("web/admin.js", "text/javascript; charset=utf-8", ADMIN_POLICY));

    private final Map<String, byte[]> bodies;

    /** {@code tokenRequired}: whether clients must bring a token (secure mode). */
    public StaticFiles(boolean tokenRequired) {
        java.util.HashMap<String, byte[]> loaded = new java.util.HashMap<>();
        FILES.forEach((path, file) -> loaded.put(path, read(file.resource())));
        if (tokenRequired) {
            loaded.put("/", tokenRequired(loaded.get("/")));
        }
        this.bodies = Map.copyOf(loaded);
    }

    private static byte[] tokenRequired(byte[] page) {
        String html = new String(page, StandardCharsets.UTF_8);
        if (!html.contains(TOKEN_OPTIONAL)) {
            throw new IllegalStateException("web/index.html lacks " + TOKEN_OPTIONAL);
        }
        return html.replace(TOKEN_OPTIONAL, TOKEN_REQUIRED).getBytes(StandardCharsets.UTF_8);
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
        File file = FILES.get(path);
        FullHttpResponse response = HttpResponses.response(HttpResponseStatus.OK, file.contentType(), bodies.get(path));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff");
        if (file.policy() != null) {
            response.headers().set("Content-Security-Policy", file.policy())
                    .set("Referrer-Policy", "no-referrer")
                    .set("X-Frame-Options", "DENY");
        }
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
