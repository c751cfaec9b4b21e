package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.config.RoomPolicy;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Private rooms, user-limited rooms and the rules of each namespace. */
class RoomAccessIT {
    private static final String KEY = "backend-key-0123456789abcdef";

    @RegisterExtension
    final TestNode node = new TestNode(b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1)))
            .apiKey("backend", KEY)
            .namespacePolicy("news", RoomPolicy.parse("publish=server,presence=false,join-leave=false"))
            .namespacePolicy("board", RoomPolicy.parse("publish=anyone")));

    private TestClient connect(String user, String... grants) {
        return node.connect(user, token(user, grants));
    }

    private static Consumer<SwitchboardClient.Builder> token(String user, String... grants) {
        return b -> b.token(() -> Tokens.hs256(user, c -> {
            if (grants.length > 0) {
                c.claim("rooms", List.of(grants));
            }
        }));
    }

    private static String errorCode(CompletableFuture<?> reply) {
        assertThatThrownBy(reply::join).cause().isInstanceOf(SwitchboardException.class);
        return ((SwitchboardException) reply.handle((v, e) -> e.getCause()).join()).code();
    }

    @Test
    void aPrivateRoomNeedsAGrantInTheToken() {
        TestClient vip = connect("vip", "$vip:*");
        TestClient guest = connect("guest", "$staff:*");
        vip.client().join("$vip:lounge").join();
        assertThat(errorCode(guest.client().join("$vip:lounge"))).isEqualTo("forbidden");
        assertThat(errorCode(guest.client().publish("$vip:lounge", "hi"))).isEqualTo("forbidden");
        assertThat(errorCode(guest.client().presence("$vip:lounge"))).isEqualTo("forbidden");
        vip.client().publish("$vip:lounge", "welcome").join();
        assertThat(vip.recorder().awaitMessages("$vip:lounge", 1)).hasSize(1);
        assertThat(guest.recorder().messages("$vip:lounge")).isEmpty();
    }

    @Test
    void aRefreshedTokenThatNoLongerGrantsARoomTakesTheConnectionOutOfIt() {
        TestClient alice = connect("alice", "$vip:*", "$staff:*");
        TestClient watcher = connect("watcher", "$staff:*", "$vip:*");
        for (String room : List.of("$vip:lounge", "$staff:desk", "lobby")) {
            alice.client().join(room).join();
            watcher.client().join(room).join();
        }

        alice.client().refresh(Tokens.hs256("alice", c -> c.claim("rooms", List.of("$vip:*")))).join();
        JsonNode ack = alice.recorder().awaitFrame(f -> f.has("left_rooms"));
        assertThat(ack.path("left_rooms")).extracting(JsonNode::asText).containsExactly("$staff:desk");

        Recorder.until(() -> watcher.recorder().memberships().contains(new Events.Membership("$staff:desk", "alice", false)));
        assertThat(errorCode(alice.client().publish("$staff:desk", "still here?"))).isEqualTo("forbidden");
        assertThat(errorCode(alice.client().join("$staff:desk"))).isEqualTo("forbidden");
        assertThat(alice.client().position("$staff:desk")).as("not rejoined on a reconnect").isNull();
        watcher.client().publish("$staff:desk", "staff only").join();
        watcher.client().publish("$vip:lounge", "vips").join();
        watcher.client().publish("lobby", "everyone").join();
        assertThat(alice.recorder().awaitMessages("$vip:lounge", 1)).hasSize(1);
        assertThat(alice.recorder().awaitMessages("lobby", 1)).hasSize(1);
        assertThat(alice.recorder().messages("$staff:desk")).isEmpty();
        assertThat(watcher.client().presence("$staff:desk").join()).extracting(Events.Member::userId)
                .containsExactly("watcher");

        // A refresh that keeps every grant leaves nothing.
        alice.client().refresh(Tokens.hs256("alice", c -> c.claim("rooms", List.of("$vip:*")))).join();
        Recorder.until(() -> alice.recorder().frames("ack").stream().filter(f -> f.has("left_rooms")).count() == 2);
        assertThat(alice.recorder().frames("ack").stream().filter(f -> f.has("left_rooms")).toList().get(1)
                .path("left_rooms")).isEmpty();
    }

    @Test
    void aRoomWithAUserListAdmitsOnlyThoseUsers() {
        TestClient alice = connect("alice");
        TestClient bob = connect("bob");
        TestClient carol = connect("carol");
        alice.client().join("chat#alice,bob").join();
        bob.client().join("chat#alice,bob").join();
        assertThat(errorCode(carol.client().join("chat#alice,bob"))).isEqualTo("forbidden");
        alice.client().publish("chat#alice,bob", "just us").join();
        assertThat(bob.recorder().awaitMessages("chat#alice,bob", 1).get(0).content().asText()).isEqualTo("just us");
    }

    @Test
    void aServerOnlyNamespaceRefusesClientPublishesAndHidesPresence() {
        TestClient reader = connect("reader");
        TestClient other = connect("other");
        reader.client().join("news:world").join();
        other.client().join("news:world").join();
        assertThat(errorCode(reader.client().publish("news:world", "fake news"))).isEqualTo("forbidden");
        assertThat(errorCode(reader.client().presence("news:world"))).isEqualTo("forbidden");

        var response = new Api(node, HttpClient.Version.HTTP_1_1).with("X-API-Key", KEY)
                .post("/api/v1/rooms/news:world/messages", "{\"content\":\"headline\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(reader.recorder().awaitMessages("news:world", 1).get(0).content().asText()).isEqualTo("headline");
        // Nobody saw anybody join: join/leave is off in this namespace.
        other.recorder().awaitMessages("news:world", 1);
        assertThat(reader.recorder().memberships()).isEmpty();
        assertThat(other.recorder().memberships()).isEmpty();
    }

    @Test
    void inAnAnyoneNamespaceANonMemberMayPublish() {
        TestClient member = connect("member");
        TestClient passerby = connect("passerby");
        member.client().join("board:notes").join();
        passerby.client().publish("board:notes", "drive-by").join();
        assertThat(member.recorder().awaitMessages("board:notes", 1).get(0).from()).isEqualTo("passerby");
        // The default namespace still wants membership.
        assertThat(errorCode(passerby.client().publish("lobby", "x"))).isEqualTo("forbidden");
    }

    @Test
    void membersSeeJoinAndLeaveWhereTheNamespaceShowsThem() {
        TestClient alice = connect("alice");
        TestClient bob = connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.recorder().memberships().stream()
                .anyMatch(m -> m.userId().equals("bob") && m.joined()));
    }
}
