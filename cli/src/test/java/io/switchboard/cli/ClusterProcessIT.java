package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardListener;
import io.switchboard.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes as separate processes clustered through a real Redis; one is killed with SIGKILL. */
class ClusterProcessIT {
    private RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            NodeProcess node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0",
                    "--node-id", "proc-" + i, "--redis", redis.uri());
            nodes.add(node);
            ports.add(node.awaitPort());
        }
    }

    @AfterEach
    void stopCluster() {
        clients.forEach(SwitchboardClient::abort);
        nodes.forEach(NodeProcess::close);
        redis.stop();
    }

    @Test
    void survivorsRemoveAKilledNodesConnectionsAndEmitOfflineAndLeaveWithin20Seconds() throws Exception {
        Seen watcherEvents = new Seen();
        SwitchboardClient watcher = client(0, "watcher", watcherEvents);
        watcher.join("presence").join();
        watcher.join("lobby").join();
        SwitchboardClient alice = client(2, "alice", new Seen());
        alice.join("lobby").join();
        SwitchboardClient bob = client(1, "bob", new Seen());
        bob.join("lobby").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> watcherEvents.memberships.contains("join alice"));
        assertThat(bob.presence("lobby").join()).extracting(Events.Member::userId)
                .containsExactly("alice", "bob", "watcher");

        nodes.get(2).process().destroyForcibly(); // SIGKILL: no goodbye, no cleanup
        assertThat(nodes.get(2).process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();

        await().atMost(Duration.ofSeconds(20)).until(() ->
                watcherEvents.presence.contains("offline alice") && watcherEvents.memberships.contains("leave alice"));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed)).isLessThan(20);
        assertThat(bob.presence("lobby").join()).extracting(Events.Member::userId).containsExactly("bob", "watcher");
        assertThat(watcher.presence("presence").join()).extracting(Events.Member::userId)
                .containsExactly("bob", "watcher");
        // Exactly once, although two survivors were watching the dead node.
        assertThat(watcherEvents.presence.stream().filter("offline alice"::equals)).hasSize(1);
        assertThat(watcherEvents.memberships.stream().filter("leave alice"::equals)).hasSize(1);

        // The survivors still talk to each other.
        bob.publish("lobby", "still here").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> watcherEvents.messages.contains("bob: \"still here\""));
    }

    private SwitchboardClient client(int node, String user, Seen events) {
        SwitchboardClient client = SwitchboardClient.builder(
                URI.create("ws://127.0.0.1:" + ports.get(node) + "/ws/" + user)).listener(events).build();
        clients.add(client);
        client.connect().orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    /** What one client saw, as short strings. */
    private static final class Seen implements SwitchboardListener {
        final List<String> presence = new CopyOnWriteArrayList<>();
        final List<String> memberships = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onPresence(Events.Presence p) {
            presence.add((p.online() ? "online " : "offline ") + p.userId());
        }

        @Override
        public void onMembership(Events.Membership m) {
            memberships.add((m.joined() ? "join " : "leave ") + m.userId());
        }

        @Override
        public void onMessage(Events.RoomMessage m) {
            messages.add(m.from() + ": " + m.content());
        }
    }
}
