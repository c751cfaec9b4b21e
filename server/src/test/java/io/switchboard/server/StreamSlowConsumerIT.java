package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.protocol.Json;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SSE and long-polling clients that stop reading: once more than the outbound bound waits for
 * one, its session ends as a slow consumer, and the client still gets every frame before the
 * end and then {@code disconnect} 4008, as a WebSocket client would.
 */
class StreamSlowConsumerIT {
    private static final int BOUND = 16 * 1024;

    @RegisterExtension
    final TestNode node = new TestNode(b -> b.outboundQueueBytes(BOUND).commandRate(0, 1)
            .closeTimeout(Duration.ofSeconds(60)));

    private final Api api = new Api(node, HttpClient.Version.HTTP_1_1);

    @Test
    void aSessionThatStopsPollingEndsAsASlowConsumerAndItsNextPollGetsTheDisconnect() {
        String session = json(api.get("/poll/carol")).path("frames").get(0).path("session").asText();
        api.post("/session/" + session, "{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}");
        TestClient bob = node.connect("bob");
        bob.client().join("lobby").join();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 10; i++) {
            bob.client().publish("lobby", kilobyte).join();
        }
        assertThat(online("carol")).as("10 KiB still fit").isTrue();
        for (int i = 0; i < 10; i++) {
            bob.client().publish("lobby", kilobyte).join();
        }
        Recorder.until(() -> !online("carol"));
        Recorder.until(() -> bob.recorder().memberships().contains(new Events.Membership("lobby", "carol", false)));

        JsonNode last = json(api.get("/poll?session=" + session + "&ack=1&wait=0"));
        List<JsonNode> frames = new ArrayList<>();
        last.path("frames").forEach(frames::add);
        assertThat(frames).as("the frames before the end, then the disconnect").isNotEmpty();
        assertThat(frames.subList(0, frames.size() - 1)).extracting(f -> f.path("type").asText())
                .containsOnly("join", "message");
        assertThat(frames.get(frames.size() - 1)).hasToString(
                "{\"type\":\"disconnect\",\"code\":4008,\"reason\":\"slow consumer\",\"reconnect\":true}");
        assertThat(api.get("/poll?session=" + session + "&ack=" + last.path("seq").asLong() + "&wait=0").statusCode())
                .as("gone once its last frames were taken").isEqualTo(404);
    }

    @Test
    void anSseStreamThatIsNotReadEndsAsASlowConsumerWithTheDisconnectAfterEveryEarlierEvent() throws IOException {
        try (Socket socket = new Socket()) {
            // A small receive window, so that the server's queue fills soon after the socket buffers.
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", node.port()));
            socket.getOutputStream().write(("GET /sse/carol HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Stream stream = new Stream(socket.getInputStream());
            String connected = stream.readUntil("\"type\":\"connected\"");
            Matcher id = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(connected + stream.readUntil("\n\n"));
            assertThat(id.find()).isTrue();
            api.post("/session/" + id.group(1), "{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}");
            stream.readUntil("\"type\":\"join\"");

            TestClient bob = node.connect("bob");
            bob.client().join("lobby").join();
            String payload = "y".repeat(4 * 1024); // each event under the bound, so only what waits counts
            int published = 0;
            // Watched on the node, not through the API, whose rate limit this loop would reach.
            while (node.hubStats().sessions() == 2 && published < 4000) {
                bob.client().publish("lobby", payload).join();
                published++;
            }
            assertThat(node.hubStats().sessions()).as("closed as a slow consumer within %d messages", published).isEqualTo(1);
            assertThat(online("carol")).isFalse();

            // Read now: every event that was written comes, in order, and the disconnect last.
            String rest = stream.readUntil("\r\n0\r\n\r\n");
            List<Long> offsets = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (String data : Pattern.compile("\ndata: ").splitAsStream(rest).skip(1).toList()) {
                JsonNode frame = Json.mapper().readTree(data.substring(0, data.indexOf('\n')));
                types.add(frame.path("type").asText());
                if (frame.has("offset")) {
                    offsets.add(frame.path("offset").asLong());
                }
            }
            assertThat(types.get(types.size() - 1)).isEqualTo("disconnect");
            assertThat(rest).contains("\"code\":4008,\"reason\":\"slow consumer\",\"reconnect\":true");
            assertThat(types.subList(0, types.size() - 1)).containsOnly("message", "join");
            assertThat(offsets).as("no gap before the end").isNotEmpty();
            for (int i = 1; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).isEqualTo(offsets.get(i - 1) + 1);
            }
        }
    }

    private boolean online(String user) {
        return json(api.get("/api/v1/users/" + user)).path("online").asBoolean();
    }

    /** The raw bytes of an HTTP/1.1 response, read only when asked. */
    private static final class Stream {
        private final InputStream in;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private int taken;

        Stream(InputStream in) {
            this.in = in;
        }

        /** Reads until {@code marker} has come; returns what came since the last call, through it. */
        String readUntil(String marker) {
            byte[] buffer = new byte[8192];
            try {
                while (true) {
                    String text = seen.toString(StandardCharsets.UTF_8);
                    int at = text.indexOf(marker, taken);
                    if (at >= 0) {
                        String part = text.substring(taken, at + marker.length());
                        taken = at + marker.length();
                        return part;
                    }
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new IllegalStateException("the stream ended before " + marker + ": " + text.substring(taken));
                    }
                    seen.write(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
