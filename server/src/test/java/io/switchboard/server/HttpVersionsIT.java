package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.SseStream;
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

/** HTTP/2 in clear text: by Upgrade (the JDK client) and by prior knowledge (curl). */
class HttpVersionsIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void theJdkClientUpgradesToH2cAndTheApiAnswersOverIt() {
        Api api = new Api(node, HttpClient.Version.HTTP_2);
        HttpResponse<String> first = api.get("/api/v1/rooms");
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> second = api.post("/api/v1/rooms/lobby/messages", "{\"content\":1}");
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.statusCode()).isEqualTo(201);
    }

    @Test
    void manySseStreamsAndLongPollsShareOneHttp2Connection() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection; the streams then share it.
        assertThat(http.send(HttpRequest.newBuilder(node.httpUri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).version()).isEqualTo(HttpClient.Version.HTTP_2);
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                streams.add(SseStream.open(http, node.httpUri("/sse/user-" + i), -1));
            }
            for (SseStream stream : streams) {
                assertThat(stream.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(stream.awaitEvents(1).get(0).data().path("type").asText()).isEqualTo("connected");
            }
            HttpResponse<String> poll = http.send(HttpRequest.newBuilder(node.httpUri("/poll/poller")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(poll.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(Api.json(poll).path("frames").get(0).path("type").asText()).isEqualTo("connected");
            assertThat(node.server().openConnections()).isEqualTo(1);
        } finally {
            streams.forEach(SseStream::close);
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
