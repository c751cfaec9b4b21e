package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Browsers on the allowed origins may use the HTTP transports and the API; others get no CORS grant. */
class CorsIT {
    private static final String APP = "https://app.example.com";

    @RegisterExtension
    final TestNode node = new TestNode(b -> b.allowedOrigin(APP));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPreflightFromAnAllowedOriginIsGranted() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(node.httpUri("/session/whatever"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(
                m -> assertThat(m).contains("POST"));
    }

    @Test
    void responsesCarryTheGrantOnlyForAllowedOrigins() throws Exception {
        HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(node.httpUri("/api/v1/rooms"))
                .header("Origin", APP).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(allowed.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(
                h -> assertThat(h).contains("X-RateLimit-Remaining"));

        HttpResponse<String> other = http.send(HttpRequest.newBuilder(node.httpUri("/api/v1/rooms"))
                .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
