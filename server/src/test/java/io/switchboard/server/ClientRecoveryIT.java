package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java SDK reconnecting across the nodes of a cluster and recovering what it missed. */
class ClientRecoveryIT {
    @RegisterExtension
    // Writers here publish as fast as they can, so the histories are made to cover a reconnect
    // however slow the machine; the "small" namespace is for the test of what is no longer kept.
    final TestCluster cluster = new TestCluster(3, b -> b.commandRate(0, 1)
            .defaultHistory(new HistoryOptions(100_000, Duration.ofMinutes(2)))
            .directHistory(new HistoryOptions(100_000, Duration.ofMinutes(2)))
            .namespaceHistory("small", new HistoryOptions(3, Duration.ofMinutes(2))));

    @Test
    void aClientThatKeepsLosingItsConnectionStillGetsEveryMessageOnceAndInOrder() throws Exception {
        List<Integer> reconnects = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        Recorder seen = new Recorder() {
            @Override
            public void onReconnecting(int attempt, Duration delay) {
                reconnects.add(attempt);
            }

            @Override
            public void onError(io.switchboard.client.SwitchboardException error) {
                errors.add(error.getMessage());
                super.onError(error);
            }
        };
        SwitchboardClient reader = SwitchboardClient.builder(allNodes("reader"))
                .listener(seen)
                .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        reader.connect().join();
        reader.join("a").join();
        reader.join("b").join();

        TestClient writer = cluster.node(0).connect("writer");
        writer.client().join("a").join();
        writer.client().join("b").join();
        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            for (int i = 0; publishing.get(); i++) {
                writer.client().publish(i % 2 == 0 ? "a" : "b", i).join();
                if (i % 10 == 0) {
                    writer.client().sendDirect("reader", i).join();
                }
            }
        });
        for (int cut = 0; cut < 6; cut++) {
            int before = seen.messages().size();
            Recorder.until(() -> seen.messages().size() > before + 20);
            reader.dropConnection();
        }
        Recorder.until(() -> seen.messages().size() > 300);
        publishing.set(false);
        writing.get();

        assertThat(seen.recoveryFailures()).isEmpty();
        assertThat(errors).isEmpty();
        for (String room : List.of("a", "b")) {
            long top = writer.client().join(room).join().offset();
            Recorder.until(() -> !seen.messages(room).isEmpty()
                    && seen.messages(room).get(seen.messages(room).size() - 1).offset() == top);
            assertThat(seen.messages(room)).extracting(Events.RoomMessage::offset)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, top).boxed().toList());
        }
        long dmTop = seen.directMessages().isEmpty() ? 0 : seen.directMessages().get(seen.directMessages().size() - 1).offset();
        assertThat(seen.directMessages()).extracting(Events.DirectMessage::offset)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, dmTop).boxed().toList());
        assertThat(reconnects).hasSizeGreaterThanOrEqualTo(6);
        reader.close();
    }

    @Test
    void theApplicationHearsWhenWhatWasMissedIsNoLongerKept() {
        Recorder seen = new Recorder();
        SwitchboardClient reader = SwitchboardClient.builder(List.of(node(1, "reader")))
                .listener(seen)
                .reconnectDelay(Duration.ofMillis(500), Duration.ofMillis(500))
                .build();
        reader.connect().join();
        reader.join("small:room").join();
        TestClient writer = cluster.node(0).connect("writer");
        writer.client().join("small:room").join();

        reader.dropConnection();
        // Published only once the connection is down, so that none of it can still arrive live.
        await().atMost(Duration.ofSeconds(10)).until(() -> !reader.isOpen());
        for (int i = 0; i < 10; i++) {
            writer.client().publish("small:room", i).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.recoveryFailures().contains("small:room"));
        writer.client().publish("small:room", "after").join();
        Recorder.until(() -> seen.messages("small:room").stream().anyMatch(m -> m.content().asText().equals("after")));
        assertThat(seen.messages("small:room")).extracting(Events.RoomMessage::offset).containsExactly(11L);
        reader.close();
    }

    @Test
    void aClosedClientDoesNotReconnect() {
        List<Integer> reconnects = new CopyOnWriteArrayList<>();
        SwitchboardClient client = SwitchboardClient.builder(List.of(node(0, "alice")))
                .listener(new io.switchboard.client.SwitchboardListener() {
                    @Override
                    public void onReconnecting(int attempt, Duration delay) {
                        reconnects.add(attempt);
                    }
                })
                .build();
        client.connect().join();
        client.close();
        assertThat(client.closedFuture()).isCompleted();
        assertThat(reconnects).isEmpty();
        assertThat(client.isOpen()).isFalse();
    }

    private List<URI> allNodes(String user) {
        List<URI> uris = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            uris.add(node(n, user));
        }
        return uris;
    }

    private URI node(int n, String user) {
        return cluster.node(n).uri("/ws/" + user);
    }
}
