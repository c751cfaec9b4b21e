package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestCluster;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History reads oldest first or newest first ({@code reverse}), and the last N messages with
 * {@code reverse} and {@code limit}: over the protocol and the REST API, on the memory broker
 * and on Redis alike.
 */
class HistoryReadIT {
    private static final int PUBLISHED = 10;

    /** The scenarios, run against one node of each kind. */
    abstract static class Scenarios {
        private final AtomicInteger ids = new AtomicInteger();

        abstract TestNode node();

        @Test
        void theLastNMessagesNewestFirst() {
            TestClient alice = publishTen("alice", "room-a");
            assertThat(offsets(history(alice, "\"room\":\"room-a\",\"reverse\":true,\"limit\":3"))).containsExactly(10L, 9L, 8L);
            assertThat(offsets(history(alice, "\"room\":\"room-a\",\"reverse\":true")))
                    .containsExactly(10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
            assertThat(offsets(history(alice, "\"room\":\"room-a\",\"limit\":3"))).as("oldest first, as before")
                    .containsExactly(1L, 2L, 3L);
            assertThat(offsets(history(alice, "\"room\":\"room-a\",\"reverse\":false,\"limit\":2"))).containsExactly(1L, 2L);
        }

        @Test
        void newestFirstAfterAPositionSaysWhetherItReachesBackToIt() {
            TestClient alice = publishTen("alice", "room-b");
            JsonNode all = history(alice, "\"room\":\"room-b\",\"limit\":1");
            String since = ",\"since\":{\"offset\":7,\"epoch\":\"" + all.path("epoch").asText() + "\"}";
            JsonNode whole = history(alice, "\"room\":\"room-b\",\"reverse\":true" + since);
            assertThat(offsets(whole)).containsExactly(10L, 9L, 8L);
            assertThat(whole.path("recovered").asBoolean()).isTrue();
            JsonNode cut = history(alice, "\"room\":\"room-b\",\"reverse\":true,\"limit\":2" + since);
            assertThat(offsets(cut)).containsExactly(10L, 9L);
            assertThat(cut.path("recovered").asBoolean()).as("offset 8 is not in the page").isFalse();
        }

        @Test
        void directHistoryReadsNewestFirstToo() {
            TestClient bob = node().connect("bob");
            for (int i = 1; i <= 4; i++) {
                bob.client().sendDirect("bob", "dm " + i).join();
            }
            JsonNode ack = command(bob, "\"type\":\"direct_history\",\"reverse\":true,\"limit\":2");
            List<String> contents = new ArrayList<>();
            ack.path("publications").forEach(p -> contents.add(p.path("content").asText()));
            assertThat(contents).containsExactly("dm 4", "dm 3");
        }

        @Test
        void theRestApiTakesReverseAndRefusesAnythingButTrueOrFalse() {
            publishTen("carol", "room-c");
            Api api = new Api(node(), HttpClient.Version.HTTP_1_1);
            assertThat(offsets(json(api.get("/api/v1/rooms/room-c/history?reverse=true&limit=2")))).containsExactly(10L, 9L);
            assertThat(offsets(json(api.get("/api/v1/rooms/room-c/history?reverse=false&limit=2")))).containsExactly(1L, 2L);
            var bad = api.get("/api/v1/rooms/room-c/history?reverse=yes");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).path("detail").asText()).contains("'reverse' must be true or false");
        }

        @Test
        void aReverseThatIsNotABooleanIsABadRequestWithTheId() {
            TestClient alice = node().connect("alice");
            alice.client().join("room-d").join();
            alice.client().sendRaw("{\"type\":\"history\",\"id\":\"h-bad\",\"room\":\"room-d\",\"reverse\":\"yes\"}");
            JsonNode error = alice.recorder().awaitFrame(f -> "h-bad".equals(f.path("id").asText()));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
            assertThat(error.path("message").asText()).contains("'reverse'");
        }

        @Test
        void theJavaSdkReadsARoomsHistoryEitherWayAndSinceAPosition() {
            TestClient alice = publishTen("alice", "room-e");
            Events.History oldest = alice.client().history("room-e", 3).join();
            assertThat(oldest.publications()).extracting(Events.RoomMessage::offset).containsExactly(1L, 2L, 3L);
            assertThat(oldest.publications()).extracting(m -> m.content().asText()).containsExactly("m1", "m2", "m3");
            assertThat(oldest.position().offset()).isEqualTo(PUBLISHED);
            assertThat(oldest.recovered()).isNull();

            Events.History newest = alice.client().history("room-e", null, 2, true).join();
            assertThat(newest.publications()).extracting(Events.RoomMessage::offset).containsExactly(10L, 9L);

            StreamPosition seven = new StreamPosition(7, oldest.position().epoch());
            Events.History since = alice.client().history("room-e", seven, 0, false).join();
            assertThat(since.publications()).extracting(Events.RoomMessage::offset).containsExactly(8L, 9L, 10L);
            assertThat(since.recovered()).isTrue();
            // Reading delivers nothing: the ten came once, live.
            assertThat(alice.recorder().messages("room-e")).hasSize(PUBLISHED);
        }

        private TestClient publishTen(String user, String room) {
            TestClient client = node().connect(user);
            client.client().join(room).join();
            for (int i = 1; i <= PUBLISHED; i++) {
                client.client().publish(room, "m" + i).join();
            }
            return client;
        }

        private JsonNode history(TestClient client, String fields) {
            return command(client, "\"type\":\"history\"," + fields);
        }

        private JsonNode command(TestClient client, String fields) {
            String id = "h-" + ids.incrementAndGet();
            client.client().sendRaw("{\"id\":\"" + id + "\"," + fields + "}");
            JsonNode answer = client.recorder().awaitFrame(f -> id.equals(f.path("id").asText()));
            assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
            return answer;
        }

        private static List<Long> offsets(JsonNode page) {
            List<Long> offsets = new ArrayList<>();
            page.path("publications").forEach(p -> offsets.add(p.path("offset").asLong()));
            return offsets;
        }
    }

    @Nested
    class InMemory extends Scenarios {
        @RegisterExtension
        final TestNode node = new TestNode(b -> b.commandRate(0, 1));

        @Override
        TestNode node() {
            return node;
        }
    }

    @Nested
    class OnRedis extends Scenarios {
        @RegisterExtension
        final TestCluster cluster = new TestCluster(1, b -> b.commandRate(0, 1));

        @Override
        TestNode node() {
            return cluster.node(0);
        }
    }
}
