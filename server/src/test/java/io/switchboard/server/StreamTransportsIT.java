package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server-Sent Events and long-polling sessions over the JDK HTTP client. */
class StreamTransportsIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.sessionHold(Duration.ofSeconds(4)).sseHeartbeat(Duration.ofMillis(300))
            .pollWait(Duration.ofSeconds(3)));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Api api = new Api(node, HttpClient.Version.HTTP_1_1);

    @Test
    void anSseStreamCarriesNumberedFramesStartingWithConnectedAndHeartbeats() {
        try (SseStream sse = SseStream.open(http, node.httpUri("/sse/alice"), -1)) {
            assertThat(sse.response().statusCode()).isEqualTo(200);
            assertThat(sse.response().headers().firstValue("content-type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(sse.response().headers().firstValue("content-encoding")).isEmpty();
            SseStream.Event connected = sse.awaitEvents(1).get(0);
            assertThat(connected.id()).isEqualTo(1);
            assertThat(connected.data().path("type").asText()).isEqualTo("connected");
            String session = connected.data().path("session").asText();
            assertThat(session).startsWith("test-node.").hasSizeGreaterThan(20);

            JsonNode replies = json(api.post("/session/" + session,
                    "[{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"},{\"type\":\"ping\",\"id\":2}]"));
            assertThat(replies.path("replies")).extracting(r -> r.path("type").asText()).containsExactly("ack", "pong");
            TestClient bob = node.connect("bob");
            bob.client().join("lobby").join();
            bob.client().publish("lobby", "hi alice").join();

            SseStream.Event message = sse.await(f -> f.path("type").asText().equals("message"));
            assertThat(message.data().path("content").asText()).isEqualTo("hi alice");
            List<Long> ids = sse.events().stream().map(SseStream.Event::id).toList();
            assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, ids.size()).boxed().toList());
            await().atMost(Duration.ofSeconds(5)).until(() -> !sse.comments().isEmpty());
        }
    }

    @Test
    void anSseClientResumesWithLastEventIdAndLosesNothingAndRepeatsNothing() {
        TestClient bob = node.connect("bob");
        bob.client().join("lobby").join();
        String session;
        long lastId;
        try (SseStream sse = SseStream.open(http, node.httpUri("/sse/alice"), -1)) {
            session = sse.awaitEvents(1).get(0).data().path("session").asText();
            api.post("/session/" + session, "{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}");
            bob.client().publish("lobby", 1).join();
            sse.await(f -> f.path("content").asInt() == 1);
            lastId = sse.events().get(sse.events().size() - 1).id();
        }
        for (int i = 2; i <= 4; i++) {
            bob.client().publish("lobby", i).join();
        }
        try (SseStream again = SseStream.open(http, node.httpUri("/sse/alice?session=" + session), lastId)) {
            bob.client().publish("lobby", 5).join();
            again.await(f -> f.path("content").asInt() == 5);
            List<SseStream.Event> events = again.events();
            assertThat(events.get(0).id()).isEqualTo(lastId + 1);
            assertThat(events.stream().filter(e -> e.data().path("type").asText().equals("message"))
                    .map(e -> e.data().path("content").asInt())).containsExactly(2, 3, 4, 5);
            assertThat(events.stream().map(e -> e.data().path("type").asText())).doesNotContain("connected");
        }
    }

    @Test
    void resumingAnExpiredSessionStartsAFreshOneSayingSo() {
        String session;
        try (SseStream sse = SseStream.open(http, node.httpUri("/sse/alice"), -1)) {
            session = sse.awaitEvents(1).get(0).data().path("session").asText();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(api.get("/api/v1/users/alice")).path("online").asBoolean());
        try (SseStream again = SseStream.open(http, node.httpUri("/sse/alice?session=" + session), 3)) {
            JsonNode connected = again.awaitEvents(1).get(0).data();
            assertThat(connected.path("type").asText()).isEqualTo("connected");
            assertThat(connected.path("resumed").asBoolean(true)).isFalse();
            assertThat(connected.path("session").asText()).isNotEqualTo(session);
        }
    }

    @Test
    void longPollingDeliversEverythingPublishedBetweenPollsAndWaitsWhenThereIsNothing() {
        HttpResponse<String> opened = api.get("/poll/carol");
        JsonNode first = json(opened);
        assertThat(first.path("seq").asLong()).isEqualTo(1);
        JsonNode connected = first.path("frames").get(0);
        assertThat(connected.path("type").asText()).isEqualTo("connected");
        String session = connected.path("session").asText();

        api.post("/session/" + session, "{\"type\":\"join_room\",\"id\":\"j\",\"room\":\"lobby\"}");
        TestClient bob = node.connect("bob");
        bob.client().join("lobby").join();
        List<Integer> got = new ArrayList<>();
        long ack = 1;
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 3; i++) {
                bob.client().publish("lobby", round * 3 + i).join();
            }
            JsonNode poll = json(api.get("/poll?session=" + session + "&ack=" + ack));
            for (JsonNode frame : poll.path("frames")) {
                if (frame.path("type").asText().equals("message")) {
                    got.add(frame.path("content").asInt());
                }
            }
            ack = poll.path("seq").asLong();
        }
        long lastAck = ack;
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode more = json(api.get("/poll?session=" + session + "&ack=" + lastAck + "&wait=0"));
            more.path("frames").forEach(f -> got.add(f.path("content").asInt()));
            return got.size() >= 12;
        });
        assertThat(got).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 12).boxed().toList());

        long start = System.nanoTime();
        JsonNode empty = json(api.get("/poll?session=" + session + "&ack=" + lastAck + "&wait=1"));
        assertThat(empty.path("frames")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aWaitingPollIsAnsweredAsSoonAsAFrameComes() throws Exception {
        JsonNode first = json(api.get("/poll/carol"));
        String session = first.path("frames").get(0).path("session").asText();
        var waiting = http.sendAsync(java.net.http.HttpRequest.newBuilder(
                node.httpUri("/poll?session=" + session + "&ack=1&wait=3")).build(), HttpResponse.BodyHandlers.ofString());
        TestClient bob = node.connect("bob");
        bob.client().sendDirect("carol", "now").join();
        JsonNode answered = json(waiting.get(2, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(answered.path("frames").get(0).path("content").asText()).isEqualTo("now");
    }

    @Test
    void anIdleSessionExpiresAndUnknownSessionsAre404() {
        String session = json(api.get("/poll/carol")).path("frames").get(0).path("session").asText();
        // Watched from the side: a poll would keep the session alive.
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(api.get("/api/v1/users/carol")).path("online").asBoolean());
        assertThat(api.get("/poll?session=" + session + "&ack=1&wait=0").statusCode()).isEqualTo(404);
        HttpResponse<String> post = api.post("/session/" + session, "{\"type\":\"ping\"}");
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(api.get("/poll?session=nobody.xyz&ack=0").statusCode()).isEqualTo(404);
    }

    @Test
    void badPostsAreAnsweredWithProblemsAndDeleteEndsTheSession() {
        String session = json(api.get("/poll/carol")).path("frames").get(0).path("session").asText();
        assertThat(api.post("/session/" + session, "{oops").statusCode()).isEqualTo(400);
        assertThat(api.post("/session/" + session, "[]").statusCode()).isEqualTo(400);
        assertThat(api.post("/session/" + session, "42").statusCode()).isEqualTo(400);
        assertThat(api.send("POST", "/session/" + session, "{}", "text/plain").statusCode()).isEqualTo(415);
        assertThat(api.get("/session/" + session).headers().firstValue("allow")).hasValue("POST, DELETE");
        JsonNode bad = json(api.post("/session/" + session, "{\"type\":\"join_room\",\"id\":7,\"room\":\"a b\"}"));
        assertThat(bad.path("replies").get(0).path("code").asText()).isEqualTo("bad_request");

        assertThat(api.delete("/session/" + session).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/poll?session=" + session + "&ack=1&wait=0").statusCode() == 404);
    }

    @Test
    void aUserOnWebSocketSseAndLongPollingGetsEachMessageOnceOnEach() {
        TestClient ws = node.connect("dave");
        ws.client().join("room").join();
        try (SseStream sse = SseStream.open(http, node.httpUri("/sse/dave"), -1)) {
            String sseSession = sse.awaitEvents(1).get(0).data().path("session").asText();
            String pollSession = json(api.get("/poll/dave")).path("frames").get(0).path("session").asText();
            api.post("/session/" + sseSession, "{\"type\":\"join_room\",\"id\":1,\"room\":\"room\"}");
            api.post("/session/" + pollSession, "{\"type\":\"join_room\",\"id\":1,\"room\":\"room\"}");
            TestClient erin = node.connect("erin");
            erin.client().join("room").join();
            erin.client().publish("room", "to the room").join();
            erin.client().sendDirect("dave", "to dave").join();

            ws.recorder().awaitFrames("direct_message", 1);
            sse.await(f -> f.path("type").asText().equals("direct_message"));
            List<JsonNode> polled = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                polled.clear();
                json(api.get("/poll?session=" + pollSession + "&ack=0&wait=0")).path("frames").forEach(polled::add);
                return polled.stream().anyMatch(f -> f.path("type").asText().equals("direct_message"));
            });
            RoomDeliveryIT.assertNothingMoreArrives(ws);
            assertThat(ws.recorder().messages("room")).hasSize(1);
            assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(ws)).hasSize(1);
            assertThat(sse.events().stream().filter(e -> e.data().path("type").asText().equals("message"))).hasSize(1);
            assertThat(sse.events().stream().filter(e -> e.data().path("type").asText().equals("direct_message")
                    && !e.data().path("content").asText().startsWith("marker-"))).hasSize(1);
            assertThat(polled.stream().filter(f -> f.path("type").asText().equals("message"))).hasSize(1);
            assertThat(polled.stream().filter(f -> f.path("type").asText().equals("direct_message"))).hasSize(1);
        }
    }
}
