package io.switchboard.cli;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.config.RoomPolicy;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.transport.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code switchboard serve}: runs one node until SIGTERM or Ctrl-C, then stops it cleanly. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a Switchboard node (memory broker, insecure auth by default).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    /** Reads {@code --transport} values such as {@code epoll} or {@code nio}. */
    static final class TransportConverter implements picocli.CommandLine.ITypeConverter<EventLoops.Kind> {
        @Override
        public EventLoops.Kind convert(String value) {
            return EventLoops.Kind.parse(value);
        }
    }

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "0.0.0.0")
    String host;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).",
            defaultValue = "8080")
    int port;

    @Option(names = "--node-id", description = "This node's name (default: random).")
    String nodeId;

    @Option(names = "--io-threads", description = "Event loop threads; 0 = one per core (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int ioThreads;

    @Option(names = "--transport", description = "I/O transport: auto, epoll or nio (default: ${DEFAULT-VALUE}).",
            defaultValue = "auto", converter = TransportConverter.class)
    EventLoops.Kind transport;

    @Option(names = "--redis", description = "Form a cluster through this Redis, e.g. redis://127.0.0.1:6379 "
            + "(default: run alone, in memory).")
    String redis;

    @Option(names = "--history-size", defaultValue = "300",
            description = "Messages each room keeps for recovery; 0 keeps none (default: ${DEFAULT-VALUE}).")
    int historySize;

    @Option(names = "--history-ttl", defaultValue = "120",
            description = "Seconds a room's history is kept after its last message (default: ${DEFAULT-VALUE}).")
    long historyTtlSeconds;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve TLS (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", description = "Serve TLS with a certificate made at start-up (development only).")
    boolean tlsSelfSigned;

    @Option(names = "--allowed-origin", description = "An origin browsers may use the HTTP transports from "
            + "(CORS), e.g. https://app.example.com; repeatable; * allows any.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--jwt-secret", description = "Require tokens (JWT) signed with this HMAC secret "
            + "(HS256/384/512, at least 32 bytes); repeatable for key rotation.")
    List<String> jwtSecrets = new ArrayList<>();

    @Option(names = "--jwt-public-key", description = "Require tokens signed with the key in this PEM file "
            + "(RSA: RS*/PS*, EC: ES* of its curve); repeatable.")
    List<Path> jwtPublicKeys = new ArrayList<>();

    @Option(names = "--jwks", description = "Require tokens signed with a key of this JWKS file (chosen by kid).")
    Path jwks;

    @Option(names = "--jwt-issuer", description = "The iss every token must carry.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "An aud every token must carry.")
    String jwtAudience;

    @Option(names = "--jwt-leeway", defaultValue = "30s", converter = Durations.class,
            description = "Clock skew allowed on exp and nbf (default: ${DEFAULT-VALUE}).")
    Duration jwtLeeway;

    @Option(names = "--api-key", description = "NAME=KEY: a key of the server API (at least 16 characters); "
            + "repeatable. Every /api/v1 call then needs one.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--namespace", description = "NAME:OPTIONS for the rooms NAME:*, e.g. "
            + "news:publish=server,presence=false,join-leave=false; publish is members, anyone or server; "
            + "repeatable.")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--max-connections-per-user", defaultValue = "100",
            description = "Open connections one user may have on this node; 0 = no limit (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerUser;

    @Option(names = "--max-connections-per-ip", defaultValue = "0",
            description = "Open connections from one IP address; 0 = no limit (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--connection-rate-per-ip", defaultValue = "0",
            description = "New connections per second from one IP address (burst twice that); 0 = no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    double connectionRatePerIp;

    @Option(names = "--command-rate", defaultValue = "100",
            description = "Commands per second one connection may send; 0 = no limit (default: ${DEFAULT-VALUE}).")
    double commandRate;

    @Option(names = "--command-burst", defaultValue = "200",
            description = "Commands one connection may send at once (default: ${DEFAULT-VALUE}).")
    int commandBurst;

    @Option(names = "--max-frame-bytes", defaultValue = "65536",
            description = "Largest frame or message a client may send (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--max-json-depth", defaultValue = "32",
            description = "Deepest nesting of a command's JSON (default: ${DEFAULT-VALUE}).")
    int maxJsonDepth;

    @Option(names = "--max-rooms-per-connection", defaultValue = "128",
            description = "Rooms one connection may be in (default: ${DEFAULT-VALUE}).")
    int maxRoomsPerConnection;

    @Option(names = "--handshake-timeout", defaultValue = "10s", converter = Durations.class,
            description = "Time to finish TLS and send a whole HTTP request (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = Durations.class,
            description = "Time a WebSocket without a token has to send its connect frame (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--max-header-bytes", defaultValue = "8192",
            description = "Largest request head (headers) (default: ${DEFAULT-VALUE}).")
    int maxHeaderBytes;

    @Option(names = "--compression", description = "Offer permessage-deflate on WebSocket (off by default).")
    boolean compression;

    @Option(names = "--api-rate", defaultValue = "100",
            description = "Server API calls per second per key (REST and gRPC together) (default: ${DEFAULT-VALUE}).")
    double apiRate;

    @Option(names = "--api-burst", defaultValue = "200",
            description = "Server API calls one key may make at once (default: ${DEFAULT-VALUE}).")
    int apiBurst;

    @Option(names = "--grpc-port", defaultValue = "9090",
            description = "Port of the gRPC API; 0 picks a free one, -1 serves no gRPC (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--grpc-max-connection-age", defaultValue = "30m", converter = Durations.class,
            description = "Age at which a gRPC connection is asked to reconnect, so load balancers spread "
                    + "connections again (default: ${DEFAULT-VALUE}).")
    Duration grpcMaxConnectionAge;

    @Option(names = "--grpc-max-connection-age-grace", defaultValue = "1m", converter = Durations.class,
            description = "Time calls may go on after that (default: ${DEFAULT-VALUE}).")
    Duration grpcMaxConnectionAgeGrace;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig.Builder builder = ServerConfig.builder().host(host).port(port).ioThreads(ioThreads).transport(transport).redisUri(redis)
                .defaultHistory(new HistoryOptions(historySize, Duration.ofSeconds(historyTtlSeconds)))
                .tls(tlsCert, tlsKey).tlsSelfSigned(tlsSelfSigned);
        allowedOrigins.forEach(builder::allowedOrigin);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        ServerConfig config;
        try {
            builder.jwt(new JwtSettings(jwtSecrets, jwtPublicKeys, jwks, jwtIssuer, jwtAudience, jwtLeeway))
                    .maxConnectionsPerUser(maxConnectionsPerUser).maxConnectionsPerIp(maxConnectionsPerIp)
                    .connectionRatePerIp(connectionRatePerIp).commandRate(commandRate, commandBurst)
                    .maxFrameBytes(maxFrameBytes).maxJsonDepth(maxJsonDepth)
                    .maxRoomsPerConnection(maxRoomsPerConnection).handshakeTimeout(handshakeTimeout)
                    .connectTimeout(connectTimeout).maxHeaderBytes(maxHeaderBytes).compression(compression)
                    .grpcPort(grpcPort).grpcMaxConnectionAge(grpcMaxConnectionAge, grpcMaxConnectionAgeGrace)
                    .apiRate(apiRate, apiBurst);
            for (String apiKey : apiKeys) {
                int eq = apiKey.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidConfigException("api-key", "must be NAME=KEY");
                }
                builder.apiKey(apiKey.substring(0, eq), apiKey.substring(eq + 1));
            }
            for (String namespace : namespaces) {
                int colon = namespace.indexOf(':');
                if (colon <= 0) {
                    throw new InvalidConfigException("namespace", "must be NAME:OPTIONS, was '" + namespace + "'");
                }
                builder.namespacePolicy(namespace.substring(0, colon), RoomPolicy.parse(namespace.substring(colon + 1)));
            }
            config = builder.build();
        } catch (InvalidConfigException e) {
            log.error(e.getMessage());
            return 2;
        }
        // Handling the signals ourselves (not in a shutdown hook) lets a clean stop exit with 0.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        SwitchboardServer server;
        try {
            server = SwitchboardServer.start(config);
        } catch (InvalidConfigException e) {
            log.error(e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            log.error("cannot start: {}", e.getMessage());
            return 1;
        }
        try (server) {
            stop.await();
            log.info("signal received, shutting down");
        }
        return 0;
    }
}
