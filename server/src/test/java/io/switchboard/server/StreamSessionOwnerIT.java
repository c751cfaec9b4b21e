package io.switchboard.server;

import static io.switchboard.server.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.TestCluster;
import io.switchboard.server.testing.Tokens;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a secure node an SSE or long-polling session serves only its own user: every request that
 * names it (a poll, a resumed stream, a command POST, a DELETE) must carry a token of that user,
 * on the owning node and on any other node of the cluster.
 */
class StreamSessionOwnerIT {
    private static final String PING = "{\"type\":\"ping\",\"id\":1}";

    @RegisterExtension
    final TestCluster cluster = new TestCluster(2, b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1))));

    private final String alice = Tokens.hs256("alice");
    private final String bob = Tokens.hs256("bob");
    private Api owner;
    private Api other;

    @BeforeEach
    void clients() {
        owner = new Api(cluster.node(0), HttpClient.Version.HTTP_1_1);
        other = new Api(cluster.node(1), HttpClient.Version.HTTP_1_1);
    }

    @Test
    void aLongPollingSessionAnswersOnlyToItsUsersToken() {
        String session = pollSession();
        String poll = "/poll?session=" + session + "&ack=1&wait=0";

        assertThat(owner.get(poll).statusCode()).as("no token").isEqualTo(401);
        assertThat(owner.get(poll + "&token=" + bob).statusCode()).as("another user's token").isEqualTo(403);
        assertThat(owner.get(poll + "&token=garbage").statusCode()).as("a bad token").isEqualTo(401);
        assertThat(owner.with("Authorization", "Bearer " + bob).get(poll).statusCode()).isEqualTo(403);
        assertThat(owner.get(poll + "&token=" + alice).statusCode()).isEqualTo(200);
        assertThat(owner.with("Authorization", "Bearer " + alice).get(poll).statusCode()).isEqualTo(200);
    }

    @Test
    void commandsAndDeleteNeedTheSessionUsersTokenOnEveryNode() {
        String session = pollSession();
        for (Api node : List.of(owner, other)) {
            assertThat(node.post("/session/" + session, PING).statusCode()).as("no token").isEqualTo(401);
            assertThat(node.with("Authorization", "Bearer " + bob).post("/session/" + session, PING).statusCode())
                    .as("another user's token").isEqualTo(403);
            assertThat(node.with("Authorization", "Bearer " + bob).delete("/session/" + session).statusCode())
                    .as("another user's token").isEqualTo(403);
            assertThat(node.delete("/session/" + session).statusCode()).as("no token").isEqualTo(401);

            var replies = json(node.with("Authorization", "Bearer " + alice).post("/session/" + session, PING));
            assertThat(replies.path("replies").get(0).path("type").asText()).as("still served").isEqualTo("pong");
            var byQuery = json(node.post("/session/" + session + "?token=" + alice, PING));
            assertThat(byQuery.path("replies").get(0).path("type").asText()).isEqualTo("pong");
        }
        assertThat(other.with("Authorization", "Bearer " + alice).delete("/session/" + session).statusCode())
                .isEqualTo(204);
    }

    @Test
    void anSseSessionResumesOnlyForItsUser() {
        HttpClient http = HttpClient.newHttpClient();
        String session;
        try (SseStream sse = SseStream.open(http, cluster.node(0).httpUri("/sse?token=" + alice), -1)) {
            session = sse.awaitEvents(1).get(0).data().path("session").asText();
        }
        String resume = "/sse?session=" + session + "&lastEventId=1";
        assertThat(owner.get(resume).statusCode()).as("no token").isEqualTo(401);
        assertThat(owner.get(resume + "&token=" + bob).statusCode()).as("another user's token").isEqualTo(403);
        try (SseStream again = SseStream.open(http, cluster.node(0).httpUri(resume + "&token=" + alice), 1)) {
            assertThat(again.response().statusCode()).isEqualTo(200);
            owner.with("Authorization", "Bearer " + alice).post("/session/" + session,
                    "{\"type\":\"direct_message\",\"to\":\"alice\",\"content\":\"to myself\"}");
            again.await(frame -> "to myself".equals(frame.path("content").asText()));
            assertThat(again.events()).as("the same session, resumed").noneMatch(e -> e.data().has("session"));
        }
    }

    private String pollSession() {
        var first = json(owner.get("/poll?token=" + alice));
        String session = first.path("frames").get(0).path("session").asText();
        assertThat(session).startsWith("node-0.");
        return session;
    }
}
