package io.switchboard.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.testing.RedisCluster;
import io.switchboard.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker publishing from many threads at once through a real Redis, or a real Redis
 * Cluster of three masters: publications are sent in batches (on the cluster, one script call
 * per slot), yet each stream's offsets follow each other, each publisher's messages keep their
 * order, every publication is delivered once with the offset its publisher was told, and events
 * keep their place among a room's messages.
 */
class RedisBrokerBatchingIT {
    private static final int THREADS = 8;
    private static final int ROOMS = 20;
    private static final int PER_THREAD = 2_000;
    private static final Duration IDEMPOTENCY_WINDOW = Duration.ofMillis(500);

    private RedisServer redis;
    private RedisCluster redisCluster;
    private RedisConnector connector;
    private RedisBroker broker;
    private final Map<String, List<String>> delivered = new ConcurrentHashMap<>();

    private void start(boolean onCluster) {
        if (onCluster) {
            redisCluster = RedisCluster.start(3);
            connector = RedisConnector.connectCluster(java.util.Arrays.asList(redisCluster.uris().split(",")), "sb:",
                    Duration.ofSeconds(5), null, () -> { });
        } else {
            redis = RedisServer.start();
            connector = RedisConnector.connect(redis.uri(), "sb:", Duration.ofSeconds(5));
        }
        broker = new RedisBroker(io.switchboard.server.redis.RedisShards.of(connector), "node-a", Duration.ofSeconds(1),
                Duration.ofHours(1), IDEMPOTENCY_WINDOW);
        broker.start(new BrokerSink() {
            @Override
            public void deliverToRoom(String room, byte[] frame) {
                delivered.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>()).add(new String(frame, StandardCharsets.UTF_8));
            }

            @Override
            public void deliverToUser(String user, byte[] frame) {
                throw new AssertionError("no direct message was sent");
            }

            @Override
            public void disconnectUser(String user) {
                throw new AssertionError("nobody was disconnected");
            }

            @Override
            public void interruptRoom(String room) {
                throw new AssertionError("room " + room + " interrupted");
            }

            @Override
            public void interruptUser(String user) {
                throw new AssertionError("direct messages of " + user + " interrupted");
            }
        });
        for (int r = 0; r < ROOMS; r++) {
            broker.subscribeRoom(room(r)).toCompletableFuture().join();
        }
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (connector != null) {
            connector.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
    }

    private static String room(int r) {
        return "room-" + r;
    }

    @Test
    void concurrentPublishersAreBatchedAndEveryStreamStaysInOrder() {
        start(false);
        // Far fewer script calls than publications and events: they went in batches.
        assertThat(publishConcurrently()).isPositive().isLessThan(THREADS * PER_THREAD / 4);
    }

    @Test
    void onARedisClusterEachSlotOfABatchGoesInACallOfItsOwnAndEveryStreamStaysInOrder() {
        start(true);
        // A call per slot of each batch: more calls than on one Redis, yet still batched.
        assertThat(publishConcurrently()).isPositive().isLessThan(THREADS * PER_THREAD / 2);
        // The rooms are spread over the masters.
        assertThat(redisCluster.keys("sb:seq:*")).allSatisfy(held -> assertThat(held).isNotEmpty());
    }

    /** Publishes from all threads at once, checks what was delivered, and returns the script calls made. */
    private long publishConcurrently() {
        long scriptsBefore = scriptCalls();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<CompletableFuture<List<StreamPosition>>> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(CompletableFuture.supplyAsync(() -> {
                awaitLatch(go);
                List<CompletableFuture<StreamPosition>> acks = new ArrayList<>();
                for (int i = 0; i < PER_THREAD; i++) {
                    String room = room(i % ROOMS);
                    FrameTemplate frame = FrameTemplate.message(room, "t" + thread, "\"t" + thread + "-" + i + "\"", 0);
                    acks.add(broker.publish(StreamKey.room(room), frame, HistoryOptions.DEFAULT).toCompletableFuture());
                    if (i % 100 == 0) {
                        // An event on the room's channel, in its place among the messages.
                        broker.publishEvent(room, ("{\"type\":\"join\",\"room\":\"" + room + "\",\"user_id\":\"t"
                                + thread + "-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
                    }
                }
                return acks.stream().map(CompletableFuture::join).toList();
            }, pool));
        }
        go.countDown();
        List<List<StreamPosition>> acked = threads.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
        pool.shutdown();

        int total = THREADS * PER_THREAD;
        int perRoom = total / ROOMS;
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.values().stream()
                .mapToLong(frames -> frames.stream().filter(f -> FrameTemplate.offsetOf(bytes(f)) > 0).count())
                .sum() == total);

        for (int r = 0; r < ROOMS; r++) {
            List<String> frames = delivered.get(room(r));
            List<Long> offsets = frames.stream().map(f -> FrameTemplate.offsetOf(bytes(f))).filter(o -> o > 0).toList();
            // Each stream: 1, 2, 3, ... without gap or repeat, in delivery order.
            List<Long> expected = new ArrayList<>();
            for (long o = 1; o <= perRoom; o++) {
                expected.add(o);
            }
            assertThat(offsets).as(room(r)).isEqualTo(expected);
            // Each publisher's messages in the order it sent them, events in their place.
            for (int t = 0; t < THREADS; t++) {
                String prefix = "t" + t + "-";
                List<Integer> sent = new ArrayList<>();
                for (String frame : frames) {
                    int at = frame.indexOf(frame.contains("\"type\":\"join\"") ? "\"user_id\":\"" + prefix
                            : "\"content\":\"" + prefix);
                    if (at >= 0) {
                        int start = frame.indexOf(prefix, at) + prefix.length();
                        sent.add(Integer.parseInt(frame.substring(start, frame.indexOf('"', start))));
                    }
                }
                assertThat(sent).as("%s from t%d", room(r), t).isSorted();
            }
        }
        // Each publisher was told the offset its message was delivered with.
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                long offset = acked.get(t).get(i).offset();
                String content = "\"t" + t + "-" + i + "\"";
                String frame = delivered.get(room(i % ROOMS)).stream()
                        .filter(f -> FrameTemplate.offsetOf(bytes(f)) == offset).findFirst().orElseThrow();
                assertThat(frame).contains(content);
            }
        }
        return scriptCalls() - scriptsBefore;
    }

    @Test
    void aPublicationAloneGoesOutAtOnce() {
        start(false);
        StreamPosition first = broker.publish(StreamKey.room(room(0)), FrameTemplate.message(room(0), "a", "1", 0),
                HistoryOptions.DEFAULT).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(first.offset()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.containsKey(room(0)));
    }

    @Test
    void anIdempotencyKeyPublishesOnceUntilItsWindowHasPassed() {
        start(false);
        checkIdempotencyKeys();
    }

    @Test
    void onARedisClusterAnIdempotencyKeyLivesInItsStreamsSlot() {
        start(true);
        checkIdempotencyKeys();
    }

    private void checkIdempotencyKeys() {
        StreamKey lobby = StreamKey.room(room(0));
        FrameTemplate frame = FrameTemplate.message(room(0), "a", "\"once\"", 0);
        // Keyed and plain publications in one batch, the key given twice.
        List<CompletableFuture<StreamPosition>> acks = List.of(
                broker.publish(lobby, frame, HistoryOptions.DEFAULT, "k").toCompletableFuture(),
                broker.publish(lobby, frame, HistoryOptions.DEFAULT).toCompletableFuture(),
                broker.publish(lobby, frame, HistoryOptions.DEFAULT, "k").toCompletableFuture(),
                broker.publish(StreamKey.room(room(1)), frame, HistoryOptions.DEFAULT, "k").toCompletableFuture());
        List<Long> offsets = acks.stream().map(a -> a.orTimeout(5, TimeUnit.SECONDS).join().offset()).toList();
        assertThat(offsets).containsExactly(1L, 2L, 1L, 1L);
        assertThat(acks.get(2).join().epoch()).isEqualTo(acks.get(0).join().epoch());
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.getOrDefault(room(0), List.of()).size() == 2);

        // Once the window has passed, the key publishes again.
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.publish(lobby, frame, HistoryOptions.DEFAULT, "k")
                .toCompletableFuture().join().offset() == 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.get(room(0)).size() == 3);
        assertThat(delivered.get(room(0))).extracting(f -> FrameTemplate.offsetOf(bytes(f))).containsExactly(1L, 2L, 3L);
    }

    /** Script calls so far, over every Redis server. */
    private long scriptCalls() {
        long calls = 0;
        for (RedisServer server : redis != null ? List.of(redis) : redisCluster.masters()) {
            String info = (String) server.command("INFO", "commandstats");
            for (String line : info.split("\r\n")) {
                if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                    calls += Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"));
                }
            }
        }
        return calls;
    }

    private static byte[] bytes(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
