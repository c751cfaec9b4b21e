package io.switchboard.server.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The {@code redis} setting: one Redis URI, or several separated by commas (one per shard). */
public final class RedisUris {
    private RedisUris() {
    }

    /** The URIs of {@code list}, in order. */
    public static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /**
     * The identity of the instance at {@code uri}: {@code host:port/db}, without scheme or
     * credentials, so that changing a password or the order of the list does not change it.
     */
    public static String instance(String uri) {
        URI parsed = URI.create(uri);
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("no host in " + redacted(uri));
        }
        int port = parsed.getPort() > 0 ? parsed.getPort() : 6379;
        String path = parsed.getPath() == null || parsed.getPath().isEmpty() ? "/0" : parsed.getPath();
        return parsed.getHost() + ":" + port + path;
    }

    /** Whether {@code list} holds redis:// or rediss:// URIs of distinct instances. */
    static boolean valid(String list) {
        List<String> uris = split(list);
        java.util.Set<String> instances = new java.util.HashSet<>();
        for (String uri : uris) {
            if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
                return false;
            }
            try {
                if (!instances.add(instance(uri))) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return !uris.isEmpty();
    }

    /** {@code uri} with any password replaced by {@code ***}, for logs and messages. */
    public static String redacted(String uri) {
        return uri == null ? null : uri.replaceAll("(rediss?://)([^:@/,]*):[^@/,]*@", "$1$2:***@");
    }
}
