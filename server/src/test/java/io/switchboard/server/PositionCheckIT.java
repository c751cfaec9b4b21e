package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.Scrape;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publications lost by one node's pub/sub with none after them (the room goes quiet) still reach
 * its clients: the node's position check finds the stream behind Redis and has them recover.
 * Node 1's pub/sub connection is cut, and Redis is kept from taking it back (it holds as many
 * clients as {@code maxclients} allows), while node 0 publishes; then Redis lets it back.
 */
class PositionCheckIT {
    @RegisterExtension
    final TestCluster cluster = new TestCluster(2, b -> b.positionCheckInterval(Duration.ofMillis(300)));

    private RedisClient lettuce;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void connect() {
        lettuce = RedisClient.create(cluster.redis().uri());
        connection = lettuce.connect();
        redis = connection.sync();
    }

    @AfterEach
    void disconnect() {
        connection.close();
        lettuce.shutdown();
    }

    @Test
    void aPublicationPubSubLostWithNothingAfterItReachesTheRoomsClients() {
        TestClient bob = cluster.node(1).connect("bob", b -> b.reconnect(true)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)));
        bob.client().join("quiet").join();
        publish("quiet", "before");
        bob.recorder().awaitMessages("quiet", 1);

        cutPubSubOf(cluster.node(1).server().config().network().nodeId());
        try {
            publish("quiet", "during");
        } finally {
            redis.configSet("maxclients", "10000");
        }

        // Nothing is published after it: only the position check can bring it.
        Recorder.until(() -> bob.recorder().messages("quiet").size() == 2);
        assertThat(bob.recorder().messages("quiet")).extracting(m -> m.content().asText())
                .containsExactly("before", "during");
        assertThat(bob.recorder().disconnects()).anySatisfy(d -> assertThat(d.code()).isEqualTo(4010));
        assertThat(metric("switchboard_position_lost_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStreamThatLostNothingIsLeftAlone() {
        TestClient bob = cluster.node(1).connect("bob");
        bob.client().join("busy").join();
        for (int i = 1; i <= 20; i++) {
            publish("busy", "m" + i);
        }
        bob.recorder().awaitMessages("busy", 20);
        // Several looks at a stream that is where Redis says it is.
        double looks = metric("switchboard_position_checks_total");
        Recorder.until(() -> metric("switchboard_position_checks_total") >= looks + 5);
        publish("busy", "last");
        bob.recorder().awaitMessages("busy", 21);
        assertThat(bob.recorder().disconnects()).isEmpty();
        assertThat(bob.client().isOpen()).isTrue();
        assertThat(metric("switchboard_position_lost_total")).isZero();
    }

    /**
     * Checks two seconds apart: the loss comes right after the join, long before the first
     * periodic look, which alone could not tell it from what the room held before (nothing had
     * arrived). The look the node takes as it subscribes can.
     */
    @Nested
    class FirstLook {
        @RegisterExtension
        final TestCluster slow = new TestCluster(2, b -> b.positionCheckInterval(Duration.ofSeconds(2)));

        @Test
        void aLossRightAfterJoiningABrandNewRoomIsFoundToo() {
            try (RedisClient client = RedisClient.create(slow.redis().uri());
                 StatefulRedisConnection<String, String> own = client.connect()) {
                TestClient bob = slow.node(1).connect("bob", b -> b.reconnect(true)
                        .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)));
                bob.client().join("fresh").join();
                cutPubSubOf(own.sync(), slow.node(1).server().config().network().nodeId());
                try {
                    publish(slow.node(0), "fresh", "first");
                } finally {
                    own.sync().configSet("maxclients", "10000");
                }

                Recorder.until(() -> bob.recorder().messages("fresh").size() == 1);
                assertThat(bob.recorder().messages("fresh")).extracting(m -> m.content().asText())
                        .containsExactly("first");
            }
        }
    }

    /**
     * Closes the pub/sub connection of node {@code nodeId} and keeps it closed: Redis is told to
     * take no more clients than it has left.
     */
    private void cutPubSubOf(String nodeId) {
        cutPubSubOf(redis, nodeId);
    }

    private static void cutPubSubOf(RedisCommands<String, String> redis, String nodeId) {
        String name = RedisConnector.clientName(nodeId);
        List<String> clients = Arrays.asList(redis.clientList().split("\n"));
        String pubSub = clients.stream()
                .filter(line -> line.contains(" name=" + name + " ") && !line.contains(" sub=0 "))
                .findFirst().orElseThrow(() -> new AssertionError("no pub/sub connection named " + name + " in "
                        + clients));
        String id = pubSub.substring(pubSub.indexOf("id=") + 3, pubSub.indexOf(' ', pubSub.indexOf("id=")));
        redis.configSet("maxclients", Integer.toString(clients.size() - 1));
        assertThat(redis.clientKill(KillArgs.Builder.id(Long.parseLong(id)))).isEqualTo(1);
    }

    /** A counter of node 1's metrics. */
    private double metric(String name) {
        return Scrape.of(cluster.node(1)).value(name);
    }

    /** Publishes through the server API of node 0, as a backend would. */
    private void publish(String room, String content) {
        publish(cluster.node(0), room, content);
    }

    private static void publish(TestNode node, String room, String content) {
        var response = new Api(node, HttpClient.Version.HTTP_1_1)
                .post("/api/v1/rooms/" + room + "/messages", "{\"content\": \"" + content + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }
}
