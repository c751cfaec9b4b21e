package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.Events;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PresenceIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void userIsOnlineOnTheFirstConnectionAndOfflineAfterTheLast() {
        TestClient watcher = node.connect("watcher");
        watcher.client().join("presence").join();

        TestClient alice1 = node.connect("alice");
        awaitPresence(watcher, "alice", true, 1);
        TestClient alice2 = node.connect("alice");
        alice1.client().close();
        // A marker user's online event proves nothing for alice was queued before it.
        TestClient marker = node.connect("marker");
        awaitPresence(watcher, "marker", true, 1);
        assertThat(events(watcher, "alice")).containsExactly(true);

        alice2.client().close();
        awaitPresence(watcher, "alice", false, 1);
        marker.client().close();
        awaitPresence(watcher, "marker", false, 1);
        assertThat(events(watcher, "alice")).containsExactly(true, false);
        assertThat(watcher.recorder().presence().get(0).timestamp())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void joinAndLeaveAreEmittedOncePerUserPerRoom() {
        TestClient watcher = node.connect("watcher");
        watcher.client().join("room").join();
        TestClient alice1 = node.connect("alice");
        TestClient alice2 = node.connect("alice");
        TestClient marker = node.connect("marker");

        alice1.client().join("room").join();
        alice2.client().join("room").join();
        marker.client().join("room").join();
        awaitMembership(watcher, "marker", true);
        assertThat(memberships(watcher, "alice")).containsExactly(true);

        alice1.client().leave("room").join();
        marker.client().leave("room").join();
        awaitMembership(watcher, "marker", false);
        assertThat(memberships(watcher, "alice")).containsExactly(true);

        alice2.client().leave("room").join();
        awaitMembership(watcher, "alice", false);
        assertThat(memberships(watcher, "alice")).containsExactly(true, false);
        // The joiner sees its own join (it is a member when the event goes out).
        assertThat(memberships(alice1, "alice")).startsWith(true);
    }

    @Test
    void presenceListsMembersWithTheirConnectionCounts() {
        TestClient alice1 = node.connect("alice");
        TestClient alice2 = node.connect("alice");
        TestClient bob = node.connect("bob");
        TestClient carol = node.connect("carol");
        alice1.client().join("room").join();
        alice2.client().join("room").join();
        bob.client().join("room").join();

        assertThat(carol.client().presence("room").join())
                .containsExactly(new Events.Member("alice", 2), new Events.Member("bob", 1));
        assertThat(carol.client().presence("empty-room").join()).isEmpty();
        assertThat(carol.client().presence("presence").join()).containsExactly(
                new Events.Member("alice", 2), new Events.Member("bob", 1), new Events.Member("carol", 1));
    }

    @Test
    void closingAConnectionLeavesAllItsRooms() {
        TestClient watcher = node.connect("watcher");
        TestClient alice = node.connect("alice");
        for (String room : List.of("r1", "r2", "r3")) {
            watcher.client().join(room).join();
            alice.client().join(room).join();
        }
        alice.client().abort();
        for (String room : List.of("r1", "r2", "r3")) {
            watcher.recorder().awaitFrame(f -> f.path("type").asText().equals("leave")
                    && f.path("room").asText().equals(room) && f.path("user_id").asText().equals("alice"));
            assertThat(watcher.client().presence(room).join()).containsExactly(new Events.Member("watcher", 1));
        }
    }

    @Test
    void hubHoldsNoRoomsAndNoSessionsAfterEveryClientIsGone() {
        TestClient alice1 = node.connect("alice");
        TestClient alice2 = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice1.client().join("a").join();
        alice2.client().join("a").join();
        alice2.client().join("b").join();
        bob.client().join("presence").join();
        bob.client().join("b").join();
        assertThat(node.hubStats().sessions()).isEqualTo(3);
        assertThat(node.hubStats().rooms()).isEqualTo(3);

        alice1.client().close();
        alice2.client().abort();
        bob.client().close();
        node.awaitHubEmpty();

        TestClient carol = node.connect("carol");
        assertThat(carol.client().presence("presence").join()).containsExactly(new Events.Member("carol", 1));
        assertThat(carol.client().presence("a").join()).isEmpty();
        assertThat(carol.client().presence("b").join()).isEmpty();
    }

    private static void awaitPresence(TestClient watcher, String user, boolean online, int n) {
        Recorder.until(() -> events(watcher, user).stream().filter(o -> o == online).count() >= n);
    }

    private static List<Boolean> events(TestClient watcher, String user) {
        return watcher.recorder().presence().stream().filter(p -> p.userId().equals(user))
                .map(Events.Presence::online).toList();
    }

    private static void awaitMembership(TestClient watcher, String user, boolean joined) {
        Recorder.until(() -> memberships(watcher, user).contains(joined));
    }

    private static List<Boolean> memberships(TestClient client, String user) {
        return client.recorder().memberships().stream().filter(m -> m.userId().equals(user))
                .map(Events.Membership::joined).toList();
    }
}
