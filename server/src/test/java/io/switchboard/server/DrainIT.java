package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.grpc.Status;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.testing.GrpcClient;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node drained while clients chat: it stops being ready and refuses new clients, its clients
 * are asked to reconnect (1012) and move to the other node, and they miss nothing.
 */
class DrainIT {
    @RegisterExtension
    // The writer publishes as fast as it can (thousands a second), so the history is made to
    // cover the reader's whole absence; with the default 300 a slow reconnect can outrun it.
    final TestCluster cluster = new TestCluster(2, b -> b.commandRate(0, 1)
            .defaultHistory(new HistoryOptions(100_000, Duration.ofMinutes(2))));

    private SwitchboardClient reader;

    @AfterEach
    void abort() {
        if (reader != null) {
            reader.abort();
        }
    }

    private static int get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void clientsOfADrainedNodeMoveToAnotherAndMissNothing() throws Exception {
        Recorder seen = new Recorder();
        // The first attempt goes to node 0; reconnects go to either node.
        reader = SwitchboardClient.builder(List.of(cluster.node(0).uri("/ws/reader"), cluster.node(1).uri("/ws/reader")))
                .listener(seen).reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(100)).build();
        assertThat(reader.connect().orTimeout(10, TimeUnit.SECONDS).join().node()).isEqualTo("node-0");
        reader.join("news").orTimeout(10, TimeUnit.SECONDS).join();

        TestClient writer = cluster.node(1).connect("writer");
        writer.client().join("news").join();
        AtomicBoolean publishing = new AtomicBoolean(true);
        long[] sent = {0};
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            while (publishing.get()) {
                writer.client().publish("news", sent[0]).join();
                sent[0]++;
            }
        });
        Recorder.until(() -> seen.messages("news").size() > 20);
        assertThat(get(cluster.node(0).httpUri("/readyz"))).isEqualTo(200);
        SseStream sse = SseStream.open(HttpClient.newHttpClient(), cluster.node(0).httpUri("/sse/watcher"), -1);
        sse.await(f -> f.path("type").asText().equals("connected"));
        GrpcClient grpc = new GrpcClient(cluster.node(0));
        GrpcClient.Session grpcSession = grpc.connect("caller");
        grpcSession.await(ServerFrame::hasConnected);

        cluster.node(0).server().drain(Duration.ofSeconds(5));

        // Every transport's clients were told to go elsewhere.
        assertThat(sse.await(f -> f.path("type").asText().equals("disconnect")).data().path("code").asInt()).isEqualTo(1012);
        await().atMost(Duration.ofSeconds(10)).until(sse::ended);
        assertThat(grpcSession.ended().orTimeout(10, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(grpcSession.frames()).anySatisfy(f -> assertThat(f.getDisconnect().getCode()).isEqualTo(1012));
        grpc.close();
        sse.close();

        assertThat(get(cluster.node(0).httpUri("/readyz"))).isEqualTo(503);
        assertThat(get(cluster.node(0).httpUri("/healthz"))).isEqualTo(200);
        assertThat(RawWebSocket.refusal(cluster.node(0).uri("/ws/latecomer"), h -> { })).isEqualTo(503);
        assertThat(cluster.node(0).hubStats().sessions()).isZero();
        assertThat(seen.disconnects()).anySatisfy(d -> {
            assertThat(d.code()).isEqualTo(1012);
            assertThat(d.reconnect()).isTrue();
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> reader.connectedFuture().isDone()
                && seen.frames("connected").stream().anyMatch(f -> f.path("node").asText().equals("node-1")));
        int before = seen.messages("news").size();
        Recorder.until(() -> seen.messages("news").size() > before + 20);
        assertThat(seen.recoveryFailures()).as("rooms not recovered after the move").isEmpty();
        publishing.set(false);
        writing.get(10, TimeUnit.SECONDS);
        cluster.node(0).stop();

        List<Events.RoomMessage> messages = seen.awaitMessages("news", (int) sent[0]);
        assertThat(messages).extracting(Events.RoomMessage::offset).containsExactlyElementsOf(
                LongStream.rangeClosed(1, sent[0]).boxed().collect(Collectors.toList()));
        // Presence follows: the reader is online once, on node 1.
        assertThat(writer.client().presence("news").join()).extracting(Events.Member::userId)
                .containsExactly("reader", "writer");
    }
}
