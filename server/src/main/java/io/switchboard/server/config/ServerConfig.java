package io.switchboard.server.config;

import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.ids.NodeIds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Everything a node needs to know to start; immutable, built with {@link #builder()}. */
public final class ServerConfig {
    private final String host;
    private final int port;
    private final String nodeId;
    private final int ioThreads;
    private final IoTransport transport;
    private final int maxFrameBytes;
    private final int maxRoomsPerConnection;
    private final int outboundQueueBytes;
    private final int maxPendingCommands;
    private final Duration pingInterval;
    private final Duration idleTimeout;
    private final Duration closeTimeout;
    private final String redisUri;
    private final String redisPrefix;
    private final boolean redisCluster;
    private final Duration redisCommandTimeout;
    private final Duration heartbeatInterval;
    private final Duration nodeTimeout;
    private final Duration unsubscribeGrace;
    private final HistoryOptions defaultHistory;
    private final Map<String, HistoryOptions> namespaceHistory;
    private final HistoryOptions directHistory;
    private final Duration historyMetaTtl;
    private final double apiRequestsPerSecond;
    private final Duration sessionHold;
    private final Duration sseHeartbeat;
    private final Duration pollWait;
    private final Path tlsCert;
    private final Path tlsKey;
    private final boolean tlsSelfSigned;
    private final List<String> allowedOrigins;
    private final int apiBurst;
    private final JwtSettings jwt;
    private final Map<String, String> apiKeys;
    private final RoomPolicy defaultPolicy;
    private final Map<String, RoomPolicy> namespacePolicies;
    private final int maxConnectionsPerUser;
    private final int maxConnectionsPerIp;
    private final double connectionRatePerIp;
    private final double commandsPerSecond;
    private final int commandBurst;
    private final int maxJsonDepth;
    private final Duration handshakeTimeout;
    private final Duration connectTimeout;
    private final int maxHeaderBytes;
    private final int maxRequestLineBytes;
    private final boolean compression;
    private final boolean metricsRequireApiKey;
    private final int grpcPort;
    private final Duration drainTimeout;
    private final Duration grpcMaxConnectionAge;
    private final Duration grpcMaxConnectionAgeGrace;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.nodeId = b.nodeId;
        this.ioThreads = b.ioThreads;
        this.transport = b.transport;
        this.maxFrameBytes = b.maxFrameBytes;
        this.maxRoomsPerConnection = b.maxRoomsPerConnection;
        this.outboundQueueBytes = b.outboundQueueBytes;
        this.maxPendingCommands = b.maxPendingCommands;
        this.pingInterval = b.pingInterval;
        this.idleTimeout = b.idleTimeout;
        this.closeTimeout = b.closeTimeout;
        this.redisUri = b.redisUri;
        this.redisPrefix = b.redisPrefix;
        this.redisCluster = b.redisCluster;
        this.redisCommandTimeout = b.redisCommandTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.nodeTimeout = b.nodeTimeout;
        this.unsubscribeGrace = b.unsubscribeGrace;
        this.defaultHistory = b.defaultHistory;
        this.namespaceHistory = Map.copyOf(b.namespaceHistory);
        this.directHistory = b.directHistory;
        this.historyMetaTtl = b.historyMetaTtl;
        this.apiRequestsPerSecond = b.apiRequestsPerSecond;
        this.sessionHold = b.sessionHold;
        this.sseHeartbeat = b.sseHeartbeat;
        this.pollWait = b.pollWait;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.tlsSelfSigned = b.tlsSelfSigned;
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.apiBurst = b.apiBurst;
        this.jwt = b.jwt;
        this.apiKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.apiKeys));
        this.defaultPolicy = b.defaultPolicy;
        this.namespacePolicies = Map.copyOf(b.namespacePolicies);
        this.maxConnectionsPerUser = b.maxConnectionsPerUser;
        this.maxConnectionsPerIp = b.maxConnectionsPerIp;
        this.connectionRatePerIp = b.connectionRatePerIp;
        this.commandsPerSecond = b.commandsPerSecond;
        this.commandBurst = b.commandBurst;
        this.maxJsonDepth = b.maxJsonDepth;
        this.handshakeTimeout = b.handshakeTimeout;
        this.connectTimeout = b.connectTimeout;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxRequestLineBytes = b.maxRequestLineBytes;
        this.compression = b.compression;
        this.metricsRequireApiKey = b.metricsRequireApiKey;
        this.grpcPort = b.grpcPort;
        this.drainTimeout = b.drainTimeout;
        this.grpcMaxConnectionAge = b.grpcMaxConnectionAge;
        this.grpcMaxConnectionAgeGrace = b.grpcMaxConnectionAgeGrace;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).nodeId(nodeId).ioThreads(ioThreads).transport(transport)
                .maxFrameBytes(maxFrameBytes).maxRoomsPerConnection(maxRoomsPerConnection)
                .outboundQueueBytes(outboundQueueBytes).maxPendingCommands(maxPendingCommands)
                .pingInterval(pingInterval).idleTimeout(idleTimeout).closeTimeout(closeTimeout)
                .redisUri(redisUri).redisPrefix(redisPrefix).redisCluster(redisCluster)
                .redisCommandTimeout(redisCommandTimeout)
                .heartbeatInterval(heartbeatInterval).nodeTimeout(nodeTimeout).unsubscribeGrace(unsubscribeGrace)
                .defaultHistory(defaultHistory).directHistory(directHistory).historyMetaTtl(historyMetaTtl)
                .apiRate(apiRequestsPerSecond, apiBurst).drainTimeout(drainTimeout)
                .sessionHold(sessionHold).sseHeartbeat(sseHeartbeat).pollWait(pollWait)
                .tls(tlsCert, tlsKey).tlsSelfSigned(tlsSelfSigned)
                .jwt(jwt).defaultPolicy(defaultPolicy)
                .maxConnectionsPerUser(maxConnectionsPerUser).maxConnectionsPerIp(maxConnectionsPerIp)
                .connectionRatePerIp(connectionRatePerIp).commandRate(commandsPerSecond, commandBurst)
                .maxJsonDepth(maxJsonDepth).handshakeTimeout(handshakeTimeout).connectTimeout(connectTimeout)
                .maxHeaderBytes(maxHeaderBytes).maxRequestLineBytes(maxRequestLineBytes).compression(compression)
                .metricsRequireApiKey(metricsRequireApiKey).grpcPort(grpcPort).grpcMaxConnectionAge(grpcMaxConnectionAge, grpcMaxConnectionAgeGrace);
        allowedOrigins.forEach(b::allowedOrigin);
        namespaceHistory.forEach(b::namespaceHistory);
        apiKeys.forEach(b::apiKey);
        namespacePolicies.forEach(b::namespacePolicy);
        return b;
    }

    /** Address to listen on; {@code 0.0.0.0} by default. */
    public String host() {
        return host;
    }

    /** Port to listen on; {@code 8080} by default, {@code 0} picks a free one. */
    public int port() {
        return port;
    }

    /** This node's name in frames and logs; a random one by default. */
    public String nodeId() {
        return nodeId;
    }

    /** Event loop threads; {@code 0} means one per core. */
    public int ioThreads() {
        return ioThreads;
    }

    /** The I/O transport of the event loops; {@code auto} by default. */
    public IoTransport transport() {
        return transport;
    }

    /** Largest client frame payload; a larger one closes the connection with 1009. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Rooms one connection may be in at once. */
    public int maxRoomsPerConnection() {
        return maxRoomsPerConnection;
    }

    /** Bytes a connection may have queued for writing before it is closed as a slow consumer. */
    public int outboundQueueBytes() {
        return outboundQueueBytes;
    }

    /** Commands a connection may have waiting; past this the server stops reading from it. */
    public int maxPendingCommands() {
        return maxPendingCommands;
    }

    /** How often the server pings each WebSocket. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** A connection that sends nothing (no frame, no pong) for this long is closed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long the server waits for the peer's close frame before dropping the connection. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Redis to form a cluster through ({@code redis://host:port}); {@code null} runs alone in memory. */
    public String redisUri() {
        return redisUri;
    }

    /** Prefix of every Redis key and channel; {@code sb:} by default. */
    public String redisPrefix() {
        return redisPrefix;
    }

    /** Whether {@link #redisUri()} names nodes of one Redis Cluster (rather than instances to shard over). */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** How long a Redis command may take before it fails as {@code unavailable}. */
    public Duration redisCommandTimeout() {
        return redisCommandTimeout;
    }

    /** How often the node renews its heartbeat and looks for dead nodes. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** A node whose heartbeat is older than this is dead: its connections are removed. */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** How long a channel with no local member stays subscribed, in case one comes back. */
    public Duration unsubscribeGrace() {
        return unsubscribeGrace;
    }

    /**
     * What history a room keeps: its namespace's (the part of the name before the first
     * {@code :}), else the default (300 messages, 2 minutes).
     */
    public HistoryOptions history(String room) {
        HistoryOptions options = namespaceHistory.get(io.switchboard.protocol.Names.namespace(room));
        return options != null ? options : defaultHistory;
    }

    /** What history a room of no namespace with its own keeps. */
    public HistoryOptions defaultHistory() {
        return defaultHistory;
    }

    /** History options by namespace. */
    public Map<String, HistoryOptions> namespaceHistories() {
        return Map.copyOf(namespaceHistory);
    }

    /** The rules of rooms of no namespace with rules of its own. */
    public RoomPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** Room rules by namespace. */
    public Map<String, RoomPolicy> namespacePolicies() {
        return namespacePolicies;
    }

    /** How long a draining node waits for its clients to leave before it closes what is left. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** What history each user's stream of direct messages keeps. */
    public HistoryOptions directHistory() {
        return directHistory;
    }

    /** How long a stream's offset and epoch outlive its last publication. */
    public Duration historyMetaTtl() {
        return historyMetaTtl;
    }

    /** Server API requests per second each caller may make, sustained. */
    public double apiRequestsPerSecond() {
        return apiRequestsPerSecond;
    }

    /** How long an SSE or long-polling session lives with no stream or poll carrying it. */
    public Duration sessionHold() {
        return sessionHold;
    }

    /** How often an SSE stream gets a heartbeat comment. */
    public Duration sseHeartbeat() {
        return sseHeartbeat;
    }

    /** How long a poll waits for frames at most. */
    public Duration pollWait() {
        return pollWait;
    }

    /** PEM certificate chain for TLS, or {@code null}. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** PEM (PKCS#8) private key for TLS, or {@code null}. */
    public Path tlsKey() {
        return tlsKey;
    }

    /** Whether to serve TLS with a certificate made at start-up (development only). */
    public boolean tlsSelfSigned() {
        return tlsSelfSigned;
    }

    /** Whether the node speaks TLS. */
    public boolean tls() {
        return tlsCert != null || tlsSelfSigned;
    }

    /** Origins allowed to use the HTTP transports from a browser (CORS); {@code *} allows any. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Server API requests a caller may make at once. */
    public int apiBurst() {
        return apiBurst;
    }

    /** Where tokens' keys come from and what their claims must say; {@link JwtSettings#NONE}: no tokens. */
    public JwtSettings jwt() {
        return jwt;
    }

    /** Server API keys by name; every {@code /api/} call needs one when any is set. */
    public Map<String, String> apiKeys() {
        return apiKeys;
    }

    /**
     * Who may do what in a room: its namespace's policy (see {@link io.switchboard.protocol.Names#namespace}),
     * else the default one.
     */
    public RoomPolicy policy(String room) {
        RoomPolicy policy = namespacePolicies.get(io.switchboard.protocol.Names.namespace(room));
        return policy != null ? policy : defaultPolicy;
    }

    /** Connections one user may have open on this node at once; {@code 0}: no limit. */
    public int maxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    /** Connections one IP address may have open on this node at once; {@code 0}: no limit. */
    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /** New connections one IP address may open per second (twice as many at once); {@code 0}: no limit. */
    public double connectionRatePerIp() {
        return connectionRatePerIp;
    }

    /** Commands one connection may send per second, sustained; {@code 0}: no limit. */
    public double commandsPerSecond() {
        return commandsPerSecond;
    }

    /** Commands one connection may send at once, over {@link #commandsPerSecond()}. */
    public int commandBurst() {
        return commandBurst;
    }

    /** Deepest nesting of arrays and objects a client frame may have. */
    public int maxJsonDepth() {
        return maxJsonDepth;
    }

    /** How long a client has to complete a request's head and body (and a TLS handshake). */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** How long a WebSocket that brought no token has to send its {@code connect} frame. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Largest request head (all header lines together); larger is answered 431. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Longest request line; longer is answered 414. */
    public int maxRequestLineBytes() {
        return maxRequestLineBytes;
    }

    /** Whether WebSocket clients may negotiate permessage-deflate. */
    /** Whether {@code /metrics} needs one of the API keys, as the server API does. */
    public boolean metricsRequireApiKey() {
        return metricsRequireApiKey;
    }

    public boolean compression() {
        return compression;
    }

    /** A Redis URI fit for logs: a password in it is replaced by {@code ***}. */
    public static String redacted(String uri) {
        return uri == null ? null : uri.replaceAll("(rediss?://)([^:@/,]*):[^@/,]*@", "$1$2:***@");
    }

    /** The gRPC port; {@code 0} picks a free one, {@code -1} serves no gRPC. */
    public int grpcPort() {
        return grpcPort;
    }

    /** How long a gRPC connection lives before the server asks the client to move (GOAWAY). */
    public Duration grpcMaxConnectionAge() {
        return grpcMaxConnectionAge;
    }

    /** How long calls in flight may go on after that GOAWAY. */
    public Duration grpcMaxConnectionAgeGrace() {
        return grpcMaxConnectionAgeGrace;
    }

    @Override
    public String toString() {
        return "ServerConfig{host=" + host + ", port=" + port + ", nodeId=" + nodeId
                + ", ioThreads=" + ioThreads + ", transport=" + transport + ", maxFrameBytes=" + maxFrameBytes
                + ", maxRoomsPerConnection=" + maxRoomsPerConnection
                + ", outboundQueueBytes=" + outboundQueueBytes
                + ", maxPendingCommands=" + maxPendingCommands
                + ", pingInterval=" + pingInterval + ", idleTimeout=" + idleTimeout
                + ", closeTimeout=" + closeTimeout + ", redisUri=" + redisUri + ", redisPrefix=" + redisPrefix
                + ", redisCluster=" + redisCluster
                + ", redisCommandTimeout=" + redisCommandTimeout + ", heartbeatInterval=" + heartbeatInterval
                + ", nodeTimeout=" + nodeTimeout + ", unsubscribeGrace=" + unsubscribeGrace
                + ", defaultHistory=" + defaultHistory + ", namespaceHistory=" + namespaceHistory
                + ", directHistory=" + directHistory + ", historyMetaTtl=" + historyMetaTtl
                + ", apiRequestsPerSecond=" + apiRequestsPerSecond + ", apiBurst=" + apiBurst
                + ", sessionHold=" + sessionHold + ", sseHeartbeat=" + sseHeartbeat + ", pollWait=" + pollWait
                + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", tlsSelfSigned=" + tlsSelfSigned
                + ", allowedOrigins=" + allowedOrigins + ", jwt=" + jwt + ", apiKeys=" + apiKeys.keySet()
                + ", defaultPolicy=" + defaultPolicy + ", namespacePolicies=" + namespacePolicies
                + ", maxConnectionsPerUser=" + maxConnectionsPerUser + ", maxConnectionsPerIp=" + maxConnectionsPerIp
                + ", connectionRatePerIp=" + connectionRatePerIp + ", commandsPerSecond=" + commandsPerSecond
                + ", commandBurst=" + commandBurst + ", maxJsonDepth=" + maxJsonDepth
                + ", handshakeTimeout=" + handshakeTimeout + ", connectTimeout=" + connectTimeout
                + ", maxHeaderBytes=" + maxHeaderBytes + ", maxRequestLineBytes=" + maxRequestLineBytes
                + ", compression=" + compression + ", metricsRequireApiKey=" + metricsRequireApiKey
                + ", grpcPort=" + grpcPort
                + ", grpcMaxConnectionAge=" + grpcMaxConnectionAge
                + ", grpcMaxConnectionAgeGrace=" + grpcMaxConnectionAgeGrace + ", drainTimeout=" + drainTimeout + "}";
    }

    /** Builds a {@link ServerConfig}; every setting starts at its documented default. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private String nodeId = NodeIds.random();
        private int ioThreads = 0;
        private IoTransport transport = IoTransport.AUTO;
        private int maxFrameBytes = 64 * 1024;
        private int maxRoomsPerConnection = 128;
        private int outboundQueueBytes = 1024 * 1024;
        private int maxPendingCommands = 256;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private String redisUri;
        private String redisPrefix = "sb:";
        private boolean redisCluster;
        private Duration redisCommandTimeout = Duration.ofSeconds(2);
        private Duration heartbeatInterval = Duration.ofSeconds(2);
        private Duration nodeTimeout = Duration.ofSeconds(10);
        private Duration unsubscribeGrace = Duration.ofSeconds(2);
        private HistoryOptions defaultHistory = HistoryOptions.DEFAULT;
        private final Map<String, HistoryOptions> namespaceHistory = new HashMap<>();
        private HistoryOptions directHistory = HistoryOptions.DEFAULT;
        private Duration historyMetaTtl = Duration.ofDays(1);
        private double apiRequestsPerSecond = 100;
        private int apiBurst = 200;
        private Duration sessionHold = Duration.ofSeconds(60);
        private Duration sseHeartbeat = Duration.ofSeconds(15);
        private Duration pollWait = Duration.ofSeconds(25);
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private final List<String> allowedOrigins = new ArrayList<>();
        private JwtSettings jwt = JwtSettings.NONE;
        private final Map<String, String> apiKeys = new LinkedHashMap<>();
        private RoomPolicy defaultPolicy = RoomPolicy.DEFAULT;
        private final Map<String, RoomPolicy> namespacePolicies = new HashMap<>();
        private int maxConnectionsPerUser = 100;
        private int maxConnectionsPerIp = 0;
        private double connectionRatePerIp = 0;
        private double commandsPerSecond = 100;
        private int commandBurst = 200;
        private int maxJsonDepth = 32;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxHeaderBytes = 8192;
        private int maxRequestLineBytes = 4096;
        private boolean compression;
        private boolean metricsRequireApiKey;
        private int grpcPort = 9090;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration grpcMaxConnectionAge = Duration.ofMinutes(30);
        private Duration grpcMaxConnectionAgeGrace = Duration.ofMinutes(1);

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder transport(IoTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder maxRoomsPerConnection(int maxRoomsPerConnection) {
            this.maxRoomsPerConnection = maxRoomsPerConnection;
            return this;
        }

        public Builder outboundQueueBytes(int outboundQueueBytes) {
            this.outboundQueueBytes = outboundQueueBytes;
            return this;
        }

        public Builder maxPendingCommands(int maxPendingCommands) {
            this.maxPendingCommands = maxPendingCommands;
            return this;
        }

        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
            return this;
        }

        public Builder redisUri(String redisUri) {
            this.redisUri = redisUri;
            return this;
        }

        public Builder redisCluster(boolean redisCluster) {
            this.redisCluster = redisCluster;
            return this;
        }

        public Builder redisPrefix(String redisPrefix) {
            this.redisPrefix = Objects.requireNonNull(redisPrefix, "redisPrefix");
            return this;
        }

        public Builder redisCommandTimeout(Duration redisCommandTimeout) {
            this.redisCommandTimeout = Objects.requireNonNull(redisCommandTimeout, "redisCommandTimeout");
            return this;
        }

        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        public Builder nodeTimeout(Duration nodeTimeout) {
            this.nodeTimeout = Objects.requireNonNull(nodeTimeout, "nodeTimeout");
            return this;
        }

        public Builder unsubscribeGrace(Duration unsubscribeGrace) {
            this.unsubscribeGrace = Objects.requireNonNull(unsubscribeGrace, "unsubscribeGrace");
            return this;
        }

        public Builder defaultHistory(HistoryOptions defaultHistory) {
            this.defaultHistory = Objects.requireNonNull(defaultHistory, "defaultHistory");
            return this;
        }

        /** History of the rooms of namespace {@code namespace} ({@code namespace:room}). */
        public Builder namespaceHistory(String namespace, HistoryOptions history) {
            this.namespaceHistory.put(Objects.requireNonNull(namespace, "namespace"),
                    Objects.requireNonNull(history, "history"));
            return this;
        }

        public Builder directHistory(HistoryOptions directHistory) {
            this.directHistory = Objects.requireNonNull(directHistory, "directHistory");
            return this;
        }

        public Builder historyMetaTtl(Duration historyMetaTtl) {
            this.historyMetaTtl = Objects.requireNonNull(historyMetaTtl, "historyMetaTtl");
            return this;
        }

        public Builder sessionHold(Duration sessionHold) {
            this.sessionHold = Objects.requireNonNull(sessionHold, "sessionHold");
            return this;
        }

        public Builder sseHeartbeat(Duration sseHeartbeat) {
            this.sseHeartbeat = Objects.requireNonNull(sseHeartbeat, "sseHeartbeat");
            return this;
        }

        public Builder pollWait(Duration pollWait) {
            this.pollWait = Objects.requireNonNull(pollWait, "pollWait");
            return this;
        }

        /** TLS with a PEM certificate chain and PEM (PKCS#8) key; both {@code null} for none. */
        public Builder tls(Path cert, Path key) {
            this.tlsCert = cert;
            this.tlsKey = key;
            return this;
        }

        public Builder tlsSelfSigned(boolean tlsSelfSigned) {
            this.tlsSelfSigned = tlsSelfSigned;
            return this;
        }

        /** Allows browsers on {@code origin} (e.g. {@code https://app.example.com}; {@code *}: any). */
        public Builder allowedOrigin(String origin) {
            this.allowedOrigins.add(Objects.requireNonNull(origin, "origin"));
            return this;
        }

        /** Server API rate limit per caller: {@code perSecond} sustained, {@code burst} at once. */
        public Builder apiRate(double perSecond, int burst) {
            this.apiRequestsPerSecond = perSecond;
            this.apiBurst = burst;
            return this;
        }

        public Builder jwt(JwtSettings jwt) {
            this.jwt = Objects.requireNonNull(jwt, "jwt");
            return this;
        }

        /** A server API key called {@code name} (the name shows in logs; the key never does). */
        public Builder apiKey(String name, String key) {
            this.apiKeys.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(key, "key"));
            return this;
        }

        public Builder defaultPolicy(RoomPolicy defaultPolicy) {
            this.defaultPolicy = Objects.requireNonNull(defaultPolicy, "defaultPolicy");
            return this;
        }

        /** Who may do what in the rooms of namespace {@code namespace} ({@code namespace:room}). */
        public Builder namespacePolicy(String namespace, RoomPolicy policy) {
            this.namespacePolicies.put(Objects.requireNonNull(namespace, "namespace"),
                    Objects.requireNonNull(policy, "policy"));
            return this;
        }

        public Builder maxConnectionsPerUser(int maxConnectionsPerUser) {
            this.maxConnectionsPerUser = maxConnectionsPerUser;
            return this;
        }

        public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
            this.maxConnectionsPerIp = maxConnectionsPerIp;
            return this;
        }

        public Builder connectionRatePerIp(double connectionRatePerIp) {
            this.connectionRatePerIp = connectionRatePerIp;
            return this;
        }

        /** Commands per connection: {@code perSecond} sustained ({@code 0}: no limit), {@code burst} at once. */
        public Builder commandRate(double perSecond, int burst) {
            this.commandsPerSecond = perSecond;
            this.commandBurst = burst;
            return this;
        }

        public Builder maxJsonDepth(int maxJsonDepth) {
            this.maxJsonDepth = maxJsonDepth;
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        public Builder maxRequestLineBytes(int maxRequestLineBytes) {
            this.maxRequestLineBytes = maxRequestLineBytes;
            return this;
        }

        /** {@code /metrics} only with one of the API keys (Prometheus: {@code authorization} credentials). */
        public Builder metricsRequireApiKey(boolean metricsRequireApiKey) {
            this.metricsRequireApiKey = metricsRequireApiKey;
            return this;
        }

        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
            return this;
        }

        public Builder grpcPort(int grpcPort) {
            this.grpcPort = grpcPort;
            return this;
        }

        public Builder grpcMaxConnectionAge(Duration age, Duration grace) {
            this.grpcMaxConnectionAge = Objects.requireNonNull(age, "age");
            this.grpcMaxConnectionAgeGrace = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /** Checks every setting and builds; an invalid one fails with a message naming it. */
        public ServerConfig build() {
            require(port >= 0 && port <= 65535, "port", "must be 0 to 65535, was " + port);
            require(!nodeId.isBlank() && nodeId.length() <= 64, "node-id", "must be 1 to 64 characters");
            require(ioThreads >= 0, "io-threads", "must not be negative");
            require(maxFrameBytes >= 1024, "max-frame-bytes", "must be at least 1024");
            require(maxRoomsPerConnection >= 1, "max-rooms-per-connection", "must be at least 1");
            require(outboundQueueBytes >= 16 * 1024, "outbound-queue-bytes", "must be at least 16384");
            require(maxPendingCommands >= 1, "max-pending-commands", "must be at least 1");
            require(positive(pingInterval), "ping-interval", "must be positive");
            require(idleTimeout.compareTo(pingInterval) > 0, "idle-timeout", "must be longer than ping-interval");
            require(positive(closeTimeout), "close-timeout", "must be positive");
            require(redisUri == null || RedisUris.valid(redisUri), "redis",
                    "must be redis:// or rediss:// URIs separated by commas, each naming another instance, was "
                            + redacted(redisUri));
            require(!redisPrefix.isEmpty(), "redis-prefix", "must not be empty");
            require(!redisCluster || redisUri != null, "redis-cluster", "needs redis, the addresses of cluster nodes");
            require(!redisCluster || (redisPrefix.indexOf('{') < 0 && redisPrefix.indexOf('}') < 0), "redis-prefix",
                    "must not contain { or } with redis-cluster (they would change the keys' hash tags)");
            require(positive(redisCommandTimeout), "redis-command-timeout", "must be positive");
            require(positive(heartbeatInterval), "heartbeat-interval", "must be positive");
            require(nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0, "node-timeout",
                    "must be at least twice heartbeat-interval");
            require(!unsubscribeGrace.isNegative(), "unsubscribe-grace", "must not be negative");
            require(apiRequestsPerSecond > 0, "api.requests-per-second", "must be positive");
            require(apiBurst >= 1, "api.burst", "must be at least 1");
            require(positive(sessionHold), "session-hold", "must be positive");
            require((tlsCert == null) == (tlsKey == null), "tls.key", "tls.cert and tls.key (--tls-cert, --tls-key) go together");
            require(tlsCert == null || java.nio.file.Files.isReadable(tlsCert), "tls.cert", "cannot read " + tlsCert);
            require(tlsKey == null || java.nio.file.Files.isReadable(tlsKey), "tls.key", "cannot read " + tlsKey);
            require(!(tlsSelfSigned && tlsCert != null), "tls.self-signed", "use either a certificate or a self-signed one");
            require(!metricsRequireApiKey || !apiKeys.isEmpty(), "metrics.require-api-key",
                    "needs at least one API key (api-keys, --api-key NAME=KEY, or SWITCHBOARD_API_KEYS=NAME=KEY),"
                            + " or no scrape could get in");
            for (String origin : allowedOrigins) {
                require(origin.equals("*") || origin.matches("https?://[^/\\s]+"), "allowed-origins",
                        "must be * or scheme://host[:port], was " + origin);
            }
            require(positive(sseHeartbeat), "sse-heartbeat", "must be positive");
            require(positive(pollWait) && pollWait.compareTo(sessionHold) < 0, "poll-wait",
                    "must be positive and shorter than session-hold");
            require(maxConnectionsPerUser >= 0, "max-connections-per-user", "must not be negative");
            require(maxConnectionsPerIp >= 0, "max-connections-per-ip", "must not be negative");
            require(connectionRatePerIp >= 0, "connection-rate-per-ip", "must not be negative");
            require(commandsPerSecond >= 0, "command-rate", "must not be negative");
            require(commandBurst >= 1, "command-burst", "must be at least 1");
            require(maxJsonDepth >= 2 && maxJsonDepth <= 1000, "max-json-depth", "must be 2 to 1000");
            require(positive(handshakeTimeout), "handshake-timeout", "must be positive");
            require(positive(connectTimeout), "connect-timeout", "must be positive");
            require(maxHeaderBytes >= 1024, "max-header-bytes", "must be at least 1024");
            require(grpcPort >= -1 && grpcPort <= 65535, "grpc.port", "must be -1 (off) or 0 to 65535, was " + grpcPort);
            require(grpcPort <= 0 || grpcPort != port, "grpc.port", "must differ from port " + port);
            require(!drainTimeout.isNegative(), "drain-timeout", "must not be negative");
            require(positive(grpcMaxConnectionAge), "grpc.max-connection-age", "must be positive");
            require(!grpcMaxConnectionAgeGrace.isNegative(), "grpc.max-connection-age-grace", "must not be negative");
            require(maxRequestLineBytes >= 256, "max-request-line-bytes", "must be at least 256");
            for (String secret : jwt.hmacSecrets()) {
                require(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 32, "jwt.secrets",
                        "must be at least 32 bytes (256 bits)");
            }
            for (Path key : jwt.publicKeys()) {
                require(java.nio.file.Files.isReadable(key), "jwt.public-keys", "cannot read " + key);
            }
            require(jwt.jwks() == null || java.nio.file.Files.isReadable(jwt.jwks()), "jwt.jwks", "cannot read " + jwt.jwks());
            require(!jwt.leeway().isNegative() && jwt.leeway().compareTo(Duration.ofMinutes(5)) <= 0, "jwt.leeway",
                    "must be 0 to 5 minutes");
            namespacePolicies.keySet().forEach(ns -> require(ns.matches("[A-Za-z0-9_-]{1,64}"), "namespaces",
                    "a namespace is 1 to 64 of A-Z a-z 0-9 _ -, was '" + ns + "'"));
            apiKeys.forEach((name, key) -> {
                require(name.matches("[A-Za-z0-9_.-]{1,64}"), "api-keys",
                        "a key's name is 1 to 64 of A-Z a-z 0-9 _ . -, was '" + name + "'");
                require(key.length() >= 16, "api-keys", "key '" + name + "' must be at least 16 characters");
            });
            checkHistory("history", defaultHistory);
            checkHistory("direct-history", directHistory);
            namespaceHistory.forEach((ns, h) -> checkHistory("namespaces." + ns + ".history", h));
            return new ServerConfig(this);
        }

        private void checkHistory(String setting, HistoryOptions history) {
            require(history.size() >= 0 && history.size() <= 1_000_000, setting + ".size", "must be 0 to 1000000");
            require(!history.ttl().isNegative(), setting + ".ttl", "must not be negative");
            require(historyMetaTtl.compareTo(history.ttl()) > 0, "history-meta-ttl",
                    "must be longer than every history TTL (" + setting + ".ttl is " + history.ttl() + ")");
        }

        private static boolean positive(Duration d) {
            return !d.isNegative() && !d.isZero();
        }

        private static void require(boolean ok, String setting, String problem) {
            if (!ok) {
                throw new InvalidConfigException(setting, problem);
            }
        }
    }
}
