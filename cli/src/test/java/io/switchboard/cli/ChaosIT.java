package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardListener;
import io.switchboard.testing.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three node processes clustered through a real Redis; readers on random nodes in several
 * rooms; publishers sending numbered messages for about 20 s; readers cut at random and
 * reconnecting to random nodes; one node killed (SIGKILL) and started again mid-run. In the
 * end every reader holds every message of each of its rooms exactly once and in order, and no
 * number was published twice (retries carry an idempotency key).
 */
class ChaosIT {
    private static final int NODES = 3;
    private static final int ROOMS = 3;
    private static final int READERS = 9;
    private static final Duration RUN = Duration.ofSeconds(20);

    private final Random random = new Random(42);
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final List<SwitchboardClient> clients = new CopyOnWriteArrayList<>();
    private final NodeProcess[] nodes = new NodeProcess[NODES];
    private final int[] ports = new int[NODES];
    private RedisServer redis;

    @AfterEach
    void stopAll() {
        timer.shutdownNow();
        clients.forEach(SwitchboardClient::abort);
        for (NodeProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void everyReaderHoldsEveryMessageOfItsRoomsOnceAndInOrderThroughCutsAndACrashedNode() throws Exception {
        redis = RedisServer.start();
        for (int n = 0; n < NODES; n++) {
            ports[n] = freePort();
            startNode(n);
        }

        List<Reader> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            Reader reader = new Reader("reader-" + r, List.of(room(r % ROOMS), room((r + 1) % ROOMS)));
            readers.add(reader);
            reader.client.connect().get(10, TimeUnit.SECONDS);
            for (String room : reader.rooms) {
                reader.client.join(room).get(10, TimeUnit.SECONDS);
            }
        }
        List<Publisher> publishers = new ArrayList<>();
        for (int p = 0; p < ROOMS; p++) {
            Publisher publisher = new Publisher("publisher-" + p, room(p));
            publishers.add(publisher);
            publisher.client.connect().get(10, TimeUnit.SECONDS);
            publisher.client.join(publisher.room).get(10, TimeUnit.SECONDS);
        }

        AtomicBoolean running = new AtomicBoolean(true);
        publishers.forEach(p -> p.start(running));
        long start = System.nanoTime();
        int cuts = 0;
        boolean killed = false;
        boolean restarted = false;
        while (System.nanoTime() - start < RUN.toNanos()) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (!killed && elapsed > 7000) {
                nodes[1].process().destroyForcibly(); // SIGKILL
                nodes[1].process().waitFor(10, TimeUnit.SECONDS);
                killed = true;
            } else if (killed && !restarted && elapsed > 12000) {
                startNode(1);
                restarted = true;
            } else {
                readers.get(random.nextInt(readers.size())).client.dropConnection();
                cuts++;
            }
            await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> true);
        }
        running.set(false);
        assertThat(killed && restarted).isTrue();

        Map<String, Long> tops = new ConcurrentHashMap<>();
        for (Publisher publisher : publishers) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !publisher.inFlight.get());
            tops.put(publisher.room, publisher.client.join(publisher.room).get(10, TimeUnit.SECONDS).offset());
            assertThat(publisher.acked.get()).as("%s published", publisher.user).isGreaterThan(100);
        }
        for (Reader reader : readers) {
            for (String room : reader.rooms) {
                long top = tops.get(room);
                await().atMost(Duration.ofSeconds(30)).until(() -> reader.last(room) >= top);
                assertThat(reader.offsets(room)).as("%s in %s (after %d cuts)", reader.user, room, cuts)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, top).boxed().toList());
                // Retries carried the number as idempotency key: no number was published twice,
                // even when the node that made it died before answering, so message n has offset n.
                assertThat(reader.numbers(room)).as("%s in %s: numbers", reader.user, room)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, top).boxed().toList());
            }
        }
    }

    private void startNode(int n) throws Exception {
        nodes[n] = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", Integer.toString(ports[n]),
                "--node-id", "chaos-" + n, "--redis", redis.uri(), "--history-size", "10000");
        nodes[n].awaitPort();
    }

    private SwitchboardClient client(String user, SwitchboardListener listener) {
        List<URI> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add(URI.create("ws://127.0.0.1:" + port + "/ws/" + user));
        }
        java.util.Collections.shuffle(servers, random);
        SwitchboardClient client = SwitchboardClient.builder(servers).listener(listener)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofSeconds(1)).build();
        clients.add(client);
        return client;
    }

    private static String room(int index) {
        return "chaos-" + index;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A client in two rooms that records the offsets it is given, per room. */
    private final class Reader implements SwitchboardListener {
        final String user;
        final List<String> rooms;
        final Map<String, List<Long>> received = new ConcurrentHashMap<>();
        final Map<String, List<Long>> numbers = new ConcurrentHashMap<>();
        final SwitchboardClient client;

        Reader(String user, List<String> rooms) {
            this.user = user;
            this.rooms = rooms;
            rooms.forEach(room -> received.put(room, new CopyOnWriteArrayList<>()));
            rooms.forEach(room -> numbers.put(room, new CopyOnWriteArrayList<>()));
            this.client = client(user, this);
        }

        @Override
        public void onMessage(Events.RoomMessage message) {
            received.get(message.room()).add(message.offset());
            numbers.get(message.room()).add(message.content().path("n").asLong());
        }

        List<Long> offsets(String room) {
            return List.copyOf(received.get(room));
        }

        List<Long> numbers(String room) {
            return List.copyOf(numbers.get(room));
        }

        long last(String room) {
            List<Long> offsets = received.get(room);
            return offsets.isEmpty() ? 0 : offsets.get(offsets.size() - 1);
        }
    }

    /**
     * Publishes numbered messages to one room, one after another, retrying a number under the
     * same idempotency key until it is acknowledged.
     */
    private final class Publisher implements SwitchboardListener {
        final String user;
        final String room;
        final SwitchboardClient client;
        final AtomicLong acked = new AtomicLong();
        final AtomicBoolean inFlight = new AtomicBoolean();

        Publisher(String user, String room) {
            this.user = user;
            this.room = room;
            this.client = client(user, this);
        }

        void start(AtomicBoolean running) {
            timer.schedule(() -> next(running), 0, TimeUnit.MILLISECONDS);
        }

        private void next(AtomicBoolean running) {
            if (!running.get()) {
                inFlight.set(false);
                return;
            }
            inFlight.set(true);
            long number = acked.get() + 1;
            client.publish(room, Map.of("n", number), user + "-" + number).whenComplete((offset, failure) -> {
                if (failure == null) {
                    acked.set(number);
                    timer.schedule(() -> next(running), 20, TimeUnit.MILLISECONDS);
                } else {
                    // Not connected, or the node went down: the same number again, a little later.
                    timer.schedule(() -> next(running), 100, TimeUnit.MILLISECONDS);
                }
            });
        }
    }
}
