package io.switchboard.server.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server API's named keys. A request presents one as {@code Authorization: Bearer KEY} or
 * {@code X-API-Key: KEY}; it is compared with every configured key in constant time (digests of
 * equal length, all of them compared), so timing tells nothing about any key.
 */
public final class ApiKeys {
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> digests = new ArrayList<>();
    private final boolean required;

    /**
     * {@code keys} by name; {@code required} even when there are none (then every call is
     * refused), as when clients must authenticate but no key was configured.
     */
    public ApiKeys(Map<String, String> keys, boolean required) {
        keys.forEach((name, key) -> {
            names.add(name);
            digests.add(digest(key));
        });
        this.required = required || !keys.isEmpty();
    }

    /** Whether calls need a key. */
    public boolean required() {
        return required;
    }

    /** The name of the key {@code request} presents, or {@code null} when it presents none that is valid. */
    public String caller(HttpRequest request) {
        return caller(request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().get("X-API-Key"));
    }

    /**
     * The name of the key presented as {@code authorization} ({@code Bearer <key>}) or as
     * {@code apiKey}, either may be {@code null}; {@code null} when no valid key is presented.
     * Every configured key is compared, in constant time, whatever matches.
     */
    public String caller(String authorization, String apiKey) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : apiKey;
        if (presented == null) {
            return null;
        }
        byte[] digest = digest(presented);
        String match = null;
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(digests.get(i), digest) && match == null) {
                match = names.get(i);
            }
        }
        return match;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
