package io.switchboard.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.server.api.ApiKeys;
import io.switchboard.server.api.ServerApi;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.InsecureAuthenticator;
import io.switchboard.server.auth.JwtAuthenticator;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.broker.MemoryBroker;
import io.switchboard.server.broker.RedisBroker;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.IoTransport;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryStore;
import io.switchboard.server.history.MemoryHistoryStore;
import io.switchboard.server.redis.RedisHistoryStore;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.node.Node;
import io.switchboard.server.node.NodeLiveness;
import io.switchboard.server.presence.MemoryPresenceStore;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RedisPresenceStore;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisShards;
import io.switchboard.server.config.PortInUse;
import io.switchboard.server.config.RedisUris;
import io.switchboard.server.transport.Cors;
import io.switchboard.server.transport.EventLoops;
import io.switchboard.server.transport.HttpChannelInitializer;
import io.switchboard.server.transport.TlsContexts;
import io.switchboard.server.transport.grpc.GrpcServer;
import io.switchboard.server.transport.http.HttpRouter;
import io.switchboard.server.transport.http.StaticFiles;
import io.switchboard.server.transport.stream.StreamEndpoints;
import io.switchboard.server.transport.websocket.WebSocketUpgrade;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Switchboard node: wires transports, node, broker, presence and hub, and runs them. */
public final class SwitchboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
    private static final long SHUTDOWN_GRACE_MILLIS = 1000;
    private static final long DRAIN_POLL_MILLIS = 20;

    private final ServerConfig config;
    private final EventLoops loops;
    private final Broker broker;
    private final PresenceStore presence;
    private final HistoryStore history;
    private final Hub hub;
    private final Node node;
    private final NodeMetrics metrics;
    private final RedisShards redis;
    private final NodeLiveness liveness;
    private final Channel serverChannel;
    private final GrpcServer grpc;
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private volatile boolean running = true;
    private volatile boolean draining;
    /** Set by the first of drain() and close() to start each, so that neither runs twice. */
    private final java.util.concurrent.atomic.AtomicBoolean drainStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean closeStarted = new java.util.concurrent.atomic.AtomicBoolean();

    private SwitchboardServer(ServerConfig config) {
        this.config = config;
        // What start-up has opened so far, closed again (last first) when a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Authenticator authenticator = authenticator(config);
            EventLoops eventLoops = EventLoops.create(config.network().transport(), config.network().ioThreads());
            opened.push(eventLoops::close);
            this.loops = eventLoops;
            ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
            NodeMetrics nodeMetrics = new NodeMetrics(config.network().nodeId());
            opened.push(nodeMetrics);
            this.metrics = nodeMetrics;
            this.hub = new Hub(loops.group(), allocator, metrics);
            if (config.cluster().redisUri() != null) {
                this.redis = connectRedis(config, opened);
                this.broker = new RedisBroker(redis, config.network().nodeId(), config.cluster().unsubscribeGrace(),
                        config.history().metaTtl(), Broker.IDEMPOTENCY_WINDOW, config.cluster().positionCheckInterval());
                this.presence = new RedisPresenceStore(redis.home(), config.network().nodeId(), config.cluster().nodeTimeout());
                this.history = new RedisHistoryStore(redis, config.history().metaTtl());
            } else {
                this.redis = null;
                MemoryHistoryStore streams = new MemoryHistoryStore();
                this.broker = new MemoryBroker(streams);
                this.presence = new MemoryPresenceStore();
                this.history = streams;
            }
            Broker startedBroker = broker;
            PresenceStore presenceStore = presence;
            opened.push(presenceStore);
            opened.push(startedBroker::close);
            broker.start(hub);
            this.node = new Node(config, hub, broker, presence, history, authenticator, metrics, System::currentTimeMillis);
            metrics.brokerState(broker::isHealthy);
            if (broker instanceof RedisBroker redisBroker) {
                metrics.positionChecks(redisBroker, RedisBroker::streamsLooked, RedisBroker::streamsBehind);
            }
            this.liveness = redis == null ? null
                    : new NodeLiveness(node, presence, loops.group().next(), config.cluster().heartbeatInterval());
            if (!authenticator.isSecure()) {
                log.warn("INSECURE MODE: no authentication is configured; any client may connect as any user "
                        + "through /ws/{user_id}, /sse/{user_id} and /poll/{user_id}, and the server API under /api/v1 "
                        + "is open to anyone. Configure authentication before exposing this node.");
            }
            if (authenticator.isSecure() && config.security().apiKeys().isEmpty()) {
                log.warn("JWT authentication is configured but no server API key is: every /api/v1 call is refused "
                        + "until one is configured (--api-key NAME=KEY)");
            }
            ConnectionLimits limits = new ConnectionLimits(config.limits(), System::nanoTime);
            List<String> httpHandlers = new ArrayList<>(HttpChannelInitializer.HTTP_ONLY);
            httpHandlers.add(HttpRouter.NAME);
            WebSocketUpgrade webSocket = new WebSocketUpgrade(config, authenticator, node, limits, httpHandlers);
            StreamEndpoints streams = new StreamEndpoints(config, authenticator, node, limits);
            // One budget per key whichever API it calls, REST or gRPC.
            RateLimiter apiLimiter = new RateLimiter(config.limits().apiRequestsPerSecond(), config.limits().apiBurst(), System::nanoTime);
            ApiKeys apiKeys = new ApiKeys(config.security().apiKeys(), authenticator.isSecure());
            ServerApi api = new ServerApi(node, apiLimiter, apiKeys);
            SslContext tls = TlsContexts.server(config.tls());
            StaticFiles files = new StaticFiles(authenticator.isSecure());
            int queue = config.connections().outboundQueueBytes();
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(loops.group())
                    .channel(loops.serverChannelType())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Bound first (a taken port fails here, before anything changes in Redis),
                    // accepting once the node is registered.
                    .option(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(queue / 2, queue))
                    .childHandler(new HttpChannelInitializer(
                            () -> new HttpRouter(webSocket, streams, api, this::isReady, this::isAccepting, this::scrapeMetrics,
                                    config.security().metricsRequireApiKey(), files),
                            connections, tls, Cors.config(config.security().allowedOrigins()), config));
            ChannelFuture bound = bootstrap.bind(config.network().host(), config.network().port()).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                if (PortInUse.causedBy(bound.cause())) {
                    throw new PortInUse(config.network().host(), config.network().port(), "--port", "port", bound.cause());
                }
                throw new IllegalStateException("cannot listen on " + config.network().host() + ":" + config.network().port() + ": "
                        + bound.cause().getMessage(), bound.cause());
            }
            Channel listening = bound.channel();
            opened.push(() -> listening.close().syncUninterruptibly());
            this.serverChannel = listening;
            if (liveness != null) {
                // The first beat clears what an earlier run of this node id left in the presence
                // store; it waits for it, before any client connects.
                liveness.start();
                opened.push(liveness);
            }
            GrpcServer grpcServer = config.grpc().port() < 0 ? null : GrpcServer.start(config, loops, tls, node,
                    authenticator, apiKeys, apiLimiter, limits, this::isReady);
            if (grpcServer != null) {
                opened.push(() -> grpcServer.close(Duration.ZERO));
            }
            this.grpc = grpcServer;
            listening.config().setAutoRead(true);
            listening.read();
        } catch (Throwable e) {
            // Throwable: Netty's sync() rethrows checked exceptions as they are (a BindException).
            closeAfterFailedStart(opened, e);
            throw e;
        }
        InetSocketAddress address = address();
        log.info("node {} listening on {}:{}{} ({}, {} transport, {} event loops, {})",
                config.network().nodeId(), address.getHostString(), address.getPort(),
                grpc == null ? "" : ", gRPC on " + address.getHostString() + ":" + grpc.port(),
                config.tls().enabled() ? "TLS: h2, http/1.1" : "clear text: http/1.1, h2c", loops.kind(),
                loops.threads(), redis == null ? "memory broker" : "Redis broker at " + RedisUris.redacted(config.cluster().redisUri()));
    }

    /**
     * The Redis of a cluster of nodes: a Redis Cluster (every URI a seed node of it), or one or
     * more Redis servers with streams sharded over them.
     */
    private RedisShards connectRedis(ServerConfig config, Deque<AutoCloseable> opened) {
        List<String> uris = RedisUris.split(config.cluster().redisUri());
        if (config.cluster().redisCluster()) {
            RedisConnector cluster = RedisConnector.connectCluster(uris, config.cluster().redisPrefix(),
                    config.cluster().redisCommandTimeout(), metrics.registry(), metrics::brokerReconnected,
                    RedisConnector.clientName(config.network().nodeId()));
            opened.push(cluster::close);
            return RedisShards.of(cluster);
        }
        List<RedisConnector> connectors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String uri : uris) {
            RedisConnector connector = RedisConnector.connect(uri, config.cluster().redisPrefix(),
                    config.cluster().redisCommandTimeout(), metrics.registry(), metrics::brokerReconnected,
                    RedisConnector.clientName(config.network().nodeId()));
            opened.push(connector::close);
            connectors.add(connector);
            names.add(RedisUris.instance(uri));
        }
        return new RedisShards(connectors, names);
    }

    /** Closes what a failed start-up opened, last first; what fails to close is added to {@code failure}. */
    private static void closeAfterFailedStart(Deque<AutoCloseable> opened, Throwable failure) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception | Error e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static Authenticator authenticator(ServerConfig config) {
        if (!config.security().jwt().configured()) {
            return new InsecureAuthenticator();
        }
        try {
            return new JwtAuthenticator(config.security().jwt());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("jwt", e.getMessage());
        }
    }

    /**
     * Starts a node; returns once it accepts connections.
     *
     * @throws InvalidConfigException when a token key cannot be read or used
     */
    public static SwitchboardServer start(ServerConfig config) {
        return new SwitchboardServer(config);
    }

    /** The address the node listens on (with the real port when {@code 0} was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Ready for traffic: running, not draining, and the broker can move publications. */
    public boolean isReady() {
        return isAccepting() && broker.isHealthy();
    }

    /** Whether new client connections are taken: not once the node drains or stops. */
    public boolean isAccepting() {
        return running && !draining;
    }

    /**
     * The first half of a graceful stop: readiness goes to 503 and new client connections are
     * refused (503, gRPC GOAWAY); every session is told to reconnect elsewhere ({@code disconnect}
     * with {@code reconnect: true}, close 1012; gRPC {@code UNAVAILABLE}); then waits up to
     * {@code timeout} for the clients to go. {@link #close()} does the rest.
     */
    public void drain(Duration timeout) {
        if (!running || !drainStarted.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        log.info("node {} draining: refusing new connections, asking {} to reconnect elsewhere",
                config.network().nodeId(), hub.stats().join().sessions() + " session(s)");
        if (grpc != null) {
            grpc.shutdown();
        }
        hub.closeAll(CloseCodes.SERVICE_RESTART, "server restarting").join();
        // Each session's end is a task of its own loop: wait until the hub holds none.
        while (hub.stats().join().sessions() > 0 && System.nanoTime() < deadline) {
            connections.newCloseFuture().awaitUninterruptibly(DRAIN_POLL_MILLIS);
        }
        int left = hub.stats().join().sessions();
        if (left > 0) {
            log.info("node {}: {} session(s) still open after the drain timeout; closing them", config.network().nodeId(), left);
        }
    }

    /** The metrics in Prometheus form, with the local index's counts taken now. */
    private CompletionStage<String> scrapeMetrics() {
        return hub.stats().thenApply(stats -> {
            metrics.index(stats.rooms(), stats.users());
            return metrics.scrape();
        });
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /** The port gRPC listens on, or {@code -1} when the node serves no gRPC. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    /** Open TCP connections (HTTP/2 streams share theirs). */
    public int openConnections() {
        return connections.size();
    }

    /** The I/O transport the event loops run on. */
    public IoTransport transport() {
        return loops.kind();
    }

    public ServerConfig config() {
        return config;
    }

    public Hub hub() {
        return hub;
    }

    public Node node() {
        return node;
    }

    /** Stops accepting, closes every connection, and releases the event loops. */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true)) {
            return;
        }
        running = false;
        log.info("node {} stopping", config.network().nodeId());
        serverChannel.close().syncUninterruptibly();
        if (grpc != null) {
            grpc.shutdown();
        }
        hub.closeAll(CloseCodes.GOING_AWAY, "server shutting down").join();
        if (grpc != null) {
            grpc.close(Duration.ofMillis(SHUTDOWN_GRACE_MILLIS));
        }
        if (liveness != null) {
            liveness.close();
            // Leave the cluster now rather than when the heartbeat expires: the others see this
            // node's users go offline at once.
            node.departCluster().toCompletableFuture().orTimeout(SHUTDOWN_GRACE_MILLIS * 2, TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> {
                        log.warn("node {}: could not remove its presence from the cluster: {}",
                                config.network().nodeId(), failure.toString());
                        return null;
                    }).join();
        }
        // Give clients a moment to answer the close; whatever is left is dropped with the loops.
        connections.newCloseFuture().awaitUninterruptibly(SHUTDOWN_GRACE_MILLIS);
        connections.close().awaitUninterruptibly(SHUTDOWN_GRACE_MILLIS);
        loops.close();
        closeBackends();
        metrics.close();
        log.info("node {} stopped", config.network().nodeId());
    }

    private void closeBackends() {
        if (liveness != null) {
            liveness.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (presence != null) {
            presence.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
