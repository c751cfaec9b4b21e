package io.switchboard.server.transport.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.SwitchboardGrpc;
import io.switchboard.server.api.ApiKeys;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.node.Node;
import io.switchboard.server.transport.EventLoops;
import io.switchboard.server.config.PortInUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The node's gRPC endpoint: {@code switchboard.v1.Switchboard} (client sessions),
 * {@code switchboard.v1.ServerApi}, {@code grpc.health.v1} and server reflection, on the node's
 * own event loops, over TLS when the node has it. Keepalive pings find dead peers; connections
 * are told to go (GOAWAY) after the maximum connection age, so that load balancers spread
 * long-lived HTTP/2 connections again.
 */
public final class GrpcServer implements AutoCloseable {
    /** How long keepalive pings from clients must be apart at least. */
    private static final Duration MIN_CLIENT_PING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Server server;
    private final HealthStatusManager health;
    private final ScheduledFuture<?> healthWatch;

    private GrpcServer(Server server, HealthStatusManager health, ScheduledFuture<?> healthWatch) {
        this.server = server;
        this.health = health;
        this.healthWatch = healthWatch;
    }

    /**
     * Starts serving on {@code config.grpc().port()}; {@code tls} is {@code null} for clear text;
     * {@code ready} is what health checks report.
     */
    public static GrpcServer start(ServerConfig config, EventLoops loops, SslContext tls, Node node,
                                   Authenticator authenticator, ApiKeys keys, RateLimiter apiLimiter,
                                   ConnectionLimits limits, BooleanSupplier ready) {
        EventLoopFinder finder = new EventLoopFinder(loops.group());
        GrpcCallAuth auth = new GrpcCallAuth(authenticator, keys, apiLimiter);
        ServiceDescriptor generated = SwitchboardGrpc.getServiceDescriptor();
        ServerServiceDefinition sessions = ServerServiceDefinition.builder(
                        ServiceDescriptor.newBuilder(SwitchboardGrpc.SERVICE_NAME)
                                .setSchemaDescriptor(generated.getSchemaDescriptor())
                                .addMethod(ClientSessions.CONNECT).build())
                .addMethod(ClientSessions.CONNECT, new ClientSessions(config.connections(), node, limits, finder).handler())
                .build();
        ServerServiceDefinition api = new ServerApiCalls(config.connections(), node, finder, apiLimiter, limits).service();
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.network().host(), config.grpc().port()))
                .bossEventLoopGroup(loops.group())
                .workerEventLoopGroup(loops.group())
                .channelType(loops.serverChannelType())
                // Calls run on the loop of their connection, like every other session of the node.
                .directExecutor()
                .maxInboundMessageSize(config.connections().maxFrameBytes())
                .maxInboundMetadataSize(config.network().maxHeaderBytes())
                .keepAliveTime(config.connections().pingInterval().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(config.connections().idleTimeout().minus(config.connections().pingInterval()).toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(MIN_CLIENT_PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionAge(config.grpc().maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(config.grpc().maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
                .handshakeTimeout(config.network().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .addService(ServerInterceptors.intercept(sessions, auth))
                .addService(ServerInterceptors.intercept(api, auth))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(reflectionV1Alpha());
        if (tls != null) {
            builder.sslContext(tls);
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            if (PortInUse.causedBy(e)) {
                throw new PortInUse(config.network().host(), config.grpc().port(), "--grpc-port", "grpc.port", e);
            }
            throw new UncheckedIOException("cannot serve gRPC on " + config.network().host() + ":" + config.grpc().port(), e);
        }
        Runnable report = () -> {
            ServingStatus status = ready.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
            health.setStatus(SwitchboardGrpc.SERVICE_NAME, status);
            health.setStatus(ServerApiGrpc.SERVICE_NAME, status);
        };
        report.run();
        ScheduledFuture<?> watch = loops.group().next().scheduleAtFixedRate(report,
                HEALTH_CHECK_INTERVAL.toMillis(), HEALTH_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return new GrpcServer(server, health, watch);
    }

    /** The port gRPC listens on (the real one when {@code 0} was asked for). */
    public int port() {
        return server.getPort();
    }

    /** Stops taking calls: new ones are refused, and clients are told to go (GOAWAY). */
    public synchronized void shutdown() {
        if (server.isShutdown()) {
            return;
        }
        healthWatch.cancel(false);
        health.enterTerminalState();
        server.shutdown();
    }

    /** Waits up to {@code grace} for the calls in flight, then cancels what is left. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    public void close(Duration grace) {
        shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    /**
     * Reflection as {@code grpc.reflection.v1alpha} too: the version many clients still ask for
     * (Python's {@code grpcio-reflection}, older {@code grpcurl}); deprecated upstream in favour
     * of v1, which is served as well.
     */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService reflectionV1Alpha() {
        return ProtoReflectionService.newInstance();
    }
}
