package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.server.testing.GrpcClient;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.Scrape;
import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics}: every family there, and each moving with what the node does. */
class MetricsIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.commandRate(5, 10));

    @Test
    void metricsMoveWithConnectionsCommandsPublicationsDeliveriesAndDisconnects() throws Exception {
        Scrape before = Scrape.of(node);
        assertThat(before.value("switchboard_connections")).isZero();
        assertThat(before.value("switchboard_broker_up")).isEqualTo(1);
        for (String family : new String[] {"jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads",
                "netty_direct_memory_used_bytes", "netty_allocator_memory_used_bytes", "process_uptime_seconds",
                "switchboard_publications_total", "switchboard_deliveries_total", "switchboard_broker_reconnects_total",
                "switchboard_rooms", "switchboard_users"}) {
            assertThat(before.has(family)).as(family).isTrue();
        }

        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().join("lobby").join();
        // Join events go to whoever is a member when they are fanned out: alice's own must be
        // delivered before bob joins, or he gets it too.
        alice.recorder().awaitFrames("join", 1);
        bob.client().join("lobby").join();
        for (int i = 0; i < 3; i++) {
            alice.client().publish("lobby", i).join();
        }
        bob.recorder().awaitMessages("lobby", 3);
        alice.recorder().awaitMessages("lobby", 3);
        alice.client().sendDirect("bob", "hi").join();
        io.switchboard.server.testing.Recorder.until(() -> !bob.recorder().directMessages().isEmpty());
        alice.client().request(io.switchboard.protocol.Json.mapper().createObjectNode().put("type", "join_room")
                .put("room", "bad room")).handle((v, e) -> e).join();
        GrpcClient grpc = new GrpcClient(node);
        try (SseStream sse = SseStream.open(HttpClient.newHttpClient(), node.httpUri("/sse/carol"), -1)) {
            grpc.connect("dave").await(f -> f.hasConnected());
            sse.await(f -> f.path("type").asText().equals("connected"));
            var poll = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(node.httpUri("/poll/erin")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(poll.body()).contains("\"connected\"");
            Scrape during = Scrape.of(node);
            assertThat(during.value("switchboard_connections", "transport=\"websocket\"")).isEqualTo(2);
            assertThat(during.value("switchboard_connections", "transport=\"sse\"")).isEqualTo(1);
            assertThat(during.value("switchboard_connections", "transport=\"grpc\"")).isEqualTo(1);
            assertThat(during.value("switchboard_connections", "transport=\"poll\"")).isEqualTo(1);
            assertThat(during.value("switchboard_rooms")).isEqualTo(1);
            assertThat(during.value("switchboard_users")).isEqualTo(5);
            assertThat(during.value("switchboard_commands_total", "type=\"join_room\"", "result=\"ok\"")).isEqualTo(2);
            // A command that cannot be read counts as type "invalid".
            assertThat(during.value("switchboard_commands_total", "type=\"invalid\"", "result=\"bad_request\"")).isEqualTo(1);
            assertThat(during.value("switchboard_commands_total", "type=\"room_message\"", "result=\"ok\"")).isEqualTo(3);
            assertThat(during.value("switchboard_publications_total", "target=\"room\"")).isEqualTo(3);
            assertThat(during.value("switchboard_publications_total", "target=\"user\"")).isEqualTo(1);
            // 3 messages to 2 members, the join events (alice's to her, bob's to both) and the direct message.
            assertThat(during.value("switchboard_deliveries_total")).as(during.toString()).isEqualTo(10);
            assertThat(during.value("switchboard_publish_to_write_seconds_count")).isGreaterThanOrEqualTo(4);
            assertThat(during.has("switchboard_publish_to_write_seconds_bucket")).isTrue();
        } finally {
            grpc.close();
        }

        try (RawWebSocket flooder = RawWebSocket.open(node.uri("/ws/flooder"))) {
            for (int i = 0; i < 100; i++) {
                flooder.write(new TextWebSocketFrame("{\"type\":\"ping\"}"));
            }
            flooder.flush();
            assertThat(flooder.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4029);
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Scrape.of(node).value("switchboard_disconnects_total", "reason=\"rate_limited\"") == 1);
        Scrape after = Scrape.of(node);
        assertThat(after.value("switchboard_commands_total", "type=\"ping\"", "result=\"rate_limited\"")).isPositive();
        assertThat(after.value("switchboard_connections", "transport=\"websocket\"")).isEqualTo(2);
    }
}
