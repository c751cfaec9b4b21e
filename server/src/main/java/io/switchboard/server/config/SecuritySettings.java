package io.switchboard.server.config;

import java.util.List;
import java.util.Map;

/**
 * Who may connect and call.
 *
 * @param jwt where tokens' keys come from and what their claims must say
 * @param apiKeys the server API's keys, by name
 * @param allowedOrigins origins browsers may connect from ({@code *}: any)
 * @param metricsRequireApiKey whether {@code /metrics} needs an API key
 */
public record SecuritySettings(JwtSettings jwt, Map<String, String> apiKeys, List<String> allowedOrigins,
                               boolean metricsRequireApiKey) {
    public SecuritySettings {
        apiKeys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(apiKeys));
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
