package io.switchboard.tools.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a probe URL asks for.
 *
 * @param url           the URL as given
 * @param tls           whether the connection is wrapped in TLS (https, wss)
 * @param websocket     whether the request is a WebSocket upgrade (ws, wss)
 * @param host          the host to resolve, without the brackets of an IPv6 literal
 * @param port          the TCP port
 * @param requestTarget the path and query sent in the request line
 * @param hostHeader    the value of the {@code Host} header
 */
record ProbeTarget(String url, boolean tls, boolean websocket, String host, int port, String requestTarget,
                   String hostHeader) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong with it. */
    static ProbeTarget parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls;
        boolean websocket;
        switch (scheme) {
            case "http" -> {
                tls = false;
                websocket = false;
            }
            case "https" -> {
                tls = true;
                websocket = false;
            }
            case "ws" -> {
                tls = false;
                websocket = true;
            }
            case "wss" -> {
                tls = true;
                websocket = true;
            }
            default -> throw new IllegalArgumentException(
                    "unsupported URL '" + text + "': the scheme must be http, https, ws or wss");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host in URL '" + text + "'");
        }
        int defaultPort = tls ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range in URL '" + text + "'");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ProbeTarget(text, tls, websocket, bare, port, requestTarget, hostHeader);
    }

    /** Whether the host is an IPv4 or IPv6 literal rather than a name (no SNI is sent for a literal). */
    boolean hostIsAddress() {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }
}
