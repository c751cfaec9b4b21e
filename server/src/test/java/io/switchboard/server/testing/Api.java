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

    public Api(TestNode node, HttpClient.Version version) {
        this.node = node;
        this.http = HttpClient.newBuilder().version(version).build();
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
