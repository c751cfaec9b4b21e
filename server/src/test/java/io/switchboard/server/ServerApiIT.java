package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every route of the server API, and each of its errors, over the JDK HTTP client. */
class ServerApiIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    private final Api api = new Api(node, HttpClient.Version.HTTP_1_1);

    @Test
    void publishingToARoomReachesItsMembersAndAnswers201WithTheOffset() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();

        HttpResponse<String> response = api.post("/api/v1/rooms/lobby/messages", "{\"content\":{\"x\":1},\"from\":\"backend\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json(response).path("offset").asLong()).isEqualTo(1);
        assertThat(json(response).path("epoch").asText()).isNotEmpty();
        api.post("/api/v1/rooms/lobby/messages", "{\"content\":\"anonymous\"}");

        List<Events.RoomMessage> got = alice.recorder().awaitMessages("lobby", 2);
        assertThat(got.get(0).from()).isEqualTo("backend");
        assertThat(got.get(0).content().path("x").asInt()).isEqualTo(1);
        assertThat(got.get(1).from()).isNull();
    }

    @Test
    void broadcastAnswersAResultPerRoom() {
        TestClient alice = node.connect("alice");
        alice.client().join("a").join();
        alice.client().join("b").join();
        HttpResponse<String> response = api.post("/api/v1/broadcast",
                "{\"rooms\":[\"a\",\"b\",\"presence\"],\"content\":\"to all\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode results = json(response).path("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).path("room").asText()).isEqualTo("a");
        assertThat(results.get(0).path("offset").asLong()).isEqualTo(1);
        assertThat(results.get(1).path("offset").asLong()).isEqualTo(1);
        assertThat(results.get(2).path("error").asText()).isEqualTo("forbidden");
        alice.recorder().awaitMessages("a", 1);
        alice.recorder().awaitMessages("b", 1);
    }

    @Test
    void aDirectMessageIsAccepted202AndReachesEveryConnectionOfTheUser() {
        TestClient bob1 = node.connect("bob");
        TestClient bob2 = node.connect("bob");
        HttpResponse<String> response = api.post("/api/v1/users/bob/messages", "{\"content\":\"psst\",\"from\":\"ops\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        for (TestClient bob : List.of(bob1, bob2)) {
            JsonNode dm = bob.recorder().awaitFrames("direct_message", 1).get(0);
            assertThat(dm.path("from").asText()).isEqualTo("ops");
            assertThat(dm.path("content").asText()).isEqualTo("psst");
        }
    }

    @Test
    void roomsPresenceAndUsersAgreeWithTheConnections() {
        TestClient alice1 = node.connect("alice");
        TestClient alice2 = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice1.client().join("x").join();
        alice2.client().join("x").join();
        bob.client().join("x").join();
        bob.client().join("y").join();

        JsonNode rooms = json(api.get("/api/v1/rooms")).path("rooms");
        assertThat(rooms.toString()).isEqualTo("[{\"room\":\"x\",\"members\":2,\"connections\":3},"
                + "{\"room\":\"y\",\"members\":1,\"connections\":1}]");
        JsonNode presence = json(api.get("/api/v1/rooms/x/presence"));
        assertThat(presence.path("members").toString())
                .isEqualTo("[{\"user_id\":\"alice\",\"connections\":2},{\"user_id\":\"bob\",\"connections\":1}]");
        assertThat(bob.client().presence("x").join())
                .containsExactly(new Events.Member("alice", 2), new Events.Member("bob", 1));
        JsonNode alice = json(api.get("/api/v1/users/alice"));
        assertThat(alice.path("online").asBoolean()).isTrue();
        assertThat(alice.path("connections").asInt()).isEqualTo(2);
        assertThat(json(api.get("/api/v1/users/nobody")).path("online").asBoolean()).isFalse();

        JsonNode stats = json(api.get("/api/v1/stats"));
        assertThat(stats.path("nodes").toString()).isEqualTo("[\"test-node\"]");
        assertThat(stats.path("connections").asInt()).isEqualTo(3);
        assertThat(stats.path("users").asInt()).isEqualTo(2);
        assertThat(stats.path("rooms").asInt()).isEqualTo(2);
        assertThat(stats.path("node").path("connections").asInt()).isEqualTo(3);
        assertThat(stats.path("node").path("transports").path("websocket").asInt()).isEqualTo(3);
        assertThat(stats.path("node").path("transports").path("sse").asInt()).isZero();
        assertThat(stats.path("node").path("users").asInt()).isEqualTo(2);
        assertThat(stats.path("cluster")).hasSize(1);
        assertThat(stats.path("cluster").get(0).path("id").asText()).isEqualTo("test-node");
        assertThat(stats.path("cluster").get(0).path("connections").asInt()).isEqualTo(3);
    }

    @Test
    void statsCountWhatThisNodePublishedAndDelivered() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().join("x").join();
        // Join events are deliveries too: the joiner sees its own, alice sees bob's (hers reaches
        // her before bob joins, or he would get it as well).
        alice.recorder().awaitFrames("join", 1);
        bob.client().join("x").join();
        alice.recorder().awaitFrames("join", 2);
        bob.recorder().awaitFrames("join", 1);
        JsonNode before = json(api.get("/api/v1/stats")).path("node");
        assertThat(api.post("/api/v1/rooms/x/messages", "{\"content\":1}").statusCode()).isEqualTo(201);
        assertThat(api.post("/api/v1/rooms/x/messages", "{\"content\":2}").statusCode()).isEqualTo(201);
        assertThat(api.post("/api/v1/users/bob/messages", "{\"content\":3}").statusCode()).isEqualTo(202);
        alice.recorder().awaitMessages("x", 2);
        bob.recorder().awaitMessages("x", 2);
        bob.recorder().awaitFrames("direct_message", 1);

        JsonNode after = json(api.get("/api/v1/stats")).path("node");
        assertThat(after.path("publications").asLong() - before.path("publications").asLong()).isEqualTo(2);
        assertThat(after.path("direct_messages").asLong() - before.path("direct_messages").asLong()).isEqualTo(1);
        // Two room messages to two members, one direct message to one connection.
        assertThat(after.path("deliveries").asLong() - before.path("deliveries").asLong()).isEqualTo(5);
        assertThat(after.path("at").asLong()).isGreaterThanOrEqualTo(before.path("at").asLong());
        assertThat(after.path("started").asLong()).isEqualTo(before.path("started").asLong())
                .isPositive().isLessThanOrEqualTo(before.path("at").asLong());
    }

    @Test
    void deletingAUsersConnectionsClosesThemAllWithoutInvitingThemBack() {
        TestClient bob1 = node.connect("bob");
        TestClient bob2 = node.connect("bob");
        TestClient carol = node.connect("carol");
        HttpResponse<String> response = api.delete("/api/v1/users/bob/connections");
        assertThat(response.statusCode()).isEqualTo(204);
        for (TestClient bob : List.of(bob1, bob2)) {
            Events.Closed closed = bob.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(closed.code()).isEqualTo(4003);
            assertThat(bob.recorder().disconnects()).extracting(Events.Disconnect::reconnect).containsExactly(false);
        }
        assertThat(carol.client().isOpen()).isTrue();
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        assertThat(api.send("PUT", "/api/v1/rooms", "{}", "application/json"))
                .satisfies(r -> assertProblem(r, 405)).satisfies(r -> assertThat(r.headers().firstValue("allow")).hasValue("GET"));
        assertThat(api.get("/api/v1/rooms/x/messages").headers().firstValue("allow")).hasValue("POST");
        assertThat(api.get("/api/v1/broadcast").headers().firstValue("allow")).hasValue("POST");
        assertThat(api.post("/api/v1/users/x", "{}").headers().firstValue("allow")).hasValue("GET");
        assertThat(api.get("/api/v1/users/x/connections").headers().firstValue("allow")).hasValue("DELETE");
        assertThat(api.delete("/api/v1/stats").headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void badRequestsAreAnsweredWithProblemDocuments() {
        assertProblem(api.get("/api/v1/nothing/here"), 404);
        assertProblem(api.post("/api/v1/rooms/lobby/messages", "{not json"), 400);
        assertProblem(api.post("/api/v1/rooms/lobby/messages", "[1]"), 400);
        assertProblem(api.post("/api/v1/rooms/lobby/messages", "{\"from\":\"x\"}"), 400);
        assertProblem(api.post("/api/v1/rooms/lobby/messages", "{\"content\":1,\"from\":7}"), 400);
        assertProblem(api.post("/api/v1/rooms/a%20b/messages", "{\"content\":1}"), 400);
        assertProblem(api.post("/api/v1/broadcast", "{\"rooms\":[],\"content\":1}"), 400);
        assertProblem(api.post("/api/v1/broadcast", "{\"rooms\":[\"ok\",\"not ok\"],\"content\":1}"), 400);
        assertProblem(api.post("/api/v1/users/%01/messages", "{\"content\":1}"), 400);
        assertProblem(api.post("/api/v1/rooms/presence/messages", "{\"content\":1}"), 403);
        assertProblem(api.send("POST", "/api/v1/rooms/lobby/messages", "content=1", "application/x-www-form-urlencoded"), 415);
        assertProblem(api.send("POST", "/api/v1/rooms/lobby/messages", "{\"content\":1}", null), 415);
        String big = "{\"content\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertProblem(api.post("/api/v1/rooms/lobby/messages", big), 413);
        String deep = "{\"content\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertProblem(api.post("/api/v1/rooms/lobby/messages", deep), 400);
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void everyAnswerCarriesTheRateLimitHeaders(HttpClient.Version version) {
        HttpResponse<String> ok = new Api(node, version).get("/api/v1/rooms");
        assertThat(ok.headers().firstValue("x-ratelimit-limit")).hasValue("200");
        assertThat(ok.headers().firstValue("x-ratelimit-remaining")).isPresent();
        assertThat(ok.headers().firstValue("x-ratelimit-reset")).isPresent();
        HttpResponse<String> error = new Api(node, version).get("/api/v1/nope");
        assertThat(error.headers().firstValue("x-ratelimit-limit")).hasValue("200");
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).isNotEmpty();
    }
}
