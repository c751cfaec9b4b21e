package io.switchboard.server.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import java.util.List;

/** Cross-origin access for browsers to the HTTP transports and the API, from the allowed origins only. */
public final class Cors {
    private Cors() {
    }

    /** Netty's CORS configuration for {@code origins} ({@code *}: any); none disables CORS. */
    public static CorsConfig config(List<String> origins) {
        CorsConfigBuilder builder;
        if (origins.isEmpty()) {
            return CorsConfigBuilder.forAnyOrigin().disable().build();
        } else if (origins.contains("*")) {
            builder = CorsConfigBuilder.forAnyOrigin();
        } else {
            builder = CorsConfigBuilder.forOrigins(origins.toArray(new String[0]));
        }
        return builder
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders(HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.AUTHORIZATION, "Last-Event-ID")
                .exposeHeaders("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")
                .maxAge(600)
                .build();
    }
}
