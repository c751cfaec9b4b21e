package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** History and recovery on one node: what a client missed comes back, once and in order. */
class RecoveryIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b
            .commandRate(0, 1) // publishers here go as fast as they can; limits have tests of their own
            .namespaceHistory("small", new HistoryOptions(5, Duration.ofMinutes(2)))
            .namespaceHistory("brief", new HistoryOptions(100, Duration.ofMillis(300))));

    @Test
    void joiningWithSinceReplaysWhatWasMissedThenContinuesLive() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        Events.Joined joined = alice.client().join("room").join();
        bob.client().join("room").join();
        bob.client().publish("room", "seen").join();
        alice.recorder().awaitMessages("room", 1);
        alice.client().leave("room").join();
        for (int i = 1; i <= 3; i++) {
            bob.client().publish("room", "missed " + i).join();
        }

        Events.Joined again = alice.client().join("room", new StreamPosition(1, joined.epoch())).join();
        assertThat(again.recovered()).isTrue();
        assertThat(again.offset()).isEqualTo(4);
        bob.client().publish("room", "live").join();

        List<Events.RoomMessage> got = alice.recorder().awaitMessages("room", 5);
        assertThat(got).extracting(Events.RoomMessage::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(got).extracting(m -> m.content().asText())
                .containsExactly("seen", "missed 1", "missed 2", "missed 3", "live");
    }

    @Test
    void theSeamHasNoGapAndNoRepeatWhilePublishingGoesOn() throws Exception {
        TestClient reader = node.connect("reader");
        TestClient writer = node.connect("writer");
        writer.client().join("busy").join();
        Events.Joined first = reader.client().join("busy").join();
        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> writerDone = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (publishing.get()) {
                writer.client().publish("busy", i++).join();
            }
        });
        for (int round = 0; round < 5; round++) {
            Recorder.until(() -> reader.recorder().messages("busy").size() > 20);
            reader.client().leave("busy").join();
            // Everything sent before the leave took effect has arrived by its ack.
            long last = lastOffset(reader, "busy");
            Events.Joined back = reader.client().join("busy", new StreamPosition(last, first.epoch())).join();
            assertThat(back.recovered()).as("round %d", round).isTrue();
        }
        publishing.set(false);
        writerDone.get();
        long top = writer.client().join("busy").join().offset();
        Recorder.until(() -> lastOffset(reader, "busy") == top);

        assertThat(reader.recorder().messages("busy")).extracting(Events.RoomMessage::offset)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, top).boxed().toList());
    }

    @Test
    void aGapBeyondTheKeptHistoryIsNotRecoveredAndTheClientContinuesLive() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        Events.Joined joined = alice.client().join("small:room").join();
        bob.client().join("small:room").join();
        alice.client().leave("small:room").join();
        for (int i = 0; i < 10; i++) {
            bob.client().publish("small:room", i).join();
        }
        Events.Joined again = alice.client().join("small:room", new StreamPosition(0, joined.epoch())).join();
        assertThat(again.recovered()).isFalse();
        assertThat(again.offset()).isEqualTo(10);
        bob.client().publish("small:room", "live").join();
        assertThat(alice.recorder().awaitMessages("small:room", 1)).extracting(Events.RoomMessage::offset)
                .containsExactly(11L);
    }

    @Test
    void anotherEpochIsNotRecovered() {
        TestClient alice = node.connect("alice");
        alice.client().join("room").join();
        alice.client().publish("room", 1).join();
        alice.client().leave("room").join();
        Events.Joined again = alice.client().join("room", new StreamPosition(1, "not-this-epoch")).join();
        assertThat(again.recovered()).isFalse();
    }

    @Test
    void historyExpiresAfterItsTtlAndThenCannotRecover() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        Events.Joined joined = alice.client().join("brief:room").join();
        bob.client().join("brief:room").join();
        alice.client().leave("brief:room").join();
        bob.client().publish("brief:room", "soon gone").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> history(bob, "brief:room", null).path("publications").isEmpty());
        Events.Joined again = alice.client().join("brief:room", new StreamPosition(0, joined.epoch())).join();
        assertThat(again.recovered()).isFalse();
    }

    @Test
    void theHistoryCommandReadsTheKeptPublications() {
        TestClient alice = node.connect("alice");
        alice.client().join("room").join();
        for (int i = 1; i <= 5; i++) {
            alice.client().publish("room", i).join();
        }
        JsonNode all = history(alice, "room", null);
        assertThat(all.path("offset").asLong()).isEqualTo(5);
        assertThat(all.path("epoch").asText()).isNotEmpty();
        assertThat(all.path("publications")).hasSize(5);
        assertThat(all.path("publications").get(0).path("type").asText()).isEqualTo("message");
        assertThat(all.path("publications").get(4).path("content").asInt()).isEqualTo(5);

        JsonNode after = alice.client().request(Json.mapper().createObjectNode().put("type", "history")
                .put("room", "room").put("limit", 2).set("since", Json.mapper().createObjectNode()
                        .put("offset", 2).put("epoch", all.path("epoch").asText()))).join();
        assertThat(after.path("publications")).extracting(p -> p.path("offset").asLong()).containsExactly(3L, 4L);
        assertThat(after.path("recovered").asBoolean()).isTrue();

        TestClient carol = node.connect("carol");
        assertThatThrownBy(() -> history(carol, "room", null))
                .cause().isInstanceOf(SwitchboardException.class).hasMessageContaining("forbidden");
    }

    @Test
    void missedDirectMessagesAreRecoveredByOffset() {
        TestClient alice = node.connect("alice");
        alice.client().sendDirect("bob", "before bob came").join();
        alice.client().sendDirect("bob", "still before").join();
        TestClient bob = node.connect("bob");
        alice.client().sendDirect("bob", "live").join();
        bob.recorder().awaitFrames("direct_message", 1);
        JsonNode live = bob.recorder().frames("direct_message").get(0);
        assertThat(live.path("offset").asLong()).isEqualTo(3);

        JsonNode missed = bob.client().request(Json.mapper().createObjectNode().put("type", "direct_history")).join();
        assertThat(missed.path("publications")).extracting(p -> p.path("content").asText())
                .containsExactly("before bob came", "still before", "live");
        assertThat(missed.path("offset").asLong()).isEqualTo(3);

        JsonNode since = bob.client().request(Json.mapper().createObjectNode().put("type", "direct_history")
                .set("since", Json.mapper().createObjectNode().put("offset", 1).put("epoch", missed.path("epoch").asText())))
                .join();
        assertThat(since.path("recovered").asBoolean()).isTrue();
        assertThat(since.path("publications")).extracting(p -> p.path("offset").asLong()).containsExactly(2L, 3L);
    }

    @Test
    void theServerApiReadsTheSameHistory() throws Exception {
        TestClient alice = node.connect("alice");
        alice.client().join("team/alpha").join();
        for (int i = 1; i <= 4; i++) {
            alice.client().publish("team/alpha", i).join();
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var all = http.send(java.net.http.HttpRequest.newBuilder(
                node.httpUri("/api/v1/rooms/team%2Falpha/history")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = Json.mapper().readTree(all.body());
        assertThat(body.path("room").asText()).isEqualTo("team/alpha");
        assertThat(body.path("publications")).extracting(p -> p.path("content").asInt()).containsExactly(1, 2, 3, 4);
        JsonNode viaCommand = history(alice, "team/alpha", null);
        assertThat(body.path("publications")).isEqualTo(viaCommand.path("publications"));

        String epoch = body.path("epoch").asText();
        var after = http.send(java.net.http.HttpRequest.newBuilder(node.httpUri(
                "/api/v1/rooms/team%2Falpha/history?since=1&epoch=" + epoch + "&limit=2")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode page = Json.mapper().readTree(after.body());
        assertThat(page.path("publications")).extracting(p -> p.path("offset").asLong()).containsExactly(2L, 3L);
        assertThat(page.path("recovered").asBoolean()).isTrue();

        for (String bad : List.of("?since=x&epoch=e", "?since=1", "?limit=-1")) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(
                    node.httpUri("/api/v1/rooms/team%2Falpha/history" + bad)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        }
        var post = http.send(java.net.http.HttpRequest.newBuilder(node.httpUri("/api/v1/rooms/x/history"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        var badRoom = http.send(java.net.http.HttpRequest.newBuilder(node.httpUri("/api/v1/rooms/a%20b/history")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(badRoom.statusCode()).isEqualTo(400);
        var unknown = http.send(java.net.http.HttpRequest.newBuilder(node.httpUri("/api/v1/nothing")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    private static JsonNode history(TestClient client, String room, Integer limit) {
        var command = Json.mapper().createObjectNode().put("type", "history").put("room", room);
        if (limit != null) {
            command.put("limit", limit);
        }
        return client.client().request(command).join();
    }

    private static long lastOffset(TestClient client, String room) {
        List<Events.RoomMessage> messages = new ArrayList<>(client.recorder().messages(room));
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).offset();
    }
}
