package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.Events;
import io.switchboard.client.HandshakeRejectedException;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java SDK over gRPC ({@code grpc://}): the same client, the same guarantees as over WebSocket. */
class SdkOverGrpcIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.commandRate(0, 1));

    @RegisterExtension
    final TestNode secure = new TestNode("secure", b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1))));

    @RegisterExtension
    final TestNode aging = new TestNode("aging", b -> b.commandRate(0, 1)
            // The writer publishes as fast as it can: keep all of it, so that every gap is recoverable.
            .defaultHistory(new HistoryOptions(1_000_000, Duration.ofMinutes(2)))
            .grpcMaxConnectionAge(Duration.ofSeconds(1), Duration.ofMillis(500)));

    private SwitchboardClient client;

    @AfterEach
    void abort() {
        if (client != null) {
            client.abort();
        }
    }

    private SwitchboardClient grpcClient(TestNode target, String path, Recorder recorder,
                                         java.util.function.Consumer<SwitchboardClient.Builder> options) {
        SwitchboardClient.Builder builder = SwitchboardClient.builder(
                        URI.create("grpc://127.0.0.1:" + target.server().grpcPort() + path))
                .listener(recorder).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200));
        options.accept(builder);
        client = builder.build();
        return client;
    }

    @Test
    void aGrpcClientChatsWithAWebSocketClient() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        Recorder bobSees = new Recorder();
        SwitchboardClient bob = grpcClient(node, "/bob", bobSees, b -> b.reconnect(false));
        assertThat(bob.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("bob");
        bob.join("lobby").orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(bob.publish("lobby", "hi from grpc").orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(1);
        assertThat(alice.recorder().awaitMessages("lobby", 1).get(0).from()).isEqualTo("bob");
        alice.client().publish("lobby", "hi from ws").join();
        assertThat(bobSees.awaitMessages("lobby", 2)).extracting(m -> m.content().asText())
                .containsExactly("hi from grpc", "hi from ws");
        alice.client().sendDirect("bob", "psst").join();
        Recorder.until(() -> !bobSees.directMessages().isEmpty());
        assertThat(bob.presence("lobby").join()).extracting(Events.Member::userId).containsExactly("alice", "bob");
        Events.History history = bob.history("lobby", null, 1, true).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(history.publications()).extracting(m -> m.content().asText()).containsExactly("hi from ws");
        assertThat(history.position().offset()).isEqualTo(2);
        bob.ping().orTimeout(10, TimeUnit.SECONDS).join();
        bob.close();
        assertThat(bob.closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(1000);
    }

    @Test
    void aGrpcClientThatLosesItsConnectionRecoversEveryMessageOnceInOrder() {
        Recorder readerSees = new Recorder();
        SwitchboardClient reader = grpcClient(node, "/reader", readerSees, b -> { });
        reader.connect().orTimeout(10, TimeUnit.SECONDS).join();
        reader.join("news").orTimeout(10, TimeUnit.SECONDS).join();
        TestClient writer = node.connect("writer");
        writer.client().join("news").join();
        for (int i = 0; i < 30; i++) {
            writer.client().publish("news", i).join();
            if (i == 10 || i == 20) {
                reader.dropConnection();
            }
        }
        List<Events.RoomMessage> seen = readerSees.awaitMessages("news", 30);
        assertThat(seen).extracting(Events.RoomMessage::offset)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).mapToObj(Long::valueOf).collect(Collectors.toList()));
    }

    @Test
    void pastTheMaximumConnectionAgeTheClientMovesToAFreshConnectionLosingNothing() {
        Recorder readerSees = new Recorder();
        SwitchboardClient reader = grpcClient(aging, "/reader", readerSees, b -> { });
        reader.connect().orTimeout(10, TimeUnit.SECONDS).join();
        reader.join("ticker").orTimeout(10, TimeUnit.SECONDS).join();
        TestClient writer = aging.connect("writer");
        writer.client().join("ticker").join();
        int sent = 0;
        // Publish until the node has sent the reader off at least twice (GOAWAY at 1 s, cut at 1.5 s).
        while (readerSees.frames("connected").size() < 3 && sent < 100_000) {
            writer.client().publish("ticker", sent++).join();
        }
        List<Events.RoomMessage> seen = readerSees.awaitMessages("ticker", sent);
        assertThat(seen).extracting(Events.RoomMessage::offset)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, sent).mapToObj(Long::valueOf).collect(Collectors.toList()));
    }

    @Test
    void tokensTravelAsMetadataAndABadOneIsRefusedWithoutRetrying() {
        Recorder recorder = new Recorder();
        SwitchboardClient alice = grpcClient(secure, "", recorder, b -> b.token(() -> Tokens.hs256("alice")));
        assertThat(alice.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("alice");
        alice.abort();

        SwitchboardClient mallory = grpcClient(secure, "", new Recorder(), b -> b.token(() -> Tokens.unsigned("alice")));
        assertThatThrownBy(() -> mallory.connect().orTimeout(10, TimeUnit.SECONDS).join())
                .cause().isInstanceOf(HandshakeRejectedException.class)
                .extracting(e -> ((HandshakeRejectedException) e).status()).isEqualTo(401);
    }
}
