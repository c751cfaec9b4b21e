package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RoomDeliveryIT {
    private static final String MARKER = "marker-";

    @RegisterExtension
    // Publishers here go as fast as they can; the command limit has tests of its own.
    final TestNode node = new TestNode(b -> b.commandRate(0, 1));

    @Test
    void deliversRoomMessageOnceToEveryConnectionOfEveryMemberIncludingTheSender() {
        TestClient alice1 = node.connect("alice");
        TestClient alice2 = node.connect("alice");
        TestClient bob = node.connect("bob");
        TestClient carol = node.connect("carol");
        for (TestClient member : List.of(alice1, alice2, bob)) {
            member.client().join("lobby").join();
        }

        long first = alice1.client().publish("lobby", Map.of("text", "hello")).join();
        long second = bob.client().publish("lobby", "second").join();
        assertThat(List.of(first, second)).containsExactly(1L, 2L);

        for (TestClient member : List.of(alice1, alice2, bob)) {
            List<Events.RoomMessage> got = member.recorder().awaitMessages("lobby", 2);
            assertThat(got).extracting(Events.RoomMessage::offset).containsExactly(1L, 2L);
            assertThat(got.get(0).from()).isEqualTo("alice");
            assertThat(got.get(0).content().path("text").asText()).isEqualTo("hello");
            assertThat(got.get(1).from()).isEqualTo("bob");
            assertThat(got.get(1).content().asText()).isEqualTo("second");
        }
        assertNothingMoreArrives(carol, alice1, alice2, bob);
        assertThat(carol.recorder().messages()).isEmpty();
        for (TestClient member : List.of(alice1, alice2, bob)) {
            assertThat(member.recorder().messages("lobby")).hasSize(2);
        }
    }

    @Test
    void messageFramesKeepTheOriginalShapeWithAnOffset() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        alice.client().publish("lobby", List.of(1, 2, 3)).join();

        JsonNode frame = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("message"));
        assertThat(fieldNames(frame)).containsExactly("type", "room", "from", "content", "timestamp", "offset");
        assertThat(frame.path("room").asText()).isEqualTo("lobby");
        assertThat(frame.path("from").asText()).isEqualTo("alice");
        assertThat(frame.path("content").toString()).isEqualTo("[1,2,3]");
        assertThat(frame.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(frame.path("offset").asLong()).isEqualTo(1);
    }

    @Test
    void offsetsRiseByOneFromOneInEachRoomSeparately() {
        TestClient alice = node.connect("alice");
        alice.client().join("a").join();
        alice.client().join("b").join();
        for (int i = 0; i < 5; i++) {
            alice.client().publish("a", i).join();
        }
        alice.client().publish("b", "x").join();
        assertThat(alice.recorder().awaitMessages("a", 5)).extracting(Events.RoomMessage::offset)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(alice.recorder().awaitMessages("b", 1)).extracting(Events.RoomMessage::offset)
                .containsExactly(1L);
        assertThat(alice.client().join("a").join().offset()).isEqualTo(5);
    }

    @Test
    void leavingARoomStopsItsDelivery() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        alice.client().publish("lobby", "before").join();
        bob.recorder().awaitMessages("lobby", 1);

        bob.client().leave("lobby").join();
        alice.client().publish("lobby", "after").join();
        alice.recorder().awaitMessages("lobby", 2);

        assertNothingMoreArrives(bob);
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText()).containsExactly("before");
    }

    @Test
    void everyReceiverSeesOneOrderPerRoomUnderConcurrentPublishers() throws Exception {
        int publishers = 4;
        int perPublisher = 250;
        int total = publishers * perPublisher;
        List<TestClient> senders = new ArrayList<>();
        List<TestClient> everyone = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            TestClient sender = node.connect("publisher-" + p);
            senders.add(sender);
            everyone.add(sender);
        }
        for (int r = 0; r < 3; r++) {
            everyone.add(node.connect("reader-" + r));
        }
        for (TestClient client : everyone) {
            client.client().join("race").join();
        }

        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Long>> acks = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (TestClient sender : senders) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perPublisher; i++) {
                    acks.add(sender.client().publish("race", Map.of("p", sender.user(), "i", i)));
                }
            });
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        Set<Long> offsets = acks.stream().map(CompletableFuture::join).collect(Collectors.toSet());
        assertThat(offsets).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());

        List<String> reference = null;
        for (TestClient client : everyone) {
            List<Events.RoomMessage> got = client.recorder().awaitMessages("race", total);
            assertThat(got).hasSize(total);
            assertThat(got).extracting(Events.RoomMessage::offset)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            List<String> order = got.stream().map(m -> m.content().toString()).toList();
            assertThat(new HashSet<>(order)).hasSize(total);
            for (TestClient sender : senders) {
                List<Integer> own = got.stream()
                        .filter(m -> m.content().path("p").asText().equals(sender.user()))
                        .map(m -> m.content().path("i").asInt()).toList();
                assertThat(own).as("publisher order of " + sender.user())
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perPublisher).boxed().toList());
            }
            if (reference == null) {
                reference = order;
            } else {
                assertThat(order).as("order seen by " + client.user()).isEqualTo(reference);
            }
        }
    }

    /**
     * Proves the clients received nothing further: a direct message sent now travels the same
     * path behind anything still queued for them, so once it has arrived, nothing else is coming.
     */
    static void assertNothingMoreArrives(TestClient... clients) {
        for (TestClient client : clients) {
            String marker = MARKER + java.util.UUID.randomUUID();
            client.client().sendDirect(client.user(), marker).join();
            Recorder.until(() -> client.recorder().directMessages().stream()
                    .anyMatch(m -> m.content().asText().equals(marker)));
        }
    }

    /** Direct messages other than the markers of {@link #assertNothingMoreArrives}. */
    static List<Events.DirectMessage> directMessagesWithoutMarkers(TestClient client) {
        return client.recorder().directMessages().stream()
                .filter(m -> !m.content().asText().startsWith(MARKER)).toList();
    }

    private static List<String> fieldNames(JsonNode frame) {
        List<String> names = new ArrayList<>();
        frame.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
