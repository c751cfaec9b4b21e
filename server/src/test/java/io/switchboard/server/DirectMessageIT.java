package io.switchboard.server;

import static io.switchboard.server.RoomDeliveryIT.assertNothingMoreArrives;
import static io.switchboard.server.RoomDeliveryIT.directMessagesWithoutMarkers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectMessageIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void directMessageReachesEveryConnectionOfTheRecipientOnce() {
        TestClient alice = node.connect("alice");
        TestClient bob1 = node.connect("bob");
        TestClient bob2 = node.connect("bob");
        TestClient bob3 = node.connect("bob");
        TestClient carol = node.connect("carol");

        JsonNode ack = alice.client().request(command("direct_message", "to", "bob", "content", Map.of("text", "hi")))
                .join();
        assertThat(ack.path("to").asText()).isEqualTo("bob");
        assertThat(ack.path("offset").asLong()).isEqualTo(1);

        for (TestClient bob : List.of(bob1, bob2, bob3)) {
            JsonNode frame = bob.recorder().awaitFrame(f -> f.path("type").asText().equals("direct_message"));
            assertThat(fieldNames(frame)).containsExactly("type", "from", "to", "content", "timestamp", "offset");
            assertThat(frame.path("from").asText()).isEqualTo("alice");
            assertThat(frame.path("to").asText()).isEqualTo("bob");
            assertThat(frame.path("content").path("text").asText()).isEqualTo("hi");
        }
        assertNothingMoreArrives(bob1, bob2, bob3, alice, carol);
        for (TestClient bob : List.of(bob1, bob2, bob3)) {
            assertThat(directMessagesWithoutMarkers(bob)).extracting(Events.DirectMessage::from)
                    .containsExactly("alice");
        }
        assertThat(directMessagesWithoutMarkers(alice)).isEmpty();
        assertThat(directMessagesWithoutMarkers(carol)).isEmpty();
    }

    @Test
    void directMessageToAUserWhoIsNotConnectedIsAcknowledgedAndGoesNowhere() {
        TestClient alice = node.connect("alice");
        alice.client().sendDirect("nobody", "hello?").join();
        assertNothingMoreArrives(alice);
        assertThat(directMessagesWithoutMarkers(alice)).isEmpty();
    }

    @Test
    void directMessagesArriveInTheOrderTheyWereSent() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        for (int i = 0; i < 100; i++) {
            alice.client().sendDirect("bob", i);
        }
        alice.client().ping().join();
        bob.recorder().awaitFrames("direct_message", 100);
        assertThat(bob.recorder().directMessages()).extracting(m -> m.content().asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
    }

    static com.fasterxml.jackson.databind.node.ObjectNode command(String type, Object... fields) {
        var node = io.switchboard.protocol.Json.mapper().createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            node.set((String) fields[i], io.switchboard.protocol.Json.mapper().valueToTree(fields[i + 1]));
        }
        return node;
    }

    static List<String> fieldNames(JsonNode frame) {
        List<String> names = new ArrayList<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
