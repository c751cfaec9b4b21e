package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.server.config.RoomPolicy;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three nodes clustered through a real Redis. */
class ClusterIT {
    @RegisterExtension
    final TestCluster cluster = new TestCluster(3,
            b -> b.namespacePolicy("quiet", RoomPolicy.parse("join-leave=false")));

    @Test
    void everyMemberOnEveryNodeGetsEachRoomMessageOnceInOneOrderUnderConcurrentPublishers() throws Exception {
        int perPublisher = 200;
        List<TestClient> publishers = new ArrayList<>();
        List<TestClient> everyone = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            TestClient publisher = cluster.node(n).connect("publisher-" + n);
            publishers.add(publisher);
            everyone.add(publisher);
            everyone.add(cluster.node(n).connect("reader-" + n));
            everyone.add(cluster.node(n).connect("roamer"));
        }
        for (TestClient client : everyone) {
            client.client().join("race").join();
        }

        List<CompletableFuture<Long>> acks = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (TestClient publisher : publishers) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < perPublisher; i++) {
                    acks.add(publisher.client().publish("race", Map.of("p", publisher.user(), "i", i)));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        int total = 3 * perPublisher;
        assertThat(acks.stream().map(CompletableFuture::join).toList())
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());

        List<String> reference = null;
        for (TestClient client : everyone) {
            List<Events.RoomMessage> got = client.recorder().awaitMessages("race", total);
            assertThat(got).extracting(Events.RoomMessage::offset)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            List<String> order = got.stream().map(m -> m.content().toString()).toList();
            assertThat(new HashSet<>(order)).hasSize(total);
            for (TestClient publisher : publishers) {
                assertThat(got.stream().filter(m -> m.content().path("p").asText().equals(publisher.user()))
                        .map(m -> m.content().path("i").asInt()).toList())
                        .containsExactlyElementsOf(IntStream.range(0, perPublisher).boxed().toList());
            }
            if (reference == null) {
                reference = order;
            } else {
                assertThat(order).as("order on a connection of %s", client.user()).isEqualTo(reference);
            }
        }
        RoomDeliveryIT.assertNothingMoreArrives(everyone.toArray(new TestClient[0]));
        for (TestClient client : everyone) {
            assertThat(client.recorder().messages("race")).hasSize(total);
        }
    }

    @Test
    void aClientRecoversOnAnotherNodeWhatWasPublishedThroughAThirdWhileItWasAway() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        Events.Joined joined = alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        bob.client().publish("lobby", "one").join();
        alice.recorder().awaitMessages("lobby", 1);
        alice.client().close();
        bob.client().publish("lobby", "two").join();
        bob.client().publish("lobby", "three").join();
        bob.client().sendDirect("alice", "while you were away").join();

        TestClient aliceAgain = cluster.node(2).connect("alice");
        Events.Joined again = aliceAgain.client().join("lobby", new io.switchboard.protocol.StreamPosition(1, joined.epoch()))
                .join();
        assertThat(again.recovered()).isTrue();
        bob.client().publish("lobby", "four").join();
        assertThat(aliceAgain.recorder().awaitMessages("lobby", 3)).extracting(m -> m.content().asText())
                .containsExactly("two", "three", "four");
        assertThat(cluster.redis().command("XLEN", "sb:history:lobby")).isEqualTo(4L);

        var missed = aliceAgain.client().request(io.switchboard.protocol.Json.mapper().createObjectNode()
                .put("type", "direct_history")).join();
        assertThat(missed.path("publications")).extracting(p -> p.path("content").asText())
                .containsExactly("while you were away");
    }

    @Test
    void theServerApiWorksOnEveryNodeAndItsPresenceAgreesWithTheCommandEverywhere() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(2).connect("bob");
        TestClient bobAgain = cluster.node(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();

        var published = new io.switchboard.server.testing.Api(cluster.node(1), java.net.http.HttpClient.Version.HTTP_1_1)
                .post("/api/v1/rooms/lobby/messages", "{\"content\":\"from the backend\"}");
        assertThat(published.statusCode()).isEqualTo(201);
        alice.recorder().awaitMessages("lobby", 1);
        bob.recorder().awaitMessages("lobby", 1);

        for (int n = 0; n < 3; n++) {
            var api = new io.switchboard.server.testing.Api(cluster.node(n), java.net.http.HttpClient.Version.HTTP_1_1);
            var members = io.switchboard.server.testing.Api.json(api.get("/api/v1/rooms/lobby/presence")).path("members");
            assertThat(members.toString()).as("node %d", n)
                    .isEqualTo("[{\"user_id\":\"alice\",\"connections\":1},{\"user_id\":\"bob\",\"connections\":1}]");
            var bobOnline = io.switchboard.server.testing.Api.json(api.get("/api/v1/users/bob"));
            assertThat(bobOnline.path("connections").asInt()).isEqualTo(2);
            var rooms = io.switchboard.server.testing.Api.json(api.get("/api/v1/rooms")).path("rooms");
            assertThat(rooms.toString()).isEqualTo("[{\"room\":\"lobby\",\"members\":2,\"connections\":2}]");
            var stats = io.switchboard.server.testing.Api.json(api.get("/api/v1/stats"));
            assertThat(stats.path("nodes").toString()).isEqualTo("[\"node-0\",\"node-1\",\"node-2\"]");
            assertThat(stats.path("connections").asInt()).isEqualTo(3);
        }
        // Each node's own counts reach the others with its heartbeat.
        var api0 = new io.switchboard.server.testing.Api(cluster.node(0), java.net.http.HttpClient.Version.HTTP_1_1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var cluster0 = io.switchboard.server.testing.Api.json(api0.get("/api/v1/stats")).path("cluster");
            assertThat(cluster0).extracting(n -> n.path("id").asText()).containsExactly("node-0", "node-1", "node-2");
            assertThat(cluster0).extracting(n -> n.path("transports").path("websocket").asInt()).containsExactly(1, 1, 1);
            assertThat(cluster0.get(1).path("publications").asLong()).isEqualTo(1);
        });
        assertThat(alice.client().presence("lobby").join())
                .containsExactly(new Events.Member("alice", 1), new Events.Member("bob", 1));

        var deleted = new io.switchboard.server.testing.Api(cluster.node(0), java.net.http.HttpClient.Version.HTTP_1_1)
                .delete("/api/v1/users/bob/connections");
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(bob.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(4003);
        assertThat(bobAgain.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(4003);
        assertThat(alice.client().isOpen()).isTrue();
    }

    @Test
    void commandsForASessionWorkOnAnyNodeAndAreServedWhereTheSessionLives() {
        var onNode0 = new io.switchboard.server.testing.Api(cluster.node(0), java.net.http.HttpClient.Version.HTTP_1_1);
        var onNode1 = new io.switchboard.server.testing.Api(cluster.node(1), java.net.http.HttpClient.Version.HTTP_1_1);
        var onNode2 = new io.switchboard.server.testing.Api(cluster.node(2), java.net.http.HttpClient.Version.HTTP_1_1);
        String session = io.switchboard.server.testing.Api.json(onNode0.get("/poll/carol"))
                .path("frames").get(0).path("session").asText();
        assertThat(session).startsWith("node-0.");

        var replies = io.switchboard.server.testing.Api.json(onNode1.post("/session/" + session,
                "[{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"},{\"type\":\"ping\",\"id\":2}]"));
        assertThat(replies.path("replies")).extracting(r -> r.path("type").asText()).containsExactly("ack", "pong");
        TestClient dave = cluster.node(2).connect("dave");
        dave.client().join("lobby").join();
        dave.client().publish("lobby", "to carol's poll").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> io.switchboard.server.testing.Api.json(
                onNode0.get("/poll?session=" + session + "&ack=1&wait=1")).path("frames").toString().contains("to carol's poll"));

        assertThat(onNode2.delete("/session/" + session).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> onNode0.get("/poll?session=" + session + "&ack=1&wait=0").statusCode() == 404);
        assertThat(onNode1.post("/session/" + session, "{\"type\":\"ping\"}").statusCode()).isEqualTo(404);
        assertThat(onNode1.post("/session/node-9.abcdefghijklmnopqrstuv", "{\"type\":\"ping\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void aDirectMessageReachesEveryConnectionOfAUserOnEveryNodeOnce() {
        TestClient bobOn0 = cluster.node(0).connect("bob");
        TestClient bobOn2 = cluster.node(2).connect("bob");
        TestClient bobOn2Again = cluster.node(2).connect("bob");
        TestClient carol = cluster.node(0).connect("carol");
        TestClient alice = cluster.node(1).connect("alice");

        alice.client().sendDirect("bob", "hi bob").join();

        for (TestClient bob : List.of(bobOn0, bobOn2, bobOn2Again)) {
            bob.recorder().awaitFrames("direct_message", 1);
        }
        RoomDeliveryIT.assertNothingMoreArrives(bobOn0, bobOn2, bobOn2Again, carol, alice);
        for (TestClient bob : List.of(bobOn0, bobOn2, bobOn2Again)) {
            assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(bob))
                    .extracting(m -> m.content().asText()).containsExactly("hi bob");
        }
        assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(carol)).isEmpty();
        assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(alice)).isEmpty();
    }

    @Test
    void presenceIsOnceForTheWholeClusterWithUsersConnectedToSeveralNodes() {
        TestClient watcher = cluster.node(0).connect("watcher");
        watcher.client().join("presence").join();
        watcher.client().join("room").join();

        TestClient aliceOn1 = cluster.node(1).connect("alice");
        Recorder.until(() -> presence(watcher, "alice").contains(true));
        TestClient aliceOn2 = cluster.node(2).connect("alice");
        aliceOn1.client().join("room").join();
        aliceOn2.client().join("room").join();
        Recorder.until(() -> memberships(watcher, "alice").contains(true));

        for (int n = 0; n < 3; n++) {
            TestClient probe = cluster.node(n).connect("probe-" + n);
            assertThat(probe.client().presence("room").join()).as("members seen from node %d", n)
                    .containsExactly(new Events.Member("alice", 2), new Events.Member("watcher", 1));
            assertThat(probe.client().presence("presence").join()).extracting(Events.Member::userId)
                    .contains("alice", "watcher", "probe-" + n);
            probe.client().close();
        }

        aliceOn1.client().close();
        // A marker user's events prove nothing for alice was on its way before them.
        TestClient marker = cluster.node(1).connect("marker");
        marker.client().join("room").join();
        Recorder.until(() -> memberships(watcher, "marker").contains(true));
        assertThat(presence(watcher, "alice")).containsExactly(true);
        assertThat(memberships(watcher, "alice")).containsExactly(true);

        aliceOn2.client().close();
        Recorder.until(() -> presence(watcher, "alice").contains(false));
        Recorder.until(() -> memberships(watcher, "alice").contains(false));
        marker.client().close();
        Recorder.until(() -> presence(watcher, "marker").contains(false));
        assertThat(presence(watcher, "alice")).containsExactly(true, false);
        assertThat(memberships(watcher, "alice")).containsExactly(true, false);
    }

    @Test
    void channelsAreSubscribedWhileMembersAreHereAndReleasedWhenEveryClientIsGone() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        assertThat(cluster.redis().channels("sb:*"))
                .contains("sb:room:lobby", "sb:user:alice", "sb:user:bob");

        alice.client().close();
        bob.client().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.redis().channels("sb:room:*").isEmpty()
                && cluster.redis().channels("sb:user:*").isEmpty());
        for (int n = 0; n < 3; n++) {
            cluster.node(n).awaitHubEmpty();
        }
    }

    @Test
    void duringARedisOutageConnectionsStayOpenAndRecoverWithoutRestart() throws Exception {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        TestClient carol = cluster.node(2).connect("carol");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        carol.client().join("side").join();

        cluster.redis().stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> readyz(0) == 503 && readyz(1) == 503);
        var refused = alice.client().publish("lobby", "lost?");
        assertThat(refused).failsWithin(Duration.ofSeconds(10))
                .withThrowableThat().havingCause().withMessageStartingWith("unavailable");
        alice.client().ping().get(5, TimeUnit.SECONDS);
        assertThat(alice.client().isOpen()).isTrue();
        assertThat(bob.client().isOpen()).isTrue();
        carol.client().close(); // its channels cannot be unsubscribed while Redis is down

        cluster.redis().restart();
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> readyz(0) == 200 && readyz(1) == 200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            alice.client().publish("lobby", "back").get(1, TimeUnit.SECONDS);
            return bob.recorder().messages("lobby").stream().anyMatch(m -> m.content().asText().equals("back"));
        });
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted)).isLessThan(10);

        // Presence was re-registered into the empty Redis.
        await().atMost(Duration.ofSeconds(10)).until(() -> bob.client().presence("lobby").join(),
                members -> members.equals(List.of(new Events.Member("alice", 1), new Events.Member("bob", 1))));
        assertThat(bob.client().presence("presence").join()).extracting(Events.Member::userId)
                .containsExactly("alice", "bob");

        // Nothing subscribed is left behind, not even what was released during the outage.
        alice.client().close();
        bob.client().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.redis().channels("sb:room:*").isEmpty()
                && cluster.redis().channels("sb:user:*").isEmpty());
    }

    @Test
    void whenRedisLosesItsDataPresenceComesBackAnnouncedOnlyWhereTheRoomAnnouncesIt() {
        TestClient bob = cluster.node(1).connect("bob");
        bob.client().join("lobby").join();
        bob.client().join("quiet:room").join();
        TestClient alice = cluster.node(0).connect("alice");
        alice.client().join("lobby").join();
        alice.client().join("quiet:room").join();
        Recorder.until(() -> aliceJoined(bob, "lobby") == 1);

        cluster.redis().command("FLUSHALL");

        // Each node finds its registration gone at its next heartbeat and registers its
        // connections again: the store lost alice, so her join is announced again, where the
        // room's policy announces joins.
        for (String room : List.of("lobby", "quiet:room")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> bob.client().presence(room).join(),
                    members -> members.equals(List.of(new Events.Member("alice", 1), new Events.Member("bob", 1))));
        }
        Recorder.until(() -> aliceJoined(bob, "lobby") == 2);
        // A message sent now travels the room's channel behind any event announced before it.
        alice.client().publish("quiet:room", "after").join();
        bob.recorder().awaitMessages("quiet:room", 1);
        assertThat(bob.recorder().memberships()).filteredOn(m -> m.room().equals("quiet:room")).isEmpty();
    }

    private static long aliceJoined(TestClient watcher, String room) {
        return watcher.recorder().memberships().stream()
                .filter(m -> m.room().equals(room) && m.userId().equals("alice") && m.joined()).count();
    }

    private int readyz(int node) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(cluster.node(node).httpUri("/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }

    private static List<Boolean> presence(TestClient watcher, String user) {
        return watcher.recorder().presence().stream().filter(p -> p.userId().equals(user))
                .map(Events.Presence::online).toList();
    }

    @Test
    void inAClusterARetryThroughAnotherNodeIsNotPublishedAgain() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();

        long first = alice.client().publish("lobby", "once", "retry-me").join();
        TestClient aliceElsewhere = cluster.node(1).connect("alice");
        aliceElsewhere.client().join("lobby").join();
        assertThat(aliceElsewhere.client().publish("lobby", "once", "retry-me").join()).isEqualTo(first);
        var rest = new io.switchboard.server.testing.Api(cluster.node(1), java.net.http.HttpClient.Version.HTTP_1_1)
                .post("/api/v1/rooms/lobby/messages", "{\"content\":\"once\",\"idempotency_key\":\"retry-me\"}");
        assertThat(io.switchboard.server.testing.Api.json(rest).path("offset").asLong()).isEqualTo(first);
        assertThat(alice.client().publish("lobby", "next").join()).isEqualTo(first + 1);

        for (TestClient member : List.of(alice, bob)) {
            member.recorder().awaitMessages("lobby", 2);
        }
        RoomDeliveryIT.assertNothingMoreArrives(alice, bob);
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText()).containsExactly("once", "next");
    }

    private static List<Boolean> memberships(TestClient watcher, String user) {
        return watcher.recorder().memberships().stream().filter(m -> m.userId().equals(user))
                .map(Events.Membership::joined).toList();
    }
}
