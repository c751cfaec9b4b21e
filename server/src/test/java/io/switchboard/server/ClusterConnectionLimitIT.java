package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limit of connections per user holds across the cluster: each node counts its own at the
 * handshake, and the presence store, where every connection is counted anyway, refuses the one
 * that would cross the limit on any node (closed with 4029 before it is connected), atomically.
 */
class ClusterConnectionLimitIT {
    @RegisterExtension
    final TestCluster cluster = new TestCluster(2, b -> b.maxConnectionsPerUser(2));

    private int connectionsOf(String user) {
        return Api.json(new Api(cluster.node(1), HttpClient.Version.HTTP_1_1).get("/api/v1/users/" + user))
                .path("connections").asInt();
    }

    @Test
    void aThirdConnectionOnAnotherNodeIsRefusedUntilOneCloses() {
        TestClient watcher = cluster.node(1).connect("watcher");
        watcher.client().join("presence").join();
        TestClient first = cluster.node(0).connect("alice");
        TestClient second = cluster.node(0).connect("alice");

        // Node 1 has no connection of alice: only the cluster's count stops this one.
        TestClient third = cluster.node(1).open("alice", b -> { });
        assertThatThrownBy(() -> third.client().connect().orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class);
        Events.Closed closed = third.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(closed.code()).isEqualTo(4029);
        assertThat(third.recorder().disconnects()).singleElement().satisfies(d -> {
            assertThat(d.reason()).contains("at most 2 across the cluster");
            assertThat(d.reconnect()).isFalse();
        });
        assertThat(third.recorder().frames("connected")).isEmpty();
        assertThat(connectionsOf("alice")).isEqualTo(2);
        // Others are not affected.
        cluster.node(1).connect("bob").client().ping().orTimeout(10, TimeUnit.SECONDS).join();

        first.client().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> connectionsOf("alice") == 1);
        TestClient again = cluster.node(1).connect("alice");
        again.client().ping().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(connectionsOf("alice")).isEqualTo(2);
        second.client().ping().orTimeout(10, TimeUnit.SECONDS).join();

        // Alice was online throughout: one online event, and the refusal made no offline one.
        Recorder.until(() -> watcher.recorder().presence().stream().anyMatch(p -> p.userId().equals("bob")));
        assertThat(watcher.recorder().presence()).filteredOn(p -> p.userId().equals("alice"))
                .extracting(Events.Presence::online).containsExactly(true);
    }

    @Test
    void connectionsOpenedAtOnceOnBothNodesNeverExceedTheLimit() {
        TestClient[] clients = new TestClient[6];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = cluster.node(i % 2).open("carol", b -> { });
        }
        var attempts = java.util.Arrays.stream(clients)
                .map(c -> c.client().connect().handle((connected, failure) -> failure == null ? "ok" : failure.toString()))
                .toList();
        var outcomes = attempts.stream().map(f -> f.orTimeout(15, TimeUnit.SECONDS).join()).toList();
        assertThat(outcomes).as(outcomes.toString()).filteredOn(o -> o.equals("ok")).hasSize(2);
        assertThat(connectionsOf("carol")).isEqualTo(2);
    }
}
