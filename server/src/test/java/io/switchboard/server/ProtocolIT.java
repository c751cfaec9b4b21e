package io.switchboard.server;

import static io.switchboard.server.DirectMessageIT.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProtocolIT {
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void connectedIsTheFirstFrame() {
        TestClient alice = node.connect("alice");
        JsonNode first = alice.recorder().frames().get(0);
        assertThat(fieldNames(first)).containsExactly("type", "user_id", "connection_id", "node", "direct");
        assertThat(first.path("direct").path("offset").asLong()).isZero();
        assertThat(first.path("direct").path("epoch").asText()).isNotEmpty();
        assertThat(first.path("type").asText()).isEqualTo("connected");
        assertThat(first.path("user_id").asText()).isEqualTo("alice");
        assertThat(first.path("connection_id").asText()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(first.path("node").asText()).isEqualTo("test-node");
    }

    @Test
    void everyCommandWithAnIdIsAnsweredOnceAndInOrder() {
        TestClient alice = node.connect("alice");
        List<String> sent = List.of(
                "{\"type\":\"join_room\",\"id\":\"a\",\"room\":\"lobby\"}",
                "{\"type\":\"join_room\",\"id\":2,\"room\":\"bad room\"}",
                "{\"type\":\"room_message\",\"id\":\"c\",\"room\":\"lobby\",\"content\":{\"x\":1}}",
                "{\"type\":\"no_such_command\",\"id\":4}",
                "{\"type\":\"ping\",\"id\":\"e\"}",
                "{\"type\":\"presence\",\"id\":6,\"room\":\"lobby\"}",
                "{\"type\":\"direct_message\",\"id\":7,\"to\":\"bob\",\"content\":null}",
                "{\"type\":\"room_message\",\"id\":8,\"room\":\"elsewhere\",\"content\":1}",
                "{\"type\":\"leave_room\",\"id\":\"i\",\"room\":\"lobby\"}");
        sent.forEach(alice.client()::sendRaw);

        Recorder.until(() -> replies(alice).size() >= sent.size());
        alice.client().ping().join();
        List<JsonNode> replies = replies(alice);
        assertThat(replies).hasSize(sent.size() + 1);
        assertThat(replies.subList(0, sent.size())).extracting(r -> r.path("id").toString())
                .containsExactly("\"a\"", "2", "\"c\"", "4", "\"e\"", "6", "7", "8", "\"i\"");
        assertThat(replies.subList(0, sent.size())).extracting(r -> r.path("type").asText())
                .containsExactly("ack", "error", "ack", "error", "pong", "ack", "ack", "error", "ack");
        assertThat(replies.get(0).path("room").asText()).isEqualTo("lobby");
        assertThat(replies.get(0).path("offset").asLong()).isZero();
        assertThat(replies.get(0).path("epoch").asText()).isNotEmpty();
        assertThat(replies.get(1).path("code").asText()).isEqualTo("bad_request");
        assertThat(replies.get(2).path("offset").asLong()).isEqualTo(1);
        assertThat(replies.get(3).path("code").asText()).isEqualTo("unknown_type");
        assertThat(replies.get(5).path("members").get(0).path("user_id").asText()).isEqualTo("alice");
        assertThat(replies.get(6).path("to").asText()).isEqualTo("bob");
        assertThat(replies.get(7).path("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void commandsWithoutIdGetNoAckButTheirErrorsStillCome() {
        TestClient alice = node.connect("alice");
        alice.client().sendRaw("{\"type\":\"join_room\",\"room\":\"lobby\"}");
        alice.client().sendRaw("{\"type\":\"join_room\",\"room\":\"\"}");
        alice.client().sendRaw("{\"type\":\"ping\"}");
        alice.client().ping().join();

        assertThat(alice.recorder().frames("ack")).isEmpty();
        List<JsonNode> errors = alice.recorder().frames("error");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).has("id")).isFalse();
        assertThat(errors.get(0).path("code").asText()).isEqualTo("bad_request");
        assertThat(alice.recorder().frames("pong")).hasSize(2);
        assertThat(alice.recorder().frames("pong").get(0).has("id")).isFalse();
    }

    @Test
    void aClientWrittenForTheOriginalHubWorksUnchanged() {
        // The frames the original FastAPI hub's clients send: no ids, four commands.
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().sendRaw("{\"type\": \"join_room\", \"room\": \"general\"}");
        bob.client().sendRaw("{\"type\": \"join_room\", \"room\": \"general\"}");
        bob.recorder().awaitFrame(f -> f.path("type").asText().equals("join")
                && f.path("user_id").asText().equals("bob"));
        alice.client().sendRaw("{\"type\": \"room_message\", \"room\": \"general\", \"content\": \"hello all\"}");
        alice.client().sendRaw("{\"type\": \"direct_message\", \"to\": \"bob\", \"content\": \"psst\"}");

        JsonNode message = bob.recorder().awaitFrame(f -> f.path("type").asText().equals("message"));
        assertThat(message.path("room").asText()).isEqualTo("general");
        assertThat(message.path("from").asText()).isEqualTo("alice");
        assertThat(message.path("content").asText()).isEqualTo("hello all");
        assertThat(message.path("timestamp").asText()).matches(TIMESTAMP);
        JsonNode direct = bob.recorder().awaitFrame(f -> f.path("type").asText().equals("direct_message"));
        assertThat(direct.path("from").asText()).isEqualTo("alice");
        assertThat(direct.path("to").asText()).isEqualTo("bob");
        assertThat(direct.path("content").asText()).isEqualTo("psst");
        assertThat(direct.path("timestamp").asText()).matches(TIMESTAMP);

        bob.client().sendRaw("{\"type\": \"leave_room\", \"room\": \"general\"}");
        alice.recorder().awaitFrame(f -> f.path("type").asText().equals("leave")
                && f.path("user_id").asText().equals("bob"));
        assertThat(alice.recorder().frames("ack")).isEmpty();
        assertThat(alice.recorder().frames("error")).isEmpty();
        assertThat(bob.recorder().frames("error")).isEmpty();
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheId() {
        TestClient alice = node.connect("alice");
        alice.client().sendRaw("{\"type\":\"ping\",\"id\":\"p-1\"}");
        JsonNode pong = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("pong"));
        assertThat(fieldNames(pong)).containsExactly("type", "id");
        assertThat(pong.path("id").asText()).isEqualTo("p-1");
    }

    private static List<JsonNode> replies(TestClient client) {
        return client.recorder().frames().stream()
                .filter(f -> f.has("id") && List.of("ack", "error", "pong").contains(f.path("type").asText()))
                .toList();
    }
}
