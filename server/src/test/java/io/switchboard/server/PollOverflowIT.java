package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Frames wait for a long-polling client only up to the outbound bound; past it the session ends. */
class PollOverflowIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.outboundQueueBytes(16 * 1024));

    @Test
    void aSessionThatStopsPollingEndsAsASlowConsumerOnceItsBufferIsFull() {
        Api api = new Api(node, HttpClient.Version.HTTP_1_1);
        String session = json(api.get("/poll/carol")).path("frames").get(0).path("session").asText();
        api.post("/session/" + session, "{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}");
        TestClient bob = node.connect("bob");
        bob.client().join("lobby").join();
        String kilobyte = "x".repeat(1024);
        for (int i = 0; i < 10; i++) {
            bob.client().publish("lobby", kilobyte).join();
        }
        assertThat(json(api.get("/api/v1/users/carol")).path("online").asBoolean()).as("10 KiB still fit").isTrue();
        for (int i = 0; i < 10; i++) {
            bob.client().publish("lobby", kilobyte).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(api.get("/api/v1/users/carol")).path("online").asBoolean());
        assertThat(api.get("/poll?session=" + session + "&ack=1&wait=0").statusCode()).isEqualTo(404);
        io.switchboard.server.testing.Recorder.until(() -> bob.recorder().memberships().stream()
                .anyMatch(m -> m.userId().equals("carol") && !m.joined()));
    }
}
