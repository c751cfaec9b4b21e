package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-site WebSocket hijacking: a page on another site must not open a connection with the
 * visitor's browser. Checked on WebSocket, SSE and long-polling handshakes alike.
 */
class OriginIT {
    private static final String APP = "https://app.example.com";

    @RegisterExtension
    final TestNode listed = new TestNode("listed", b -> b.allowedOrigin(APP));

    @RegisterExtension
    final TestNode unlisted = new TestNode("unlisted", b -> { });

    private final HttpClient http = HttpClient.newHttpClient();

    private int streamStatus(TestNode node, String path, String origin) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.httpUri(path)).GET();
        if (origin != null) {
            request.header("Origin", origin);
        }
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    private static int webSocketStatus(TestNode node, String origin) {
        URI uri = node.uri("/ws/alice");
        return RawWebSocket.refusal(uri, h -> {
            if (origin != null) {
                h.set("Origin", origin);
            }
        });
    }

    @Test
    void withAnAllowListOnlyListedOriginsMayConnect() throws Exception {
        assertThat(webSocketStatus(listed, APP)).isEqualTo(101);
        assertThat(webSocketStatus(listed, "https://evil.example.net")).isEqualTo(403);
        assertThat(webSocketStatus(listed, "https://app.example.com.evil.net")).isEqualTo(403);
        assertThat(webSocketStatus(listed, "null")).isEqualTo(403);
        assertThat(webSocketStatus(listed, null)).isEqualTo(403);
        for (String path : new String[] {"/sse/alice", "/poll/alice"}) {
            assertThat(streamStatus(listed, path, "https://evil.example.net")).as(path).isEqualTo(403);
            assertThat(streamStatus(listed, path, null)).as(path).isEqualTo(403);
        }
        assertThat(streamStatus(listed, "/poll/alice", APP)).isEqualTo(200);
        Chat.stillWorks(listed, user -> b -> b.header("Origin", APP));
    }

    @Test
    void withoutAnAllowListBrowsersMayConnectFromTheServersOwnOriginOnly() throws Exception {
        String self = "http://127.0.0.1:" + unlisted.port();
        assertThat(webSocketStatus(unlisted, self)).isEqualTo(101);
        assertThat(webSocketStatus(unlisted, null)).isEqualTo(101);
        assertThat(webSocketStatus(unlisted, "https://evil.example.net")).isEqualTo(403);
        assertThat(webSocketStatus(unlisted, "http://127.0.0.1:1")).isEqualTo(403);
        assertThat(streamStatus(unlisted, "/sse/alice", "https://evil.example.net")).isEqualTo(403);
        assertThat(streamStatus(unlisted, "/poll/alice", "https://evil.example.net")).isEqualTo(403);
        Chat.stillWorks(unlisted, user -> b -> { });
    }
}
