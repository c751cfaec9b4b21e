package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.buffer.Unpooled;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every connection and command limit, crossed: the one who crosses it gets the documented
 * answer, and everyone else goes on as before.
 */
class ConnectionLimitsIT {
    private final List<TestNode> nodes = new ArrayList<>();
    private final List<RawWebSocket> sockets = new ArrayList<>();

    private TestNode start(Consumer<ServerConfig.Builder> settings) {
        TestNode node = new TestNode(settings);
        nodes.add(node);
        node.start();
        return node;
    }

    @AfterEach
    void stop() {
        sockets.forEach(RawWebSocket::close);
        nodes.forEach(TestNode::stop);
    }

    private static Consumer<SwitchboardClient.Builder> from(String address) {
        return b -> {
            try {
                b.localAddress(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        };
    }

    private RawWebSocket open(TestNode node, String user) {
        RawWebSocket ws = RawWebSocket.open(node.uri("/ws/" + user));
        sockets.add(ws);
        return ws;
    }

    @Test
    void aUserPastTheirConnectionLimitIsRefusedWith429UntilOneCloses() {
        TestNode node = start(b -> b.maxConnectionsPerUser(2));
        RawWebSocket first = open(node, "alice");
        open(node, "alice");
        assertThat(RawWebSocket.refusal(node.uri("/ws/alice"), h -> { })).isEqualTo(429);
        Chat.stillWorks(node, user -> b -> { });
        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> RawWebSocket.refusal(node.uri("/ws/alice"), h -> { }) == 101);
    }

    @Test
    void anAddressPastItsConnectionLimitIsRefusedWith429WhileOthersConnect() {
        TestNode node = start(b -> b.maxConnectionsPerIp(3));
        for (int i = 0; i < 3; i++) {
            open(node, "user" + i);
        }
        assertThat(RawWebSocket.refusal(node.uri("/ws/user3"), h -> { })).isEqualTo(429);
        Chat.stillWorks(node, user -> from("127.0.0.2"));
    }

    @Test
    void anAddressOpeningConnectionsTooFastIsRefusedWith429AndRetryAfter() {
        TestNode node = start(b -> b.connectionRatePerIp(2));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(RawWebSocket.refusal(node.uri("/ws/u" + i), h -> { }));
        }
        // A burst of twice the rate passes; the rest of the burst is refused.
        assertThat(statuses.subList(0, 4)).containsOnly(101);
        assertThat(statuses.subList(4, 8)).contains(429);
        Chat.stillWorks(node, user -> from("127.0.0.3"));
    }

    @Test
    void commandsPastTheBudgetGetRateLimitedAndTheConnectionStaysOpen() {
        TestNode node = start(b -> b.commandRate(5, 10));
        TestClient alice = node.connect("alice");
        List<CompletableFuture<Void>> pings = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            pings.add(alice.client().ping());
        }
        long limited = pings.stream().filter(p -> p.handle((v, e) -> e != null
                && e.getCause() instanceof SwitchboardException
                && ((SwitchboardException) e.getCause()).code().equals("rate_limited")).join()).count();
        assertThat(limited).isBetween(3L, 5L);
        assertThat(alice.client().isOpen()).isTrue();
        // The budget refills: after a moment the same client is served again.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(400))
                .until(() -> alice.client().ping().handle((v, e) -> e == null).join());
        Chat.stillWorks(node, user -> b -> { });
    }

    @Test
    void aSustainedCommandFloodIsClosedWith4029() {
        TestNode node = start(b -> b.commandRate(5, 10));
        RawWebSocket flooder = open(node, "flooder");
        for (int i = 0; i < 200 && flooder.isOpen(); i++) {
            flooder.write(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":" + i + "}"));
        }
        flooder.flush();
        assertThat(flooder.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4029);
        Chat.stillWorks(node, user -> b -> { });
        Chat.nothingLeft(node);
    }

    @Test
    void aPingFloodIsClosedWith4029() {
        TestNode node = start(b -> b.commandRate(5, 10));
        RawWebSocket flooder = open(node, "flooder");
        for (int i = 0; i < 200; i++) {
            flooder.write(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
        }
        flooder.flush();
        assertThat(flooder.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4029);
        Chat.stillWorks(node, user -> b -> { });
        Chat.nothingLeft(node);
    }

    @Test
    void theDefaultsAdmitAnOrdinaryClientAndItsBursts() {
        TestNode node = start(b -> { });
        TestClient alice = node.connect("alice");
        List<CompletableFuture<Void>> pings = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            pings.add(alice.client().ping());
        }
        CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(pings).noneMatch(CompletableFuture::isCompletedExceptionally);
    }
}
