package io.switchboard.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages may open real-time connections (against cross-site WebSocket hijacking).
 * With allowed origins configured, the handshake's {@code Origin} must be one of them ({@code *}:
 * any), and a handshake without one is refused. With none configured, a browser may connect
 * only from the server's own origin (its {@code Origin} names the {@code Host} it connects to);
 * clients that send no {@code Origin} (not browsers) are let through.
 */
public final class OriginCheck {
    private final List<String> allowed;
    private final boolean any;

    public OriginCheck(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.any = allowed.contains("*");
    }

    /** Why {@code request} may not open a connection, or {@code null} when it may. */
    public String refusal(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (any) {
            return null;
        }
        if (!allowed.isEmpty()) {
            if (origin == null) {
                return "the Origin header is missing; this server admits the allowed origins only";
            }
            return allowed.contains(origin.toLowerCase(Locale.ROOT)) ? null
                    : "origin " + origin + " is not allowed";
        }
        if (origin == null) {
            return null;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host != null && host.equalsIgnoreCase(authority(origin)) ? null
                : "origin " + origin + " is not this server's, and no other origin is allowed";
    }

    private static String authority(String origin) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
