package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2 in clear text is by prior knowledge (curl, gRPC); a request asking to upgrade to it
 * ({@code Upgrade: h2c}, as the JDK's HttpClient sends by default) is answered over HTTP/1.1.
 */
class HttpVersionsIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void theJdkClientAskingToUpgradeIsAnsweredOverHttp11() {
        Api api = new Api(node, HttpClient.Version.HTTP_2);
        HttpResponse<String> first = api.get("/api/v1/rooms");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        HttpResponse<String> second = api.post("/api/v1/rooms/lobby/messages", "{\"content\":1}");
        assertThat(second.statusCode()).isEqualTo(201);
    }

    /**
     * Answering the upgrade made the JDK client stall, about one connection in twelve, on a
     * response of more than one HTTP/2 DATA frame (16 KiB) sent right behind the 101.
     */
    @Test
    void freshJdkClientsAlwaysGetALargeBodyWhole() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.httpUri("/js/switchboard.js")).build();
        int length = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString()).body().length();
        assertThat(length).isGreaterThan(16 * 1024);
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
            assertThat(response.body()).as("connection %d", i).hasSize(length);
        }
    }

    @Test
    void curlSpeaksH2cByPriorKnowledge() throws Exception {
        assertThat(curl("--http2-prior-knowledge", node.httpUri("/api/v1/stats").toString())).isEqualTo("2 200");
        assertThat(curl("--http1.1", node.httpUri("/api/v1/stats").toString())).isEqualTo("1.1 200");
    }

    @Test
    void aWebSocketHandshakeOverHttp2IsRefusedWithAHint() throws Exception {
        String out = curl("--http2-prior-knowledge", node.httpUri("/ws/alice").toString());
        assertThat(out).isEqualTo("2 400");
    }

    /** {@code "<http version> <status>"} of a curl request. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_version} %{http_code}"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes()).trim();
    }

}
