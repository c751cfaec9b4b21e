package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one real Redis that stalls (SIGSTOP for longer than the node timeout, then
 * SIGCONT) or loses its data (FLUSHALL) while clients are connected and publishing.
 */
class RedisFaultsIT {
    /** Longer than the node timeout (1.5 s), so every heartbeat key expires while Redis is frozen. */
    private static final Duration STALL = Duration.ofSeconds(4);

    @RegisterExtension
    final TestCluster cluster = new TestCluster(2);

    @Test
    void aStallLongerThanTheNodeTimeoutLeavesEveryLiveConnectionPresent() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        Publisher publisher = Publisher.start(alice, "lobby");

        stall();
        publisher.stop();

        // Both nodes come back registered, and stay so: nobody reaps a node that is alive.
        List<Events.Member> both = List.of(new Events.Member("alice", 1), new Events.Member("bob", 1));
        for (TestClient watcher : List.of(alice, bob)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.client().presence("lobby").join(), both::equals);
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> bob.client().presence("lobby").join().equals(both)
                        && bob.client().presence("presence").join().equals(both));
    }

    @Test
    void aPublishAnsweredUnavailableDuringAStallIsNeverPublished() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        Publisher publisher = Publisher.start(alice, "lobby");
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.acked.size() >= 20);

        stall();
        publisher.stop();
        assertThat(publisher.refused).as("publishes refused during the stall").isNotEmpty();

        // History holds exactly the acknowledged publications, and bob got exactly those.
        Set<String> history = new HashSet<>();
        for (JsonNode frame : Api.json(api(1).get("/api/v1/rooms/lobby/history?limit=0")).path("publications")) {
            history.add(frame.path("content").asText());
        }
        assertThat(history).containsExactlyInAnyOrderElementsOf(publisher.acked);
        Recorder.until(() -> bob.recorder().messages("lobby").size() >= publisher.acked.size());
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText())
                .containsExactlyInAnyOrderElementsOf(publisher.acked);
    }

    @Test
    void readinessFailsWhileRedisIsStalledAndReturnsAfter() {
        assertThat(readyz(0)).isEqualTo(200);
        cluster.redis().pause();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> readyz(0) == 503 && readyz(1) == 503);
        } finally {
            cluster.redis().resume();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> readyz(0) == 200 && readyz(1) == 200);
    }

    @Test
    void whenRedisLosesItsDataALiveSubscriberLearnsTheNewEpochAndMissesNothingAfterIt() {
        TestClient bob = cluster.node(1).connect("bob", RedisFaultsIT::reconnecting);
        bob.client().join("lobby").join();
        for (int i = 1; i <= 5; i++) {
            publish("lobby", "before-" + i);
        }
        bob.recorder().awaitMessages("lobby", 5);
        String oldEpoch = bob.client().position("lobby").epoch();

        cluster.redis().command("FLUSHALL");
        // Offsets start again at 1 under a new epoch; bob's node finds that on the next message.
        for (int i = 1; i <= 3; i++) {
            publish("lobby", "after-" + i);
        }
        String newEpoch = Api.json(api(0).get("/api/v1/rooms/lobby/history?limit=0")).path("epoch").asText();
        assertThat(newEpoch).isNotEqualTo(oldEpoch);

        // Bob's client is told it could not recover, and goes on under the new epoch.
        Recorder.until(() -> bob.recorder().recoveryFailures().contains("lobby"));
        Recorder.until(() -> {
            StreamPosition position = bob.client().position("lobby");
            return position != null && newEpoch.equals(position.epoch());
        });
        publish("lobby", "later");
        Recorder.until(() -> bob.recorder().messages("lobby").stream().anyMatch(m -> m.content().asText().equals("later")));
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText())
                .doesNotHaveDuplicates().startsWith("before-1", "before-2", "before-3", "before-4", "before-5");
    }

    @Test
    void whenRedisLosesItsDataARawConnectionIsToldToReconnect() throws Exception {
        TestClient bob = cluster.node(1).connect("bob", b -> b.reconnect(false));
        bob.client().join("lobby").join();
        publish("lobby", "before");
        bob.recorder().awaitMessages("lobby", 1);

        cluster.redis().command("FLUSHALL");
        publish("lobby", "after");

        JsonNode disconnect = bob.recorder().awaitFrame(f -> f.path("type").asText().equals("disconnect"));
        assertThat(disconnect.path("reconnect").asBoolean()).isTrue();
        assertThat(disconnect.path("code").asInt()).isEqualTo(4010);
        bob.client().closedFuture().get(5, TimeUnit.SECONDS);
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText()).containsExactly("before");
    }

    @Test
    void whenRedisLosesItsDataAUserStillConnectedLearnsTheNewEpochOfTheirDirectMessages() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob", RedisFaultsIT::reconnecting);
        for (int i = 1; i <= 3; i++) {
            alice.client().sendDirect("bob", "before-" + i).join();
        }
        Recorder.until(() -> bob.recorder().directMessages().size() == 3);

        cluster.redis().command("FLUSHALL");
        alice.client().sendDirect("bob", "after-1").join();

        Recorder.until(() -> bob.recorder().recoveryFailures().contains(Recorder.DIRECT));
        alice.client().sendDirect("bob", "later").join();
        Recorder.until(() -> bob.recorder().directMessages().stream().anyMatch(m -> m.content().asText().equals("later")));
    }

    private static void reconnecting(SwitchboardClient.Builder client) {
        client.reconnect(true).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    /** Publishes through the server API of node 0, as a backend would. */
    private void publish(String room, String content) {
        var response = api(0).post("/api/v1/rooms/" + room + "/messages", "{\"content\": \"" + content + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private void stall() {
        cluster.redis().pause();
        try {
            // Waiting out the stall is the point of the test: nothing can be awaited meanwhile.
            await().pollDelay(STALL).atMost(STALL.plusSeconds(1)).until(() -> true);
        } finally {
            cluster.redis().resume();
        }
    }

    private Api api(int node) {
        return new Api(cluster.node(node), HttpClient.Version.HTTP_1_1);
    }

    private int readyz(int node) {
        return api(node).get("/readyz").statusCode();
    }

    /** Publishes numbered messages one after another, recording which were acknowledged and which refused. */
    private static final class Publisher {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final CompletableFuture<Void> done;

        private Publisher(TestClient client, String room) {
            done = CompletableFuture.runAsync(() -> {
                int n = 0;
                List<CompletableFuture<?>> inFlight = new ArrayList<>();
                while (running.get()) {
                    String content = "m" + (++n);
                    CompletableFuture<Long> ack = client.client().publish(room, content);
                    inFlight.add(ack.handle((offset, failure) -> {
                        (failure == null ? acked : refused).add(content);
                        return null;
                    }));
                    // A few publications in flight at once, like a busy client.
                    if (inFlight.size() >= 4) {
                        inFlight.remove(0).join();
                    }
                }
                inFlight.forEach(CompletableFuture::join);
            });
        }

        static Publisher start(TestClient client, String room) {
            return new Publisher(client, room);
        }

        void stop() {
            running.set(false);
            done.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }
}
