package io.switchboard.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The JDK HTTP client against one node's server API. */
public final class Api {
    private final TestNode node;
    private final HttpClient http;
    private final java.util.Map<String, String> headers;

    public Api(TestNode node, HttpClient.Version version) {
        this(node, HttpClient.newBuilder().version(version).build(), java.util.Map.of());
    }

    private Api(TestNode node, HttpClient http, java.util.Map<String, String> headers) {
        this.node = node;
        this.http = http;
        this.headers = headers;
    }

    /** The same client, sending {@code name: value} with every request (e.g. an API key). */
    public Api with(String name, String value) {
        java.util.Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new Api(node, http, java.util.Map.copyOf(more));
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null, null);
    }

    public HttpResponse<String> post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** Any request; {@code body} and {@code contentType} may be null. */
    public HttpResponse<String> send(String method, String path, String body, String contentType) {
        URI uri = node.httpUri(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }
}
