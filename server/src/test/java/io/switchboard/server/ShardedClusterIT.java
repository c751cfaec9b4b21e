package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.server.testing.ClusterScenarios;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import io.switchboard.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes whose streams are spread over two real Redis instances: each room lives on one of
 * them, every node agrees which, and the cluster behaves as on one Redis.
 */
class ShardedClusterIT {
    private static final int ROOMS = 12;

    private final List<RedisServer> redis = new ArrayList<>();
    private final List<TestNode> nodes = new ArrayList<>();

    @BeforeEach
    void start() {
        redis.add(RedisServer.start());
        redis.add(RedisServer.start());
        String uris = redis.get(0).uri() + "," + redis.get(1).uri();
        for (int i = 0; i < 2; i++) {
            TestNode node = new TestNode("node-" + i, b -> b.redisUri(uris)
                    .heartbeatInterval(Duration.ofMillis(300))
                    .nodeTimeout(Duration.ofMillis(1500))
                    .unsubscribeGrace(Duration.ofMillis(200))
                    .redisCommandTimeout(Duration.ofSeconds(1)));
            node.start();
            nodes.add(node);
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::stop);
        redis.forEach(RedisServer::stop);
    }

    private static String room(int i) {
        return "room-" + i;
    }

    @Test
    void roomsAreSpreadOverBothInstancesAndEveryMemberGetsEveryMessageInOrder() {
        TestClient alice = nodes.get(0).connect("alice");
        TestClient bob = nodes.get(1).connect("bob");
        for (int i = 0; i < ROOMS; i++) {
            alice.client().join(room(i)).join();
            bob.client().join(room(i)).join();
        }
        for (int n = 1; n <= 5; n++) {
            for (int i = 0; i < ROOMS; i++) {
                (n % 2 == 0 ? alice : bob).client().publish(room(i), "m" + n).join();
            }
        }
        for (TestClient member : List.of(alice, bob)) {
            for (int i = 0; i < ROOMS; i++) {
                List<Events.RoomMessage> got = member.recorder().awaitMessages(room(i), 5);
                assertThat(got).extracting(m -> m.content().asText()).containsExactly("m1", "m2", "m3", "m4", "m5");
                assertThat(got).extracting(Events.RoomMessage::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
            }
        }
        // Each instance holds some of the rooms, and no room is on both.
        List<Integer> held = new ArrayList<>();
        for (RedisServer server : redis) {
            held.add(IntStream.range(0, ROOMS).map(i -> "1".equals(String.valueOf(
                    server.command("EXISTS", "sb:seq:" + room(i)))) ? 1 : 0).sum());
        }
        assertThat(held).allMatch(n -> n > 0);
        assertThat(held.get(0) + held.get(1)).isEqualTo(ROOMS);
    }

    @Test
    void presenceAndDirectMessagesWorkAcrossNodesAndInstances() {
        TestClient alice = nodes.get(0).connect("alice");
        TestClient bob = nodes.get(1).connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        await().atMost(Recorder.WAIT).until(() -> alice.client().presence("lobby").join(),
                members -> members.equals(List.of(new Events.Member("alice", 1), new Events.Member("bob", 1))));
        for (int i = 0; i < 6; i++) {
            alice.client().sendDirect("user-" + i, "hello").join();
        }
        alice.client().sendDirect("bob", "hi bob").join();
        Recorder.until(() -> bob.recorder().directMessages().stream().anyMatch(m -> m.content().asText().equals("hi bob")));
    }

    @Test
    void aClientRecoversOnTheOtherNodeFromTheInstanceThatHoldsItsRooms() {
        ClusterScenarios.aReaderRecoversOnTheOtherNode(nodes.get(0), nodes.get(1), ROOMS);
    }
}
