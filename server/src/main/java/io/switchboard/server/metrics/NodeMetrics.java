package io.switchboard.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.hub.FanoutListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * What a node counts, in Prometheus form at {@code /metrics}: connections by transport, rooms
 * and users, commands by type and result, publications, deliveries, the time from a
 * publication reaching the node to its write on the sockets, disconnects by reason, the broker's
 * state and reconnects, Redis command latency (Lettuce's own), JVM and Netty memory. Recording
 * is thread-safe and cheap on the delivery path (one add per frame per event loop).
 */
public final class NodeMetrics implements FanoutListener, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Map<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final Counter roomPublications;
    private final Counter directPublications;
    private final LongAdder deliveries = new LongAdder();
    private final Timer publishToWrite;
    private final AtomicLong rooms = new AtomicLong();
    private final AtomicLong users = new AtomicLong();
    private final Counter brokerReconnects;
    private final JvmGcMetrics gc;

    /** Meters of a node, with the JVM's and Netty's own. */
    public NodeMetrics(String nodeId) {
        this(nodeId, true);
    }

    /**
     * Meters of the node alone, without the JVM's (which listen to the garbage collector until
     * closed): for nodes made without a server around them, as in unit tests.
     */
    public static NodeMetrics nodeOnly(String nodeId) {
        return new NodeMetrics(nodeId, false);
    }

    private NodeMetrics(String nodeId, boolean process) {
        this.gc = process ? new JvmGcMetrics() : null;
        registry.config().commonTags("node", nodeId);
        roomPublications = Counter.builder("switchboard.publications").tag("target", "room")
                .description("Messages published to rooms, by clients and the server API").register(registry);
        directPublications = Counter.builder("switchboard.publications").tag("target", "user")
                .description("Direct messages sent").register(registry);
        FunctionCounter.builder("switchboard.deliveries", deliveries, LongAdder::sum)
                .description("Frames written to local connections by the fan-out").register(registry);
        publishToWrite = Timer.builder("switchboard.publish.to.write")
                .description("From a publication reaching this node (from its broker) to its write on every "
                        + "local connection of one event loop")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("switchboard.rooms", rooms, AtomicLong::get)
                .description("Rooms with local members (as of the last scrape)").register(registry);
        Gauge.builder("switchboard.users", users, AtomicLong::get)
                .description("Users with local connections (as of the last scrape)").register(registry);
        brokerReconnects = Counter.builder("switchboard.broker.reconnects")
                .description("Times the connection to the broker (Redis) came back after it was lost").register(registry);
        for (String transport : new String[] {"websocket", "sse", "poll", "grpc", "grpc-subscribe"}) {
            connections(transport);
        }
        if (!process) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("netty.direct.memory.used", PlatformDependent::usedDirectMemory)
                .description("Direct memory Netty has reserved (-1 when it does not count)").baseUnit("bytes")
                .register(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider) {
            ByteBufAllocatorMetricProvider allocator = (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
            Gauge.builder("netty.allocator.memory.used", () -> allocator.metric().usedDirectMemory())
                    .tag("memory", "direct").baseUnit("bytes").register(registry);
            Gauge.builder("netty.allocator.memory.used", () -> allocator.metric().usedHeapMemory())
                    .tag("memory", "heap").baseUnit("bytes").register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Reports whether the broker is up as {@code switchboard_broker_up} (1 or 0). */
    public void brokerState(BooleanSupplier up) {
        Gauge.builder("switchboard.broker.up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the broker (Redis, or the memory broker) moves publications").register(registry);
    }

    /**
     * Reports the broker's position checks: how many looks at the streams it follows it has
     * made ({@code switchboard_position_checks_total}) and how many streams it found behind Redis
     * ({@code switchboard_position_lost_total}). Micrometer holds {@code broker} weakly: it must
     * live as long as the node, as the node's broker does.
     */
    public <T> void positionChecks(T broker, ToDoubleFunction<T> checks, ToDoubleFunction<T> lost) {
        FunctionCounter.builder("switchboard.position.checks", broker, checks)
                .description("looks at the streams this node follows, compared with Redis").register(registry);
        FunctionCounter.builder("switchboard.position.lost", broker, lost)
                .description("streams found behind Redis by a position check, their subscribers told to recover")
                .register(registry);
    }

    public void brokerReconnected() {
        brokerReconnects.increment();
    }

    private AtomicInteger connections(String transport) {
        return connections.computeIfAbsent(transport, t -> registry.gauge("switchboard.connections",
                io.micrometer.core.instrument.Tags.of("transport", t), new AtomicInteger()));
    }

    public void connectionOpened(String transport) {
        connections(transport).incrementAndGet();
    }

    public void connectionClosed(String transport) {
        connections(transport).decrementAndGet();
    }

    /** Open connections by transport, each transport the node has counted (zeros included), sorted. */
    public Map<String, Integer> connectionsByTransport() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        connections.forEach((transport, count) -> counts.put(transport, count.get()));
        return counts;
    }

    /** Messages published to rooms through this node so far. */
    public long roomPublications() {
        return (long) roomPublications.count();
    }

    /** Direct messages sent through this node so far. */
    public long directPublications() {
        return (long) directPublications.count();
    }

    /** Frames written to local connections by the fan-out so far. */
    public long deliveries() {
        return deliveries.sum();
    }

    /** A command served or refused: {@code result} is {@code ok} or the error code. */
    public void command(String type, String result) {
        commands.computeIfAbsent(type + '\n' + result, k -> Counter.builder("switchboard.commands")
                .tag("type", type).tag("result", result)
                .description("Client commands by type and result").register(registry)).increment();
    }

    public void published(boolean toRoom) {
        (toRoom ? roomPublications : directPublications).increment();
    }

    /** One frame written to {@code connections} local connections, {@code sinceArrival} after it reached the node. */
    @Override
    public void delivered(int connections, long sinceArrivalNanos) {
        if (connections > 0) {
            deliveries.add(connections);
            publishToWrite.record(sinceArrivalNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A connection the server closed on purpose, by the reason its close code stands for. */
    public void disconnected(int closeCode) {
        String reason = reason(closeCode);
        disconnects.computeIfAbsent(reason, r -> Counter.builder("switchboard.disconnects").tag("reason", r)
                .description("Connections the server closed, by reason").register(registry)).increment();
    }

    /** The local index's counts, taken when the node is scraped. */
    public void index(long roomCount, long userCount) {
        rooms.set(roomCount);
        users.set(userCount);
    }

    static String reason(int code) {
        switch (code) {
            case CloseCodes.SLOW_CONSUMER:
                return "slow_consumer";
            case CloseCodes.RATE_LIMITED:
                return "rate_limited";
            case CloseCodes.UNAUTHORIZED:
                return "unauthorized";
            case CloseCodes.FORBIDDEN:
                return "forbidden";
            case CloseCodes.MESSAGE_TOO_BIG:
                return "too_large";
            case CloseCodes.GOING_AWAY:
                return "going_away";
            case CloseCodes.SERVICE_RESTART:
                return "restart";
            case CloseCodes.TRY_AGAIN_LATER:
                return "unavailable";
            case CloseCodes.INTERNAL_ERROR:
                return "internal";
            default:
                return "other";
        }
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
