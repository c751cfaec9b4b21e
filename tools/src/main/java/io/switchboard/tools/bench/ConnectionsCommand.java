package io.switchboard.tools.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoopGroup;
import io.switchboard.client.ClientEventLoops;
import io.switchboard.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench connections}: opens N idle connections (each in one room), holds
 * them, and reports how long they took to open and what they cost the server in memory, read
 * from its {@code /metrics} (heap and Netty direct memory in use) before and after. Heap use
 * rises and falls with garbage collection, so each side takes the lowest of its samples, which
 * is the closest to what is live.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Open and hold idle connections; report connect latency and server memory per connection.")
final class ConnectionsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Server base URL, e.g. ws://127.0.0.1:8080 (clients use /ws/{user}).")
    URI url;

    @Option(names = "--connections", defaultValue = "1000", description = "Connections to open (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--hold", defaultValue = "10", description = "Seconds to hold them, sampling memory (default: ${DEFAULT-VALUE}).")
    int hold;

    @Option(names = "--baseline", defaultValue = "5",
            description = "Seconds of memory samples before connecting (default: ${DEFAULT-VALUE}).")
    int baseline;

    @Option(names = "--rooms", defaultValue = "100", description = "Rooms the connections are spread over (default: ${DEFAULT-VALUE}).")
    int rooms;

    @Option(names = "--source-addresses", defaultValue = "1",
            description = "Spread connections over source addresses 127.0.0.1 .. 127.0.0.N (default: ${DEFAULT-VALUE}).")
    int sourceAddresses;

    @Option(names = "--metrics", description = "The server's metrics URL (default: http://HOST:PORT/metrics of the URL).")
    URI metricsUrl;

    @Option(names = "--io-threads", defaultValue = "0", description = "Client event loops; 0 = one per core.")
    int ioThreads;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** What the scenario measured. */
    record Report(@JsonProperty("scenario") String scenario, @JsonProperty("url") String url,
                  @JsonProperty("connections") int connections, @JsonProperty("opened") long opened,
                  @JsonProperty("failed") long failed, @JsonProperty("connect_ms") Latency connectMs,
                  @JsonProperty("server_connections") Double serverConnections,
                  @JsonProperty("heap_bytes_before") Double heapBefore, @JsonProperty("heap_bytes_after") Double heapAfter,
                  @JsonProperty("direct_bytes_before") Double directBefore,
                  @JsonProperty("direct_bytes_after") Double directAfter,
                  @JsonProperty("bytes_per_connection") Double bytesPerConnection) {
    }

    record Latency(@JsonProperty("p50") double p50, @JsonProperty("p90") double p90, @JsonProperty("p99") double p99,
                   @JsonProperty("p999") double p999, @JsonProperty("max") double max) {
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || hold < 1 || baseline < 1 || rooms < 1 || sourceAddresses < 1 || sourceAddresses > 254) {
            throw new ParameterException(spec.commandLine(), "counts and seconds must be positive, source addresses 1 to 254");
        }
        URI metrics = metricsUrl != null ? metricsUrl
                : URI.create(("wss".equals(url.getScheme()) ? "https" : "http") + "://" + url.getAuthority() + "/metrics");
        HttpClient http = HttpClient.newHttpClient();
        Progress progress = new Progress("connections");
        progress.phase("sampling server memory for " + baseline + " s");
        Memory before = sample(http, metrics, baseline, progress);

        EventLoopGroup group = ClientEventLoops.create(ioThreads, "bench");
        List<BenchConnection> connections = new ArrayList<>();
        Recorder connectLatency = new Recorder(3);
        AtomicLong opened = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try {
            progress.phase("opening " + count + " connections");
            Semaphore inFlight = new Semaphore(256);
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                String user = "bench-idle-" + i;
                long start = System.nanoTime();
                BenchConnection connection = BenchConnection.open(group,
                        url.resolve("/ws/" + URLEncoder.encode(user, StandardCharsets.UTF_8)), source(i), new Idle());
                connections.add(connection);
                ObjectNode join = Json.mapper().createObjectNode().put("type", "join_room").put("room", "idle-" + (i % rooms));
                all.add(connection.connected()
                        .thenRun(() -> connectLatency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000)))
                        .thenCompose(v -> connection.request(join))
                        .whenComplete((v, e) -> {
                            inFlight.release();
                            if (e == null) {
                                opened.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        }));
                progress.connecting(opened.get(), count);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                    .orTimeout(300, TimeUnit.SECONDS).join();
            progress.phase(opened.get() + " open, " + failed.get() + " failed; holding for " + hold + " s");
            Memory after = sample(http, metrics, hold, progress);
            progress.done();

            Histogram h = connectLatency.getIntervalHistogram();
            boolean measured = before != null && after != null;
            Double perConnection = !measured || opened.get() == 0 ? null
                    : ((after.heap - before.heap) + (after.direct - before.direct)) / opened.get();
            Report report = new Report("connections", url.toString(), count, opened.get(), failed.get(),
                    new Latency(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                            h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                            h.getMaxValue() / 1000.0),
                    measured ? after.connections : null, measured ? before.heap : null, measured ? after.heap : null,
                    measured ? before.direct : null, measured ? after.direct : null, perConnection);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                print(out, report);
            }
            out.flush();
            return failed.get() == 0 ? 0 : 1;
        } finally {
            connections.forEach(BenchConnection::close);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void print(PrintWriter out, Report r) {
        out.printf(Locale.ROOT, "%-16s %s%n", "scenario", "connections against " + r.url());
        out.printf(Locale.ROOT, "%-16s %d of %d (%d failed)%n", "opened", r.opened(), r.connections(), r.failed());
        out.printf(Locale.ROOT, "%-16s p50 %.2f, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f ms%n", "connect",
                r.connectMs().p50(), r.connectMs().p90(), r.connectMs().p99(), r.connectMs().p999(), r.connectMs().max());
        if (r.bytesPerConnection() == null) {
            out.printf(Locale.ROOT, "%-16s %s%n", "server memory", "not measured (no Switchboard /metrics)");
            return;
        }
        out.printf(Locale.ROOT, "%-16s %.0f%n", "server counts", r.serverConnections());
        out.printf(Locale.ROOT, "%-16s heap %.1f -> %.1f MiB, direct %.1f -> %.1f MiB%n", "server memory",
                r.heapBefore() / 1048576, r.heapAfter() / 1048576, r.directBefore() / 1048576, r.directAfter() / 1048576);
        out.printf(Locale.ROOT, "%-16s %.0f bytes (%.1f KiB)%n", "per connection", r.bytesPerConnection(),
                r.bytesPerConnection() / 1024);
    }

    /** Server memory: the lowest heap and direct use seen over {@code seconds} of samples, and its connection count. */
    private record Memory(double heap, double direct, double connections) {
    }

    private static Memory sample(HttpClient http, URI metrics, int seconds, Progress progress)
            throws InterruptedException {
        try {
            return samples(http, metrics, seconds, progress);
        } catch (IOException | IllegalStateException e) {
            progress.phase("cannot read server memory from " + metrics + " (" + e.getMessage()
                    + "); going on without it");
            return null;
        }
    }

    private static Memory samples(HttpClient http, URI metrics, int seconds, Progress progress)
            throws IOException, InterruptedException {
        double heap = Double.MAX_VALUE;
        double direct = Double.MAX_VALUE;
        double connections = 0;
        for (int s = 0; s < seconds; s++) {
            if (s > 0) {
                progress.sleepTick();
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("jvm_memory_used_bytes")) {
                throw new IllegalStateException("no Switchboard metrics there (status " + response.statusCode() + ")");
            }
            String text = response.body();
            heap = Math.min(heap, sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
            direct = Math.min(direct, sum(text, "netty_direct_memory_used_bytes", ""));
            connections = sum(text, "switchboard_connections", "");
        }
        return new Memory(heap, direct, connections);
    }

    /** The sum of a metric's samples whose labels contain {@code label}. */
    static double sum(String exposition, String name, String label) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name) && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                    && line.contains(label)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private InetAddress source(int i) throws IOException {
        return sourceAddresses == 1 ? null
                : InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i % sourceAddresses)});
    }

    /** Idle connections expect nothing. */
    private static final class Idle implements BenchConnection.Listener {
        @Override
        public void onMessage(long sentNanos) {
            // Idle connections receive no messages; join events are not counted.
        }

        @Override
        public void onError(String description) {
            // An error frame fails the request it answers, which counts it.
        }

        @Override
        public void onClose() {
            // Closing is expected at the end; a connection lost earlier shows in the server's count.
        }
    }
}
