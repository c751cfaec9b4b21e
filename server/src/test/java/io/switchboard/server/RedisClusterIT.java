package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ClusterScenarios;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on a real Redis Cluster of three masters ({@code redis-cluster: true}): each room's
 * keys and channel carry its name as hash tag, so rooms spread over the masters by slot, and
 * channels are shard channels on the master of their slot. The cluster of nodes behaves as on
 * one Redis.
 */
class RedisClusterIT {
    private static final int ROOMS = 12;
    private static final int MESSAGES = 20;

    @RegisterExtension
    // No command budget: the test publishes many messages at once on purpose.
    final TestCluster cluster = TestCluster.onRedisCluster(2, 3, b -> b.commandRate(0, 1));

    private static String room(int i) {
        return "room-" + i;
    }

    @Test
    void roomsSpreadOverEveryMasterAndEveryMemberGetsEveryMessageOnceInOrder() {
        TestClient alice = cluster.node(0).connect("alice");
        TestClient bob = cluster.node(1).connect("bob");
        for (int i = 0; i < ROOMS; i++) {
            alice.client().join(room(i)).join();
            bob.client().join(room(i)).join();
        }
        // Both nodes publish to every room at once, round after round; Redis fixes one order per room.
        for (int n = 1; n <= MESSAGES; n++) {
            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                acks.add(alice.client().publish(room(i), "a" + n));
                acks.add(bob.client().publish(room(i), "b" + n));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        }
        for (TestClient member : List.of(alice, bob)) {
            for (int i = 0; i < ROOMS; i++) {
                List<Events.RoomMessage> got = member.recorder().awaitMessages(room(i), 2 * MESSAGES);
                assertThat(got).extracting(Events.RoomMessage::offset)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, 2 * MESSAGES).boxed().toList());
            }
        }
        for (int i = 0; i < ROOMS; i++) {
            assertThat(alice.recorder().messages(room(i))).extracting(m -> m.content().asText())
                    .as("both nodes saw %s in one order", room(i))
                    .containsExactlyElementsOf(bob.recorder().messages(room(i)).stream().map(m -> m.content().asText()).toList());
        }

        // Every master holds some rooms, each room whole on one master: offset, epoch and history.
        List<List<String>> sequences = cluster.redisCluster().keys("sb:seq:*");
        assertThat(sequences).allSatisfy(held -> assertThat(held).isNotEmpty());
        assertThat(sequences.stream().mapToInt(List::size).sum()).isEqualTo(ROOMS);
        List<List<String>> histories = cluster.redisCluster().keys("sb:history:*");
        for (int m = 0; m < sequences.size(); m++) {
            assertThat(histories.get(m)).containsExactlyInAnyOrderElementsOf(
                    sequences.get(m).stream().map(key -> key.replace("sb:seq:", "sb:history:")).toList());
        }
        // Presence and the node registry share one slot, so one master holds all of them.
        assertThat(cluster.redisCluster().keys("{sb:}*")).filteredOn(held -> !held.isEmpty()).hasSize(1);
        // Rooms are shard channels on the master that holds the room; nothing uses plain pub/sub.
        List<List<String>> channels = cluster.redisCluster().shardChannels("sb:room:*");
        for (int m = 0; m < sequences.size(); m++) {
            assertThat(channels.get(m)).containsExactlyInAnyOrderElementsOf(
                    sequences.get(m).stream().map(key -> key.replace("sb:seq:", "sb:room:")).toList());
        }
        assertThat(cluster.redisCluster().channels("*")).isEmpty();
    }

    @Test
    void presenceDirectMessagesAndTheServerApiWorkAcrossNodes() {
        TestClient alice = cluster.node(0).connect("alice");
        // A user id with braces: its keys still share one slot.
        String odd = "}odd{user";
        TestClient oddOn0 = cluster.node(0).connect(odd);
        TestClient oddOn1 = cluster.node(1).connect(odd);
        alice.client().join("lobby").join();
        oddOn1.client().join("lobby").join();
        await().atMost(Recorder.WAIT).until(() -> alice.client().presence("lobby").join(),
                members -> members.equals(List.of(new Events.Member("alice", 1), new Events.Member(odd, 1))));

        alice.client().sendDirect(odd, "hi").join();
        for (TestClient connection : List.of(oddOn0, oddOn1)) {
            connection.recorder().awaitFrames("direct_message", 1);
            assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(connection))
                    .extracting(m -> m.content().asText()).containsExactly("hi");
        }

        Api api1 = new Api(cluster.node(1), HttpClient.Version.HTTP_1_1);
        assertThat(api1.post("/api/v1/rooms/lobby/messages", "{\"content\":\"from the backend\"}").statusCode())
                .isEqualTo(201);
        alice.recorder().awaitMessages("lobby", 1);
        assertThat(Api.json(api1.get("/api/v1/stats")).path("nodes").toString()).isEqualTo("[\"node-0\",\"node-1\"]");
        assertThat(Api.json(api1.get("/api/v1/rooms")).path("rooms").toString())
                .isEqualTo("[{\"room\":\"lobby\",\"members\":2,\"connections\":2}]");

        // Node-to-node messages (the control channel) reach the node where a connection lives.
        Api api0 = new Api(cluster.node(0), HttpClient.Version.HTTP_1_1);
        assertThat(api0.delete("/api/v1/users/" + java.net.URLEncoder.encode(odd, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/connections").statusCode()).isEqualTo(204);
        assertThat(oddOn1.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(4003);
        assertThat(oddOn0.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(4003);
        assertThat(alice.client().isOpen()).isTrue();
    }

    @Test
    void aSessionIsServedOnAnyNodeThroughTheNodesChannels() {
        Api onNode0 = new Api(cluster.node(0), HttpClient.Version.HTTP_1_1);
        Api onNode1 = new Api(cluster.node(1), HttpClient.Version.HTTP_1_1);
        String session = Api.json(onNode0.get("/poll/carol")).path("frames").get(0).path("session").asText();
        assertThat(session).startsWith("node-0.");

        var replies = Api.json(onNode1.post("/session/" + session,
                "[{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"},{\"type\":\"ping\",\"id\":2}]"));
        assertThat(replies.path("replies")).extracting(r -> r.path("type").asText()).containsExactly("ack", "pong");
        assertThat(onNode1.delete("/session/" + session).statusCode()).isEqualTo(204);
    }

    @Test
    void aClientRecoversOnTheOtherNodeFromTheMasterThatHoldsItsRooms() {
        ClusterScenarios.aReaderRecoversOnTheOtherNode(cluster.node(0), cluster.node(1), ROOMS);
    }

    @Test
    void shardChannelsAreReleasedWhenTheLastMemberLeaves() {
        TestClient alice = cluster.node(0).connect("alice");
        for (int i = 0; i < ROOMS; i++) {
            alice.client().join(room(i)).join();
        }
        assertThat(cluster.redisCluster().shardChannels("sb:room:*").stream().mapToInt(List::size).sum())
                .isEqualTo(ROOMS);
        alice.client().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.redisCluster().shardChannels("sb:room:*")
                .stream().allMatch(List::isEmpty) && cluster.redisCluster().shardChannels("sb:user:*")
                .stream().allMatch(List::isEmpty));
    }
}
