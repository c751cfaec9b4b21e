package io.switchboard.server.config;

import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.transport.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    private final EventLoops.Kind transport;
    private final int maxFrameBytes;
    private final int maxRoomsPerConnection;
    private final int outboundQueueBytes;
    private final int maxPendingCommands;
    private final Duration pingInterval;
    private final Duration idleTimeout;
    private final Duration closeTimeout;
    private final String redisUri;
    private final String redisPrefix;
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
                .redisUri(redisUri).redisPrefix(redisPrefix).redisCommandTimeout(redisCommandTimeout)
                .heartbeatInterval(heartbeatInterval).nodeTimeout(nodeTimeout).unsubscribeGrace(unsubscribeGrace)
                .defaultHistory(defaultHistory).directHistory(directHistory).historyMetaTtl(historyMetaTtl)
                .apiRate(apiRequestsPerSecond, apiBurst)
                .sessionHold(sessionHold).sseHeartbeat(sseHeartbeat).pollWait(pollWait)
                .tls(tlsCert, tlsKey).tlsSelfSigned(tlsSelfSigned);
        allowedOrigins.forEach(b::allowedOrigin);
        namespaceHistory.forEach(b::namespaceHistory);
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
    public EventLoops.Kind transport() {
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
        int colon = room.indexOf(':');
        if (colon > 0) {
            HistoryOptions options = namespaceHistory.get(room.substring(0, colon));
            if (options != null) {
                return options;
            }
        }
        return defaultHistory;
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

    @Override
    public String toString() {
        return "ServerConfig{host=" + host + ", port=" + port + ", nodeId=" + nodeId
                + ", ioThreads=" + ioThreads + ", transport=" + transport + ", maxFrameBytes=" + maxFrameBytes
                + ", maxRoomsPerConnection=" + maxRoomsPerConnection
                + ", outboundQueueBytes=" + outboundQueueBytes
                + ", maxPendingCommands=" + maxPendingCommands
                + ", pingInterval=" + pingInterval + ", idleTimeout=" + idleTimeout
                + ", closeTimeout=" + closeTimeout + ", redisUri=" + redisUri + ", redisPrefix=" + redisPrefix
                + ", redisCommandTimeout=" + redisCommandTimeout + ", heartbeatInterval=" + heartbeatInterval
                + ", nodeTimeout=" + nodeTimeout + ", unsubscribeGrace=" + unsubscribeGrace
                + ", defaultHistory=" + defaultHistory + ", namespaceHistory=" + namespaceHistory
                + ", directHistory=" + directHistory + ", historyMetaTtl=" + historyMetaTtl
                + ", apiRequestsPerSecond=" + apiRequestsPerSecond + ", apiBurst=" + apiBurst
                + ", sessionHold=" + sessionHold + ", sseHeartbeat=" + sseHeartbeat + ", pollWait=" + pollWait
                + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", tlsSelfSigned=" + tlsSelfSigned
                + ", allowedOrigins=" + allowedOrigins + "}";
    }

    /** Builds a {@link ServerConfig}; every setting starts at its documented default. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private String nodeId = NodeIds.random();
        private int ioThreads = 0;
        private EventLoops.Kind transport = EventLoops.Kind.AUTO;
        private int maxFrameBytes = 64 * 1024;
        private int maxRoomsPerConnection = 128;
        private int outboundQueueBytes = 1024 * 1024;
        private int maxPendingCommands = 256;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private String redisUri;
        private String redisPrefix = "sb:";
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

        public Builder transport(EventLoops.Kind transport) {
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
            require(redisUri == null || redisUri.startsWith("redis://") || redisUri.startsWith("rediss://"),
                    "redis", "must be a redis:// or rediss:// URI, was " + redisUri);
            require(!redisPrefix.isEmpty(), "redis-prefix", "must not be empty");
            require(positive(redisCommandTimeout), "redis-command-timeout", "must be positive");
            require(positive(heartbeatInterval), "heartbeat-interval", "must be positive");
            require(nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0, "node-timeout",
                    "must be at least twice heartbeat-interval");
            require(!unsubscribeGrace.isNegative(), "unsubscribe-grace", "must not be negative");
            require(apiRequestsPerSecond > 0, "api.requests-per-second", "must be positive");
            require(apiBurst >= 1, "api.burst", "must be at least 1");
            require(positive(sessionHold), "session-hold", "must be positive");
            require((tlsCert == null) == (tlsKey == null), "tls-key", "--tls-cert and --tls-key go together");
            require(tlsCert == null || java.nio.file.Files.isReadable(tlsCert), "tls-cert", "cannot read " + tlsCert);
            require(tlsKey == null || java.nio.file.Files.isReadable(tlsKey), "tls-key", "cannot read " + tlsKey);
            require(!(tlsSelfSigned && tlsCert != null), "tls-self-signed", "use either a certificate or a self-signed one");
            for (String origin : allowedOrigins) {
                require(origin.equals("*") || origin.matches("https?://[^/\\s]+"), "allowed-origin",
                        "must be * or scheme://host[:port], was " + origin);
            }
            require(positive(sseHeartbeat), "sse-heartbeat", "must be positive");
            require(positive(pollWait) && pollWait.compareTo(sessionHold) < 0, "poll-wait",
                    "must be positive and shorter than session-hold");
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
