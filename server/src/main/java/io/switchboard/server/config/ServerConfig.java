package io.switchboard.server.config;

import static io.switchboard.server.config.Settings.*;

import io.switchboard.server.history.HistoryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Everything a node needs to know to start, as one record per concern; immutable, built with
 * {@link #builder()}. Each value is one of the {@link Settings}, except API keys and the rules
 * and history of namespaces, which are mappings of names.
 */
public final class ServerConfig {
    private final Map<Setting<?>, Object> values;
    private final Map<String, String> apiKeys;
    private final Map<String, RoomPolicy> namespacePolicies;
    private final Map<String, HistoryOptions> namespaceHistories;
    private final NetworkSettings network;
    private final ConnectionSettings connections;
    private final StreamingSettings streaming;
    private final ClusterSettings cluster;
    private final HistorySettings history;
    private final TlsSettings tls;
    private final SecuritySettings security;
    private final LimitSettings limits;
    private final RoomSettings rooms;
    private final GrpcSettings grpc;

    private ServerConfig(Builder b) {
        this.values = Collections.unmodifiableMap(new HashMap<>(b.values));
        this.apiKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.apiKeys));
        this.namespacePolicies = Map.copyOf(b.namespacePolicies);
        this.namespaceHistories = Map.copyOf(b.namespaceHistories);
        this.network = new NetworkSettings(value(HOST), value(PORT), value(NODE_ID), value(IO_THREADS),
                value(TRANSPORT), value(HANDSHAKE_TIMEOUT), value(MAX_HEADER_BYTES), value(MAX_REQUEST_LINE_BYTES),
                value(DRAIN_TIMEOUT));
        this.connections = new ConnectionSettings(value(MAX_FRAME_BYTES), value(MAX_JSON_DEPTH),
                value(MAX_ROOMS_PER_CONNECTION), value(OUTBOUND_QUEUE_BYTES), value(MAX_PENDING_COMMANDS),
                value(PING_INTERVAL), value(IDLE_TIMEOUT), value(CLOSE_TIMEOUT), value(CONNECT_TIMEOUT),
                value(COMPRESSION));
        this.streaming = new StreamingSettings(value(SESSION_HOLD), value(SSE_HEARTBEAT), value(POLL_WAIT));
        this.cluster = new ClusterSettings(value(REDIS), value(REDIS_PREFIX), value(REDIS_CLUSTER),
                value(REDIS_COMMAND_TIMEOUT), value(HEARTBEAT_INTERVAL), value(NODE_TIMEOUT),
                value(POSITION_CHECK_INTERVAL), value(UNSUBSCRIBE_GRACE));
        this.history = new HistorySettings(b.roomHistory(), b.directHistory(), namespaceHistories,
                value(HISTORY_META_TTL));
        this.tls = new TlsSettings(value(TLS_CERT), value(TLS_KEY), value(TLS_SELF_SIGNED));
        this.security = new SecuritySettings(b.jwt(), apiKeys, value(ALLOWED_ORIGINS), value(METRICS_REQUIRE_API_KEY));
        this.limits = new LimitSettings(value(MAX_CONNECTIONS_PER_USER), value(MAX_CONNECTIONS_PER_IP),
                value(CONNECTION_RATE_PER_IP), value(COMMAND_RATE), value(COMMAND_BURST), value(API_RATE),
                value(API_BURST));
        this.rooms = new RoomSettings(b.defaultPolicy(), namespacePolicies);
        this.grpc = new GrpcSettings(value(GRPC_PORT), value(GRPC_MAX_CONNECTION_AGE),
                value(GRPC_MAX_CONNECTION_AGE_GRACE));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.apiKeys.putAll(apiKeys);
        b.namespacePolicies.putAll(namespacePolicies);
        b.namespaceHistories.putAll(namespaceHistories);
        return b;
    }

    /** The value of one setting. */
    @SuppressWarnings("unchecked")
    public <T> T value(Setting<T> setting) {
        return (T) values.get(setting);
    }

    /** Where the node listens and how it speaks HTTP. */
    public NetworkSettings network() {
        return network;
    }

    /** The bounds and timers of one client connection. */
    public ConnectionSettings connections() {
        return connections;
    }

    /** SSE and long-polling sessions. */
    public StreamingSettings streaming() {
        return streaming;
    }

    /** How the node forms a cluster through Redis. */
    public ClusterSettings cluster() {
        return cluster;
    }

    /** What streams keep for recovery. */
    public HistorySettings history() {
        return history;
    }

    /** Whether and how the node serves TLS. */
    public TlsSettings tls() {
        return tls;
    }

    /** Tokens, API keys, origins. */
    public SecuritySettings security() {
        return security;
    }

    /** Budgets of users, addresses, connections and API keys. */
    public LimitSettings limits() {
        return limits;
    }

    /** The rules of rooms. */
    public RoomSettings rooms() {
        return rooms;
    }

    /** The gRPC listener. */
    public GrpcSettings grpc() {
        return grpc;
    }

    /** Every setting as {@code config check} prints it (secrets hidden), then the API keys' names. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ", "ServerConfig{", "}");
        for (Setting<?> setting : ALL) {
            out.add(setting.key() + "=" + describe(setting));
        }
        out.add("api-keys=" + apiKeys.keySet()).add("namespaces=" + namespacePolicies.keySet());
        return out.toString();
    }

    private <T> Object describe(Setting<T> setting) {
        return setting.describe(value(setting));
    }

    /** The API keys by name (for {@code config check}, which hides them). */
    Map<String, String> apiKeys() {
        return apiKeys;
    }

    /** Builds a {@link ServerConfig}: every setting starts at its default. */
    public static final class Builder {
        private final Map<Setting<?>, Object> values = new HashMap<>();
        private final Map<String, String> apiKeys = new LinkedHashMap<>();
        private final Map<String, RoomPolicy> namespacePolicies = new HashMap<>();
        private final Map<String, HistoryOptions> namespaceHistories = new HashMap<>();

        private Builder() {
            for (Setting<?> setting : ALL) {
                values.put(setting, setting.defaultValue());
            }
        }

        /** Sets one setting; {@code null} clears one that has no default. */
        public <T> Builder set(Setting<T> setting, T value) {
            values.put(setting, value);
            return this;
        }

        @SuppressWarnings("unchecked")
        private <T> T get(Setting<T> setting) {
            return (T) values.get(setting);
        }

        public Builder host(String host) {
            return set(HOST, Objects.requireNonNull(host, "host"));
        }

        public Builder port(int port) {
            return set(PORT, port);
        }

        public Builder nodeId(String nodeId) {
            return set(NODE_ID, Objects.requireNonNull(nodeId, "nodeId"));
        }

        public Builder ioThreads(int ioThreads) {
            return set(IO_THREADS, ioThreads);
        }

        public Builder transport(IoTransport transport) {
            return set(TRANSPORT, Objects.requireNonNull(transport, "transport"));
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            return set(MAX_FRAME_BYTES, maxFrameBytes);
        }

        public Builder maxRoomsPerConnection(int maxRoomsPerConnection) {
            return set(MAX_ROOMS_PER_CONNECTION, maxRoomsPerConnection);
        }

        public Builder outboundQueueBytes(int outboundQueueBytes) {
            return set(OUTBOUND_QUEUE_BYTES, outboundQueueBytes);
        }

        public Builder maxPendingCommands(int maxPendingCommands) {
            return set(MAX_PENDING_COMMANDS, maxPendingCommands);
        }

        public Builder pingInterval(Duration pingInterval) {
            return set(PING_INTERVAL, Objects.requireNonNull(pingInterval, "pingInterval"));
        }

        public Builder idleTimeout(Duration idleTimeout) {
            return set(IDLE_TIMEOUT, Objects.requireNonNull(idleTimeout, "idleTimeout"));
        }

        public Builder closeTimeout(Duration closeTimeout) {
            return set(CLOSE_TIMEOUT, Objects.requireNonNull(closeTimeout, "closeTimeout"));
        }

        /** Forms a cluster through this Redis ({@code null}: run alone, in memory). */
        public Builder redisUri(String redisUri) {
            return set(REDIS, redisUri);
        }

        public Builder redisCluster(boolean redisCluster) {
            return set(REDIS_CLUSTER, redisCluster);
        }

        public Builder redisPrefix(String redisPrefix) {
            return set(REDIS_PREFIX, Objects.requireNonNull(redisPrefix, "redisPrefix"));
        }

        public Builder redisCommandTimeout(Duration timeout) {
            return set(REDIS_COMMAND_TIMEOUT, Objects.requireNonNull(timeout, "redisCommandTimeout"));
        }

        public Builder heartbeatInterval(Duration heartbeatInterval) {
            return set(HEARTBEAT_INTERVAL, Objects.requireNonNull(heartbeatInterval, "heartbeatInterval"));
        }

        public Builder nodeTimeout(Duration nodeTimeout) {
            return set(NODE_TIMEOUT, Objects.requireNonNull(nodeTimeout, "nodeTimeout"));
        }

        /** How often the streams this node follows are compared with Redis ({@link Duration#ZERO}: never). */
        public Builder positionCheckInterval(Duration interval) {
            return set(POSITION_CHECK_INTERVAL, Objects.requireNonNull(interval, "interval"));
        }

        public Builder unsubscribeGrace(Duration unsubscribeGrace) {
            return set(UNSUBSCRIBE_GRACE, Objects.requireNonNull(unsubscribeGrace, "unsubscribeGrace"));
        }

        /** The history of rooms of no configured namespace. */
        public Builder defaultHistory(HistoryOptions history) {
            return set(HISTORY_SIZE, history.size()).set(HISTORY_TTL, history.ttl());
        }

        public Builder namespaceHistory(String namespace, HistoryOptions history) {
            namespaceHistories.put(Objects.requireNonNull(namespace, "namespace"),
                    Objects.requireNonNull(history, "history"));
            return this;
        }

        public Builder directHistory(HistoryOptions history) {
            return set(DIRECT_HISTORY_SIZE, history.size()).set(DIRECT_HISTORY_TTL, history.ttl());
        }

        public Builder historyMetaTtl(Duration historyMetaTtl) {
            return set(HISTORY_META_TTL, Objects.requireNonNull(historyMetaTtl, "historyMetaTtl"));
        }

        public Builder sessionHold(Duration sessionHold) {
            return set(SESSION_HOLD, Objects.requireNonNull(sessionHold, "sessionHold"));
        }

        public Builder sseHeartbeat(Duration sseHeartbeat) {
            return set(SSE_HEARTBEAT, Objects.requireNonNull(sseHeartbeat, "sseHeartbeat"));
        }

        public Builder pollWait(Duration pollWait) {
            return set(POLL_WAIT, Objects.requireNonNull(pollWait, "pollWait"));
        }

        /** Serves TLS with this certificate chain and key (both {@code null}: no TLS). */
        public Builder tls(Path cert, Path key) {
            return set(TLS_CERT, cert).set(TLS_KEY, key);
        }

        public Builder tlsSelfSigned(boolean tlsSelfSigned) {
            return set(TLS_SELF_SIGNED, tlsSelfSigned);
        }

        public Builder allowedOrigin(String origin) {
            List<String> origins = new java.util.ArrayList<>(get(ALLOWED_ORIGINS));
            origins.add(Objects.requireNonNull(origin, "origin"));
            return set(ALLOWED_ORIGINS, List.copyOf(origins));
        }

        public Builder apiRate(double perSecond, int burst) {
            return set(API_RATE, perSecond).set(API_BURST, burst);
        }

        public Builder jwt(JwtSettings jwt) {
            return set(JWT_SECRETS, jwt.hmacSecrets()).set(JWT_PUBLIC_KEYS, jwt.publicKeys()).set(JWT_JWKS, jwt.jwks())
                    .set(JWT_ISSUER, jwt.issuer()).set(JWT_AUDIENCE, jwt.audience()).set(JWT_LEEWAY, jwt.leeway());
        }

        public Builder apiKey(String name, String key) {
            apiKeys.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(key, "key"));
            return this;
        }

        /** The rules of rooms of no configured namespace. */
        public Builder defaultPolicy(RoomPolicy policy) {
            return set(ROOMS_PUBLISH, policy.publish()).set(ROOMS_PRESENCE, policy.presence())
                    .set(ROOMS_JOIN_LEAVE, policy.joinLeave());
        }

        public Builder namespacePolicy(String namespace, RoomPolicy policy) {
            namespacePolicies.put(Objects.requireNonNull(namespace, "namespace"),
                    Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public Builder maxConnectionsPerUser(int maxConnectionsPerUser) {
            return set(MAX_CONNECTIONS_PER_USER, maxConnectionsPerUser);
        }

        public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
            return set(MAX_CONNECTIONS_PER_IP, maxConnectionsPerIp);
        }

        public Builder connectionRatePerIp(double connectionRatePerIp) {
            return set(CONNECTION_RATE_PER_IP, connectionRatePerIp);
        }

        public Builder commandRate(double perSecond, int burst) {
            return set(COMMAND_RATE, perSecond).set(COMMAND_BURST, burst);
        }

        public Builder maxJsonDepth(int maxJsonDepth) {
            return set(MAX_JSON_DEPTH, maxJsonDepth);
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            return set(HANDSHAKE_TIMEOUT, Objects.requireNonNull(handshakeTimeout, "handshakeTimeout"));
        }

        public Builder connectTimeout(Duration connectTimeout) {
            return set(CONNECT_TIMEOUT, Objects.requireNonNull(connectTimeout, "connectTimeout"));
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            return set(MAX_HEADER_BYTES, maxHeaderBytes);
        }

        public Builder maxRequestLineBytes(int maxRequestLineBytes) {
            return set(MAX_REQUEST_LINE_BYTES, maxRequestLineBytes);
        }

        public Builder compression(boolean compression) {
            return set(COMPRESSION, compression);
        }

        public Builder metricsRequireApiKey(boolean metricsRequireApiKey) {
            return set(METRICS_REQUIRE_API_KEY, metricsRequireApiKey);
        }

        /** The gRPC port: {@code 0} picks a free one, {@code -1} serves no gRPC. */
        public Builder grpcPort(int grpcPort) {
            return set(GRPC_PORT, grpcPort);
        }

        public Builder grpcMaxConnectionAge(Duration age, Duration grace) {
            return set(GRPC_MAX_CONNECTION_AGE, Objects.requireNonNull(age, "age"))
                    .set(GRPC_MAX_CONNECTION_AGE_GRACE, Objects.requireNonNull(grace, "grace"));
        }

        public Builder drainTimeout(Duration drainTimeout) {
            return set(DRAIN_TIMEOUT, Objects.requireNonNull(drainTimeout, "drainTimeout"));
        }

        private HistoryOptions roomHistory() {
            return new HistoryOptions(get(HISTORY_SIZE), get(HISTORY_TTL));
        }

        private HistoryOptions directHistory() {
            return new HistoryOptions(get(DIRECT_HISTORY_SIZE), get(DIRECT_HISTORY_TTL));
        }

        private RoomPolicy defaultPolicy() {
            return new RoomPolicy(get(ROOMS_PUBLISH), get(ROOMS_PRESENCE), get(ROOMS_JOIN_LEAVE));
        }

        private JwtSettings jwt() {
            return new JwtSettings(get(JWT_SECRETS), get(JWT_PUBLIC_KEYS), get(JWT_JWKS), get(JWT_ISSUER),
                    get(JWT_AUDIENCE), get(JWT_LEEWAY));
        }

        /**
         * Checks every setting on its own (the rules in {@link Settings}), then the rules that
         * join settings, and builds; an invalid setting fails with a message naming it.
         */
        public ServerConfig build() {
            for (Setting<?> setting : ALL) {
                validate(setting);
            }
            require(get(IDLE_TIMEOUT).compareTo(get(PING_INTERVAL)) > 0, "idle-timeout",
                    "must be longer than ping-interval");
            boolean redisCluster = get(REDIS_CLUSTER);
            String prefix = get(REDIS_PREFIX);
            require(!redisCluster || get(REDIS) != null, "redis-cluster", "needs redis, the addresses of cluster nodes");
            require(!redisCluster || (prefix.indexOf('{') < 0 && prefix.indexOf('}') < 0), "redis-prefix",
                    "must not contain { or } with redis-cluster (they would change the keys' hash tags)");
            require(get(NODE_TIMEOUT).compareTo(get(HEARTBEAT_INTERVAL).multipliedBy(2)) >= 0, "node-timeout",
                    "must be at least twice heartbeat-interval");
            require((get(TLS_CERT) == null) == (get(TLS_KEY) == null), "tls.key",
                    "tls.cert and tls.key (--tls-cert, --tls-key) go together");
            require(!(get(TLS_SELF_SIGNED) && get(TLS_CERT) != null), "tls.self-signed",
                    "use either a certificate or a self-signed one");
            require(!get(METRICS_REQUIRE_API_KEY) || !apiKeys.isEmpty(), "metrics.require-api-key",
                    "needs at least one API key (api-keys, --api-key NAME=KEY, or SWITCHBOARD_API_KEYS=NAME=KEY),"
                            + " or no scrape could get in");
            Duration pollWait = get(POLL_WAIT);
            require(Settings.positive(pollWait) && pollWait.compareTo(get(SESSION_HOLD)) < 0, "poll-wait",
                    "must be positive and shorter than session-hold");
            int grpcPort = get(GRPC_PORT);
            require(grpcPort <= 0 || grpcPort != get(PORT), "grpc.port", "must differ from port " + get(PORT));
            namespacePolicies.keySet().forEach(ns -> require(ns.matches("[A-Za-z0-9_-]{1,64}"), "namespaces",
                    "a namespace is 1 to 64 of A-Z a-z 0-9 _ -, was '" + ns + "'"));
            apiKeys.forEach((name, key) -> {
                require(name.matches("[A-Za-z0-9_.-]{1,64}"), "api-keys",
                        "a key's name is 1 to 64 of A-Z a-z 0-9 _ . -, was '" + name + "'");
                require(key.length() >= 16, "api-keys", "key '" + name + "' must be at least 16 characters");
            });
            checkHistoryTtl("history", get(HISTORY_TTL));
            checkHistoryTtl("direct-history", get(DIRECT_HISTORY_TTL));
            namespaceHistories.forEach((ns, h) -> checkNamespaceHistory("namespaces." + ns + ".history", h));
            return new ServerConfig(this);
        }

        private <T> void validate(Setting<T> setting) {
            setting.validate(get(setting));
        }

        private void checkNamespaceHistory(String setting, HistoryOptions history) {
            require(history.size() >= 0 && history.size() <= 1_000_000, setting + ".size", "must be 0 to 1000000");
            require(!history.ttl().isNegative(), setting + ".ttl", "must not be negative");
            checkHistoryTtl(setting, history.ttl());
        }

        private void checkHistoryTtl(String setting, Duration ttl) {
            require(get(HISTORY_META_TTL).compareTo(ttl) > 0, "history-meta-ttl",
                    "must be longer than every history TTL (" + setting + ".ttl is " + ttl + ")");
        }

        private static void require(boolean ok, String setting, String problem) {
            if (!ok) {
                throw new InvalidConfigException(setting, problem);
            }
        }
    }
}
