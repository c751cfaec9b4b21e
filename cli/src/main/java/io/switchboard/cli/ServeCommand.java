package io.switchboard.cli;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigTree;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code switchboard serve}: runs one node until SIGTERM or Ctrl-C, then drains and stops it.
 * Settings come from {@code --config FILE}, then {@code SWITCHBOARD_*} variables, then these
 * flags; a flag left out leaves the setting to the sources before it (defaults in
 * docs/configuration.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a Switchboard node (memory broker, insecure auth by default).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--config", description = "A YAML file of settings (see config/example.yml).")
    Path config;

    @Option(names = "--host", description = "Address to listen on (default 0.0.0.0).")
    String host;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default 8080).")
    String port;

    @Option(names = "--node-id", description = "This node's name (default: random).")
    String nodeId;

    @Option(names = "--io-threads", description = "Event loop threads; 0 = one per core (default 0).")
    String ioThreads;

    @Option(names = "--transport", description = "I/O transport: auto, epoll or nio (default auto).")
    String transport;

    @Option(names = "--redis", description = "Form a cluster through this Redis, e.g. redis://127.0.0.1:6379; "
            + "several URIs separated by commas spread rooms over them (default: run alone, in memory).")
    String redis;

    @Option(names = "--redis-cluster", arity = "0", description = "The --redis URIs are nodes of one Redis Cluster: "
            + "rooms spread over its masters by slot, with sharded pub/sub.")
    Boolean redisCluster;

    @Option(names = "--history-size", description = "Messages each room keeps for recovery; 0 keeps none (default 300).")
    String historySize;

    @Option(names = "--history-ttl", description = "How long a room's history is kept after its last message, "
            + "e.g. 120s or 2m (default 2m).")
    String historyTtl;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve TLS (with --tls-key).")
    String tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
    String tlsKey;

    @Option(names = "--tls-self-signed", arity = "0", description = "Serve TLS with a certificate made at start-up "
            + "(development only).")
    Boolean tlsSelfSigned;

    @Option(names = "--allowed-origin", description = "An origin that may connect from a browser "
            + "(origin check and CORS), e.g. https://app.example.com; repeatable; * allows any.")
    List<String> allowedOrigins;

    @Option(names = "--jwt-secret", description = "Require tokens (JWT) signed with this HMAC secret "
            + "(at least 32 bytes); repeatable for key rotation.")
    List<String> jwtSecrets;

    @Option(names = "--jwt-public-key", description = "Require tokens signed with the key in this PEM file "
            + "(RSA or EC); repeatable.")
    List<String> jwtPublicKeys;

    @Option(names = "--jwks", description = "Require tokens signed with a key of this JWKS file (chosen by kid).")
    String jwks;

    @Option(names = "--jwt-issuer", description = "The iss every token must carry.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "An aud every token must carry.")
    String jwtAudience;

    @Option(names = "--jwt-leeway", description = "Clock skew allowed on exp and nbf (default 30s).")
    String jwtLeeway;

    @Option(names = "--api-key", description = "NAME=KEY: a key of the server API (at least 16 characters); "
            + "repeatable. Every /api/v1 call then needs one.")
    List<String> apiKeys;

    @Option(names = "--api-rate", description = "Server API calls per second per key, REST and gRPC together "
            + "(default 100).")
    String apiRate;

    @Option(names = "--api-burst", description = "Server API calls one key may make at once (default 200).")
    String apiBurst;

    @Option(names = "--namespace", description = "NAME:OPTIONS for the rooms NAME:*, e.g. "
            + "news:publish=server,presence=false,join-leave=false; publish is members, anyone or server; "
            + "repeatable.")
    List<String> namespaces;

    @Option(names = "--max-connections-per-user", description = "Open connections one user may have on this node; "
            + "0 = no limit (default 100).")
    String maxConnectionsPerUser;

    @Option(names = "--max-connections-per-ip", description = "Open connections from one IP address; 0 = no limit "
            + "(default 0).")
    String maxConnectionsPerIp;

    @Option(names = "--connection-rate-per-ip", description = "New connections per second from one IP address "
            + "(burst twice that); 0 = no limit (default 0).")
    String connectionRatePerIp;

    @Option(names = "--command-rate", description = "Commands per second one connection may send; 0 = no limit "
            + "(default 100).")
    String commandRate;

    @Option(names = "--command-burst", description = "Commands one connection may send at once (default 200).")
    String commandBurst;

    @Option(names = "--max-frame-bytes", description = "Largest message a client may send (default 65536).")
    String maxFrameBytes;

    @Option(names = "--max-json-depth", description = "Deepest nesting of a command's JSON (default 32).")
    String maxJsonDepth;

    @Option(names = "--max-rooms-per-connection", description = "Rooms one connection may be in (default 128).")
    String maxRoomsPerConnection;

    @Option(names = "--handshake-timeout", description = "Time to finish TLS and send a whole HTTP request "
            + "(default 10s).")
    String handshakeTimeout;

    @Option(names = "--connect-timeout", description = "Time a WebSocket without a token has to send its connect "
            + "frame (default 10s).")
    String connectTimeout;

    @Option(names = "--max-header-bytes", description = "Largest request head (default 8192).")
    String maxHeaderBytes;

    @Option(names = "--compression", arity = "0", description = "Offer permessage-deflate on WebSocket "
            + "(off by default).")
    Boolean compression;

    @Option(names = "--metrics-require-api-key", arity = "0", description = "Serve /metrics only to callers "
            + "presenting one of the API keys (off by default).")
    Boolean metricsRequireApiKey;

    @Option(names = "--grpc-port", description = "Port of the gRPC API; 0 picks a free one, -1 serves no gRPC "
            + "(default 9090).")
    String grpcPort;

    @Option(names = "--grpc-max-connection-age", description = "Age at which a gRPC connection is asked to "
            + "reconnect, so load balancers spread connections again (default 30m).")
    String grpcMaxConnectionAge;

    @Option(names = "--grpc-max-connection-age-grace", description = "Time calls may go on after that (default 1m).")
    String grpcMaxConnectionAgeGrace;

    @Option(names = "--drain-timeout", description = "On SIGTERM, how long to wait for clients to leave before "
            + "closing what is left (default 10s).")
    String drainTimeout;

    @Option(names = "--log-format", description = "text (default) or json; read before anything is logged.")
    String logFormat;

    /** The settings these flags give, over a file's and the environment's. */
    ConfigTree settings() {
        ConfigTree tree = config == null ? ConfigTree.empty() : ConfigTree.read(config);
        tree.applyEnvironment(System.getenv());
        set(tree, "host", host);
        set(tree, "port", port);
        set(tree, "node-id", nodeId);
        set(tree, "io-threads", ioThreads);
        set(tree, "transport", transport);
        set(tree, "redis", redis);
        set(tree, "redis-cluster", redisCluster);
        set(tree, "history.size", historySize);
        set(tree, "history.ttl", historyTtl);
        set(tree, "tls.cert", tlsCert);
        set(tree, "tls.key", tlsKey);
        set(tree, "tls.self-signed", tlsSelfSigned);
        list(tree, "allowed-origins", allowedOrigins);
        list(tree, "jwt.secrets", jwtSecrets);
        list(tree, "jwt.public-keys", jwtPublicKeys);
        set(tree, "jwt.jwks", jwks);
        set(tree, "jwt.issuer", jwtIssuer);
        set(tree, "jwt.audience", jwtAudience);
        set(tree, "jwt.leeway", jwtLeeway);
        for (String apiKey : apiKeys == null ? List.<String>of() : apiKeys) {
            int eq = apiKey.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("api-keys", "--api-key is NAME=KEY");
            }
            tree.apiKey(apiKey.substring(0, eq), apiKey.substring(eq + 1));
        }
        set(tree, "api.requests-per-second", apiRate);
        set(tree, "api.burst", apiBurst);
        for (String namespace : namespaces == null ? List.<String>of() : namespaces) {
            namespace(tree, namespace);
        }
        set(tree, "max-connections-per-user", maxConnectionsPerUser);
        set(tree, "max-connections-per-ip", maxConnectionsPerIp);
        set(tree, "connection-rate-per-ip", connectionRatePerIp);
        set(tree, "command-rate", commandRate);
        set(tree, "command-burst", commandBurst);
        set(tree, "max-frame-bytes", maxFrameBytes);
        set(tree, "max-json-depth", maxJsonDepth);
        set(tree, "max-rooms-per-connection", maxRoomsPerConnection);
        set(tree, "handshake-timeout", handshakeTimeout);
        set(tree, "connect-timeout", connectTimeout);
        set(tree, "max-header-bytes", maxHeaderBytes);
        set(tree, "compression", compression);
        set(tree, "metrics.require-api-key", metricsRequireApiKey);
        set(tree, "grpc.port", grpcPort);
        set(tree, "grpc.max-connection-age", grpcMaxConnectionAge);
        set(tree, "grpc.max-connection-age-grace", grpcMaxConnectionAgeGrace);
        set(tree, "drain-timeout", drainTimeout);
        return tree;
    }

    private static void set(ConfigTree tree, String key, Object value) {
        if (value != null) {
            tree.set(key, String.valueOf(value));
        }
    }

    private static void list(ConfigTree tree, String key, List<String> values) {
        if (values != null) {
            tree.setList(key, new ArrayList<>(values));
        }
    }

    /** {@code NAME:publish=server,presence=false}: options of a namespace. */
    private static void namespace(ConfigTree tree, String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new InvalidConfigException("namespaces", "--namespace is NAME:OPTIONS, was '" + spec + "'");
        }
        String name = spec.substring(0, colon);
        for (String option : spec.substring(colon + 1).split(",")) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("namespaces." + name, "options are NAME=VALUE, was '" + option + "'");
            }
            tree.namespace(name, option.substring(0, eq).trim(), option.substring(eq + 1).trim());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig settings;
        try {
            settings = settings().builder().build();
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
            server = SwitchboardServer.start(settings);
        } catch (InvalidConfigException e) {
            log.error(e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            log.error("cannot start: {}", e.getMessage());
            return 1;
        }
        try (server) {
            stop.await();
            log.info("signal received, draining (at most {})", settings.drainTimeout());
            server.drain(settings.drainTimeout());
        }
        return 0;
    }
}
