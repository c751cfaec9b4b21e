package io.switchboard.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.client.ClientEventLoops;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import io.switchboard.client.SwitchboardListener;
import io.switchboard.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Fan-out: subscribers spread over rooms, publishers sending at a fixed total rate (open loop),
 * publish-to-receive latency for every delivery.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "Subscribers in rooms, publishers at a fixed rate; latency of every delivery.")
class FanoutCommand implements Callable<Integer> {
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Parameters(arity = "1..*", description = "Server base URL(s), e.g. ws://127.0.0.1:8080 (clients use /ws/{user}); "
            + "with several, connections are spread over them in turn.")
    List<URI> urls;

    @Option(names = "--subscribers", defaultValue = "1000", description = "Subscriber connections (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--rooms", defaultValue = "1", description = "Rooms the subscribers are spread over (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(names = "--publishers", defaultValue = "1", description = "Publisher connections (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--rate", defaultValue = "50", description = "Messages per second, all publishers together (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--size", defaultValue = "100", description = "Bytes of each message's content (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--duration", defaultValue = "30", description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds published before measuring (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--source-addresses", defaultValue = "1",
            description = "Spread connections over source addresses 127.0.0.1 .. 127.0.0.N (default: ${DEFAULT-VALUE}).")
    int sourceAddresses;

    @Option(names = "--server-pid", description = "PID of a local server, to report its CPU time per delivery.")
    Long serverPid;

    @Option(names = "--subscribe-over", defaultValue = "websocket",
            description = "Transport of the subscribers: websocket or grpc (the gRPC Connect stream on --grpc-port "
                    + "of each URL's host, through the Java SDK); publishers use WebSocket (default: ${DEFAULT-VALUE}).")
    String subscribeOver;

    @Option(names = "--grpc-port", defaultValue = "9090", description = "The servers' gRPC port, for --subscribe-over grpc "
            + "(default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--io-threads", defaultValue = "0", description = "Client event loops; 0 = one per core.")
    int ioThreads;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Recorder latency = new Recorder(3);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong expected = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedInWindow = new AtomicLong();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    /** The scenario's name in reports. */
    String scenario() {
        return "fanout";
    }

    @Override
    public Integer call() throws Exception {
        if (subscribers < 0 || rooms < 1 || publishers < 1 || rate <= 0 || size < 0 || duration <= 0
                || warmup < 0 || sourceAddresses < 1 || sourceAddresses > 254) {
            throw new ParameterException(spec.commandLine(),
                    "every count and duration must be positive, and source addresses 1 to 254");
        }
        if (!subscribeOver.equals("websocket") && !subscribeOver.equals("grpc")) {
            throw new ParameterException(spec.commandLine(), "--subscribe-over is websocket or grpc, not " + subscribeOver);
        }
        EventLoopGroup group = ClientEventLoops.create(ioThreads, "bench");
        Progress progress = new Progress(scenario());
        try {
            int[] members = new int[rooms];
            List<BenchConnection> connections = new ArrayList<>();
            List<SwitchboardClient> grpcSubscribers = new ArrayList<>();
            progress.phase("connecting " + subscribers + " subscribers over " + subscribeOver);
            if (subscribeOver.equals("grpc")) {
                openGrpcSubscribers(group, members, grpcSubscribers, progress);
            } else {
                openAll(group, subscribers, 0, i -> "bench-sub-" + i, i -> List.of(room(i % rooms)), members, connections,
                        progress);
            }
            List<List<String>> publisherRooms = new ArrayList<>();
            for (int j = 0; j < publishers; j++) {
                List<String> own = new ArrayList<>();
                for (int r = j % rooms; r < rooms; r += publishers) {
                    own.add(room(r));
                }
                publisherRooms.add(own);
            }
            List<BenchConnection> publisherConnections = new ArrayList<>();
            // Publishers start on the last URL, so that with several nodes they publish from another
            // node than most subscribers' first.
            openAll(group, publishers, urls.size() - 1, j -> "bench-pub-" + j, publisherRooms::get, members,
                    publisherConnections, progress);
            connections.addAll(publisherConnections);

            ProcessCpu server = serverPid == null ? null : new ProcessCpu(serverPid);
            ProcessCpu self = ProcessCpu.self();
            long start = System.nanoTime();
            windowStart = start + seconds(warmup);
            windowEnd = windowStart + seconds(duration);
            List<ScheduledFuture<?>> tickers = new ArrayList<>();
            for (int j = 0; j < publishers; j++) {
                tickers.add(startPublisher(publisherConnections.get(j), publisherRooms.get(j), members, start));
            }
            progress.phase("publishing");
            long serverCpuStart = -1;
            long selfCpuStart = -1;
            Histogram total = new Histogram(3);
            while (System.nanoTime() < windowEnd) {
                progress.sleepTick();
                long now = System.nanoTime();
                if (serverCpuStart < 0 && now >= windowStart) {
                    serverCpuStart = server == null ? 0 : server.cpuNanos();
                    selfCpuStart = self.cpuNanos();
                    latency.getIntervalHistogram();
                }
                Histogram interval = latency.getIntervalHistogram();
                if (now >= windowStart) {
                    total.add(interval);
                }
                progress.report(now - start, published.get(), delivered.sum(), interval, errors.sum(), now >= windowStart);
            }
            tickers.forEach(t -> t.cancel(false));
            long drainUntil = System.nanoTime() + DRAIN_NANOS;
            while (delivered.sum() < expected.get() && System.nanoTime() < drainUntil) {
                progress.sleepTick();
                total.add(latency.getIntervalHistogram());
            }
            total.add(latency.getIntervalHistogram());
            Double serverCpu = server == null ? null : (server.cpuNanos() - serverCpuStart) / 1e9;
            double selfCpu = (self.cpuNanos() - selfCpuStart) / 1e9;
            progress.done();

            FanoutReport report = report(total, serverCpu, selfCpu);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                report.printTable(out);
            }
            out.flush();
            connections.forEach(BenchConnection::close);
            grpcSubscribers.forEach(SwitchboardClient::close);
            return report.missing() == 0 && report.errors() == 0 ? 0 : 1;
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private FanoutReport report(Histogram total, Double serverCpu, double selfCpu) {
        long deliveries = delivered.sum();
        long expectedDeliveries = expected.get();
        FanoutReport.Latency lat = new FanoutReport.Latency(
                total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(90) / 1000.0,
                total.getValueAtPercentile(99) / 1000.0, total.getValueAtPercentile(99.9) / 1000.0,
                total.getMaxValue() / 1000.0);
        long inWindow = publishedInWindow.get();
        return new FanoutReport(scenario(), urls.stream().map(URI::toString).collect(java.util.stream.Collectors.joining(" ")), subscribers, rooms, publishers, rate, size, duration,
                inWindow, inWindow / duration, expectedDeliveries, deliveries,
                Math.max(0, expectedDeliveries - deliveries), errors.sum(), deliveries / duration, lat,
                serverCpu, serverCpu == null || deliveries == 0 ? null : serverCpu * 1e6 / deliveries, selfCpu);
    }

    private ScheduledFuture<?> startPublisher(BenchConnection connection, List<String> targets,
                                                                 int[] members, long start) {
        double perPublisher = rate / publishers;
        String padding = "x".repeat(Math.max(0, size - 40));
        EventLoop loop = connection.channel().eventLoop();
        long[] sent = {0};
        return loop.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (now >= windowEnd) {
                return;
            }
            long owed = (long) ((now - start) / 1e9 * perPublisher) - sent[0];
            for (long k = 0; k < Math.min(owed, 10_000); k++) {
                String room = targets.get((int) (sent[0] % targets.size()));
                long t = System.nanoTime();
                connection.channel().write(new TextWebSocketFrame(
                        "{\"type\":\"room_message\",\"room\":\"" + room + "\",\"content\":{\"t\":" + t
                                + ",\"s\":" + sent[0] + ",\"p\":\"" + padding + "\"}}"),
                        connection.channel().voidPromise());
                sent[0]++;
                published.incrementAndGet();
                if (t >= windowStart) {
                    publishedInWindow.incrementAndGet();
                    expected.addAndGet(members[roomIndex(room)]);
                }
            }
            connection.channel().flush();
        }, 0, 1, TimeUnit.MILLISECONDS);
    }

    private void openAll(EventLoopGroup group, int count, int urlOffset, IntFunction<String> user,
                         IntFunction<List<String>> roomsOf, int[] members,
                         List<BenchConnection> out, Progress progress) {
        Counting counting = new Counting();
        openEach(count, i -> {
            String userId = user.apply(i);
            URI uri = urls.get((i + urlOffset) % urls.size()).resolve("/ws/" + URLEncoder.encode(userId, StandardCharsets.UTF_8));
            BenchConnection connection = BenchConnection.open(group, uri, sourceAddress(i), counting);
            out.add(connection);
            List<String> own = roomsOf.apply(i);
            for (String room : own) {
                members[roomIndex(room)]++;
            }
            return connection.connected().thenCompose(v -> {
                List<CompletableFuture<?>> all = new ArrayList<>();
                for (String room : own) {
                    ObjectNode join = Json.mapper().createObjectNode().put("type", "join_room").put("room", room);
                    all.add(connection.request(join));
                }
                return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
            });
        }, progress);
    }

    /** Subscribers over gRPC: the Java SDK's {@code grpc://} client, one per subscriber, on the bench's loops. */
    private void openGrpcSubscribers(EventLoopGroup group, int[] members, List<SwitchboardClient> out, Progress progress) {
        Counting counting = new Counting();
        SwitchboardListener listener = new SwitchboardListener() {
            @Override
            public void onMessage(Events.RoomMessage message) {
                counting.onMessage(message.content().path("t").asLong(-1));
            }

            @Override
            public void onError(SwitchboardException error) {
                counting.onError(error.getMessage());
            }
        };
        openEach(subscribers, i -> {
            String user = "bench-sub-" + i;
            String room = room(i % rooms);
            URI base = urls.get(i % urls.size());
            URI uri = URI.create("grpc://" + base.getHost() + ":" + grpcPort + "/" + URLEncoder.encode(user, StandardCharsets.UTF_8));
            SwitchboardClient client = SwitchboardClient.builder(uri).eventLoopGroup(group).localAddress(sourceAddress(i))
                    .reconnect(false).listener(listener).build();
            out.add(client);
            members[i % rooms]++;
            return client.connect().thenCompose(connected -> client.join(room));
        }, progress);
    }

    /**
     * Opens {@code count} clients with {@code open} (which answers when client i is connected and
     * in its rooms), at most 256 at a time, reporting progress; waits for all of them.
     */
    private static void openEach(int count, IntFunction<CompletableFuture<?>> open, Progress progress) {
        Semaphore inFlight = new Semaphore(256);
        List<CompletableFuture<?>> ready = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        for (int i = 0; i < count; i++) {
            inFlight.acquireUninterruptibly();
            ready.add(open.apply(i).whenComplete((v, e) -> {
                inFlight.release();
                done.incrementAndGet();
            }));
            progress.connecting(done.get(), count);
        }
        CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0])).orTimeout(120, TimeUnit.SECONDS).join();
    }

    private InetAddress sourceAddress(int i) {
        if (sourceAddresses == 1) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i % sourceAddresses)});
        } catch (IOException e) {
            throw new IllegalStateException("127.0.0.x is always a valid address", e);
        }
    }

    private static String room(int index) {
        return "bench-" + index;
    }

    private static int roomIndex(String room) {
        return Integer.parseInt(room.substring("bench-".length()));
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Counts deliveries and records latency for messages sent inside the measurement window. */
    private final class Counting implements BenchConnection.Listener {
        @Override
        public void onMessage(long sentNanos) {
            if (sentNanos >= windowStart && sentNanos < windowEnd) {
                delivered.increment();
                latency.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
            }
        }

        @Override
        public void onError(String description) {
            errors.increment();
        }

        @Override
        public void onClose() {
            // A connection closing before the end shows up as missing deliveries.
        }
    }
}
