package io.switchboard.tools.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.Value;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.grpc.v1.PublishReply;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.PublishSummary;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench grpc-publish}: how fast a backend publishes through the gRPC server
 * API, one call per message ({@code Publish}, with a window of calls in flight) against one
 * stream of them ({@code PublishStream}, gRPC flow control pacing the sender).
 */
@Command(name = "grpc-publish", mixinStandardHelpOptions = true,
        description = "Publish through the gRPC server API: unary calls against one client stream.")
final class GrpcPublishCommand implements Callable<Integer> {
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "The node's gRPC address, e.g. grpc://127.0.0.1:9090.")
    URI url;

    @Option(names = "--mode", defaultValue = "both", description = "unary, stream or both (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--messages", defaultValue = "50000", description = "Messages per mode (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--warmup", defaultValue = "5000", description = "Messages sent first, unmeasured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--in-flight", defaultValue = "64",
            description = "Unary calls in flight at once (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--size", defaultValue = "100", description = "Bytes of each message's content (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--room", defaultValue = "bench", description = "The room published to (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(names = "--api-key", description = "A server API key, when the node requires one.")
    String apiKey;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    /** One mode's result: messages per second, and for unary calls their latency in ms. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Result(@JsonProperty("mode") String mode, @JsonProperty("messages") long messages,
                  @JsonProperty("seconds") double seconds,
                  @JsonProperty("messages_per_second") double messagesPerSecond, @JsonProperty("errors") long errors,
                  @JsonProperty("p50_ms") Double p50Ms, @JsonProperty("p99_ms") Double p99Ms,
                  @JsonProperty("p999_ms") Double p999Ms, @JsonProperty("max_ms") Double maxMs) {
    }

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("unary") && !mode.equals("stream") && !mode.equals("both")) {
            spec.commandLine().getErr().println("--mode must be unary, stream or both");
            return 2;
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort())
                .usePlaintext().maxInboundMessageSize(16 * 1024 * 1024).build();
        try {
            ServerApiGrpc.ServerApiStub api = ServerApiGrpc.newStub(channel);
            if (apiKey != null) {
                Metadata headers = new Metadata();
                headers.put(API_KEY, apiKey);
                api = api.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            Progress progress = new Progress("grpc-publish");
            List<Result> results = new ArrayList<>();
            if (!mode.equals("stream")) {
                progress.phase("unary: " + warmup + " warm-up calls");
                unary(api, warmup, null);
                progress.phase("unary: " + messages + " calls, " + inFlight + " in flight");
                results.add(unary(api, messages, progress));
            }
            if (!mode.equals("unary")) {
                progress.phase("stream: " + warmup + " warm-up messages");
                stream(api, warmup, null);
                progress.phase("stream: " + messages + " messages");
                results.add(stream(api, messages, progress));
            }
            progress.done();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
            } else {
                out.printf(Locale.ROOT, "%-7s %10s %9s %12s %7s %9s %9s %9s %9s%n",
                        "mode", "messages", "seconds", "msg/s", "errors", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
                for (Result r : results) {
                    out.printf(Locale.ROOT, "%-7s %10d %9.2f %12.0f %7d %9s %9s %9s %9s%n", r.mode(), r.messages(),
                            r.seconds(), r.messagesPerSecond(), r.errors(), ms(r.p50Ms()), ms(r.p99Ms()),
                            ms(r.p999Ms()), ms(r.maxMs()));
                }
            }
            out.flush();
            return results.stream().allMatch(r -> r.errors() == 0) ? 0 : 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private PublishRequest request(long n) {
        String padding = "x".repeat(Math.max(0, size - 12));
        return PublishRequest.newBuilder().setRoom(room)
                .setContent(Value.newBuilder().setStringValue(n + ":" + padding)).build();
    }

    /** {@code count} {@code Publish} calls, at most {@code --in-flight} at once. */
    private Result unary(ServerApiGrpc.ServerApiStub api, int count, Progress progress) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long lastReport = start;
        for (int i = 0; i < count; i++) {
            window.acquire();
            long sent = System.nanoTime();
            api.publish(request(i), new StreamObserver<>() {
                @Override
                public void onNext(PublishReply reply) {
                    latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                }

                @Override
                public void onError(Throwable t) {
                    errors.incrementAndGet();
                    done.incrementAndGet();
                    window.release();
                }

                @Override
                public void onCompleted() {
                    done.incrementAndGet();
                    window.release();
                }
            });
            long now = System.nanoTime();
            if (progress != null && now - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                lastReport = now;
                progress.phase(String.format(Locale.ROOT, "unary: %d/%d acknowledged, errors %d", done.get(), count,
                        errors.get()));
            }
        }
        window.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = latency.getIntervalHistogram();
        return new Result("unary", count, seconds, count / seconds, errors.get(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    /** One {@code PublishStream} of {@code count} messages, sent as fast as flow control lets it. */
    private Result stream(ServerApiGrpc.ServerApiStub api, int count, Progress progress) {
        CompletableFuture<PublishSummary> summary = new CompletableFuture<>();
        long start = System.nanoTime();
        api.publishStream(new ClientResponseObserver<PublishRequest, PublishSummary>() {
            private long next;
            private long lastReport = start;

            @Override
            public void beforeStart(ClientCallStreamObserver<PublishRequest> requests) {
                requests.setOnReadyHandler(() -> {
                    while (requests.isReady() && next < count) {
                        requests.onNext(request(next++));
                    }
                    long now = System.nanoTime();
                    if (progress != null && now - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                        lastReport = now;
                        progress.phase(String.format(Locale.ROOT, "stream: %d/%d sent", next, count));
                    }
                    if (next == count) {
                        next++;
                        requests.onCompleted();
                    }
                });
            }

            @Override
            public void onNext(PublishSummary value) {
                summary.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                summary.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                summary.complete(null);
            }
        });
        PublishSummary result = summary.orTimeout(10, TimeUnit.MINUTES).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        long errors = result == null ? count : count - result.getPublished();
        return new Result("stream", count, seconds, count / seconds, errors, null, null, null, null);
    }

    private static String ms(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }
}
