package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo chat and the browser SDK served by a node, and driven in headless Chromium by
 * Playwright ({@code web/e2e}): two browsers chat in a room and by direct message over
 * WebSocket; with WebSocket blocked in the browser, over the SSE fallback; with SSE blocked
 * too, over long-polling. Needs Node.js, {@code npm ci --prefix web/e2e} and Chromium
 * at {@code /usr/bin/chromium} (or {@code CHROMIUM}); {@code .ci/run} installs them.
 */
class BrowserIT {
    private static final Path E2E = Path.of("..", "web", "e2e");

    @RegisterExtension
    final TestNode node = new TestNode(b -> { });

    @Test
    void theSdkAndThePagesAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> sdk = http.send(HttpRequest.newBuilder(node.httpUri("/js/switchboard.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sdk.statusCode()).isEqualTo(200);
        assertThat(sdk.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(sdk.body()).contains("export class SwitchboardClient");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(node.httpUri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("/js/switchboard.js");
    }

    @Test
    void twoBrowsersChatOverWebSocketAndFallBackToSseAndLongPollingWhenBlocked() throws Exception {
        assertThat(E2E.resolve("node_modules").resolve("playwright-core"))
                .as("Playwright is installed: npm ci --prefix web/e2e (.ci/run does it)").exists();
        Process process = new ProcessBuilder("node", E2E.resolve("chat.e2e.mjs").toString(),
                "http://127.0.0.1:" + node.port()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("over websocket", "over sse (blocked in the browser: websocket)",
                "over poll (blocked in the browser: websocket, sse)");
        Files.writeString(Path.of("target", "browser-e2e.log"), output);
    }
}
