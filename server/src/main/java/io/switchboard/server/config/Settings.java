package io.switchboard.server.config;

import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.ids.NodeIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting a node has, with its key, flag, default, checks and help: the one table that
 * the file reader, the environment, the {@code serve} flags, {@code config check} and the help
 * are driven by. Rules that join two settings (idle-timeout longer than ping-interval, a
 * certificate with its key) are checked by {@link ServerConfig.Builder#build()}.
 *
 * <p>API keys and namespaces are mappings of names the operator chooses; they are read by
 * {@link ConfigTree} and have flags of their own ({@code --api-key}, {@code --namespace}).
 */
public final class Settings {
    private Settings() {
    }

    // Network: where the node listens and how it talks HTTP.

    public static final Setting<String> HOST = Setting.text("host", "0.0.0.0", "Address to listen on.");
    public static final Setting<Integer> PORT = Setting.integer("port", 8080,
                    "Port of HTTP, WebSocket, SSE, long-polling and the REST API; 0 picks a free one.")
            .check(p -> p >= 0 && p <= 65535, p -> "must be 0 to 65535, was " + p);
    public static final Setting<String> NODE_ID = Setting.generated("node-id", v -> v, NodeIds::random,
                    "This node's name in frames, logs and metrics.")
            .defaultText("random")
            .check(id -> !id.isBlank() && id.length() <= 64, "must be 1 to 64 characters");
    public static final Setting<Integer> IO_THREADS = Setting.integer("io-threads", 0,
                    "Event loop threads; 0 is one per core.")
            .check(n -> n >= 0, "must not be negative");
    public static final Setting<IoTransport> TRANSPORT = Setting.choice("transport", IoTransport::parse,
            IoTransport::toString, IoTransport.AUTO, "I/O transport: auto, epoll or nio.")
            .label("auto|epoll|nio");
    public static final Setting<Duration> HANDSHAKE_TIMEOUT = Setting.duration("handshake-timeout",
                    Duration.ofSeconds(10), "Time to finish TLS and to send each whole HTTP request.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Integer> MAX_HEADER_BYTES = Setting.integer("max-header-bytes", 8192,
                    "Largest request head (431 beyond); gRPC metadata too.")
            .check(n -> n >= 1024, "must be at least 1024");
    public static final Setting<Integer> MAX_REQUEST_LINE_BYTES = Setting.integer("max-request-line-bytes", 4096,
                    "Longest request line (414 beyond).")
            .check(n -> n >= 256, "must be at least 256");
    public static final Setting<Duration> DRAIN_TIMEOUT = Setting.duration("drain-timeout", Duration.ofSeconds(10),
                    "On SIGTERM, how long to wait for clients to leave before closing what is left.")
            .check(d -> !d.isNegative(), "must not be negative");

    // Connections: one client connection's frames, queues and timers.

    public static final Setting<Integer> MAX_FRAME_BYTES = Setting.integer("max-frame-bytes", 64 * 1024,
                    "Largest message a client may send.")
            .check(n -> n >= 1024, "must be at least 1024");
    public static final Setting<Integer> MAX_JSON_DEPTH = Setting.integer("max-json-depth", 32,
                    "Deepest nesting of a command's JSON.")
            .check(n -> n >= 2 && n <= 1000, "must be 2 to 1000");
    public static final Setting<Integer> MAX_ROOMS_PER_CONNECTION = Setting.integer("max-rooms-per-connection", 128,
                    "Rooms one connection may be in.")
            .check(n -> n >= 1, "must be at least 1");
    public static final Setting<Integer> OUTBOUND_QUEUE_BYTES = Setting.integer("outbound-queue-bytes", 1024 * 1024,
                    "Bytes waiting for a client before it is closed as a slow consumer.")
            .check(n -> n >= 16 * 1024, "must be at least 16384");
    public static final Setting<Integer> MAX_PENDING_COMMANDS = Setting.integer("max-pending-commands", 256,
                    "Commands waiting per connection before the server stops reading it.")
            .check(n -> n >= 1, "must be at least 1");
    public static final Setting<Duration> PING_INTERVAL = Setting.duration("ping-interval", Duration.ofSeconds(25),
                    "How often the server pings each WebSocket (and gRPC keepalive).")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("idle-timeout", Duration.ofSeconds(60),
            "A connection silent this long is closed; also the idle time of HTTP keep-alive.");
    public static final Setting<Duration> CLOSE_TIMEOUT = Setting.duration("close-timeout", Duration.ofSeconds(5),
                    "Wait for the client's close frame before dropping the connection.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("connect-timeout",
                    Duration.ofSeconds(10), "Time a WebSocket without a token has to send its connect frame.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Boolean> COMPRESSION = Setting.bool("compression", false,
            "Offer permessage-deflate on WebSocket.");

    // Streaming: SSE and long-polling sessions.

    public static final Setting<Duration> SESSION_HOLD = Setting.duration("session-hold", Duration.ofSeconds(60),
                    "An SSE or long-polling session lives this long with no stream or poll.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> SSE_HEARTBEAT = Setting.duration("sse-heartbeat", Duration.ofSeconds(15),
                    "Comment lines on idle SSE streams.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> POLL_WAIT = Setting.duration("poll-wait", Duration.ofSeconds(25),
            "The longest a poll waits for frames.");

    // Cluster: Redis and the other nodes.

    public static final Setting<String> REDIS = Setting.choice("redis", v -> v, RedisUris::redacted, null,
                    "Form a cluster through this Redis, e.g. redis://127.0.0.1:6379; several URIs separated by "
                            + "commas spread rooms over them. Without it the node runs alone, in memory.")
            .label("URI")
            .check(RedisUris::valid, uri -> "must be redis:// or rediss:// URIs separated by commas, each naming "
                    + "another instance, was " + RedisUris.redacted(uri));
    public static final Setting<String> REDIS_PREFIX = Setting.text("redis-prefix", "sb:",
                    "Prefix of every Redis key and channel.")
            .check(p -> !p.isEmpty(), "must not be empty");
    public static final Setting<Boolean> REDIS_CLUSTER = Setting.bool("redis-cluster", false,
            "The redis URIs are nodes of one Redis Cluster: rooms spread over its masters by slot.");
    public static final Setting<Duration> REDIS_COMMAND_TIMEOUT = Setting.duration("redis-command-timeout",
                    Duration.ofSeconds(2), "A Redis command slower than this fails.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> HEARTBEAT_INTERVAL = Setting.duration("heartbeat-interval",
                    Duration.ofSeconds(2), "How often a node renews its heartbeat and looks for dead nodes.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> NODE_TIMEOUT = Setting.duration("node-timeout", Duration.ofSeconds(10),
            "A node silent this long is dead: the others remove its connections.");
    public static final Setting<Duration> POSITION_CHECK_INTERVAL = Setting.duration("position-check-interval",
                    Duration.ofSeconds(15), "How often a node compares each stream it follows with Redis, to find "
                            + "publications pub/sub lost while its connection was down; 0 never does.")
            .check(d -> d.isZero() || d.toMillis() >= 100, "must be 0 (off) or at least 100ms");
    public static final Setting<Duration> UNSUBSCRIBE_GRACE = Setting.duration("unsubscribe-grace",
                    Duration.ofSeconds(2), "A channel with no local member stays subscribed this long.")
            .check(d -> !d.isNegative(), "must not be negative");

    // History: what is kept for recovery.

    public static final Setting<Integer> HISTORY_SIZE = historySize("history", "Messages each room keeps for "
            + "recovery; 0 keeps none.");
    public static final Setting<Duration> HISTORY_TTL = historyTtl("history", "How long a room's history is kept "
            + "after its last message.");
    public static final Setting<Integer> DIRECT_HISTORY_SIZE = historySize("direct-history", "Direct messages each "
            + "user's stream keeps for recovery; 0 keeps none.");
    public static final Setting<Duration> DIRECT_HISTORY_TTL = historyTtl("direct-history", "How long a user's "
            + "direct messages are kept after the last one.");
    public static final Setting<Duration> HISTORY_META_TTL = Setting.duration("history-meta-ttl", Duration.ofDays(1),
            "How long a stream's offset and epoch outlive its last message (longer than every history TTL).");

    // TLS.

    public static final Setting<Path> TLS_CERT = Setting.path("tls.cert",
                    "PEM certificate chain: serve TLS (with tls.key).")
            .check(Files::isReadable, p -> "cannot read " + p);
    public static final Setting<Path> TLS_KEY = Setting.path("tls.key", "PEM private key (PKCS#8) of tls.cert.")
            .check(Files::isReadable, p -> "cannot read " + p);
    public static final Setting<Boolean> TLS_SELF_SIGNED = Setting.bool("tls.self-signed", false,
            "Serve TLS with a certificate made at start-up (development only).");

    // Security: tokens, origins, who may scrape metrics.

    public static final Setting<List<String>> ALLOWED_ORIGINS = Setting.textList("allowed-origins",
                    "An origin that may connect from a browser (origin check and CORS), e.g. "
                            + "https://app.example.com; * allows any.")
            .flag("--allowed-origin").label("ORIGIN")
            .check(list -> list.stream().allMatch(o -> o.equals("*") || o.matches("https?://[^/\\s]+")),
                    list -> "must be * or scheme://host[:port], was " + list.stream()
                            .filter(o -> !o.equals("*") && !o.matches("https?://[^/\\s]+")).findFirst().orElse(""));
    public static final Setting<List<String>> JWT_SECRETS = Setting.textList("jwt.secrets",
                    "Require tokens (JWT) signed with this HMAC secret (at least 32 bytes).")
            .flag("--jwt-secret").label("SECRET").secret()
            .check(list -> list.stream().allMatch(s -> s.getBytes(StandardCharsets.UTF_8).length >= 32),
                    "must be at least 32 bytes (256 bits)");
    public static final Setting<List<Path>> JWT_PUBLIC_KEYS = Setting.pathList("jwt.public-keys",
                    "Require tokens signed with the key in this PEM file (RSA or EC).")
            .flag("--jwt-public-key")
            .check(list -> list.stream().allMatch(Files::isReadable), list -> "cannot read " + list.stream()
                    .filter(p -> !Files.isReadable(p)).findFirst().orElse(null));
    public static final Setting<Path> JWT_JWKS = Setting.path("jwt.jwks",
                    "Require tokens signed with a key of this JWKS file (chosen by kid).")
            .flag("--jwks")
            .check(Files::isReadable, p -> "cannot read " + p);
    public static final Setting<String> JWT_ISSUER = Setting.text("jwt.issuer", null,
            "The iss every token must carry.");
    public static final Setting<String> JWT_AUDIENCE = Setting.text("jwt.audience", null,
            "An aud every token must carry.");
    public static final Setting<Duration> JWT_LEEWAY = Setting.duration("jwt.leeway", JwtSettings.NONE.leeway(),
                    "Clock skew allowed on exp and nbf.")
            .check(d -> !d.isNegative() && d.compareTo(Duration.ofMinutes(5)) <= 0, "must be 0 to 5 minutes");
    public static final Setting<Boolean> METRICS_REQUIRE_API_KEY = Setting.bool("metrics.require-api-key", false,
            "Serve /metrics only to callers presenting one of the API keys.");

    // Limits: budgets per connection, user, address and API key.

    public static final Setting<Integer> MAX_CONNECTIONS_PER_USER = Setting.integer("max-connections-per-user", 100,
                    "Open connections one user may have; 0 is no limit.")
            .check(n -> n >= 0, "must not be negative");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_IP = Setting.integer("max-connections-per-ip", 0,
                    "Open connections from one IP address on this node; 0 is no limit.")
            .check(n -> n >= 0, "must not be negative");
    public static final Setting<Double> CONNECTION_RATE_PER_IP = Setting.decimal("connection-rate-per-ip", 0,
                    "New connections per second from one IP address (bursts of twice that); 0 is no limit.")
            .check(n -> n >= 0, "must not be negative");
    public static final Setting<Double> COMMAND_RATE = Setting.decimal("command-rate", 100,
                    "Commands per second one connection may send; 0 is no limit.")
            .check(n -> n >= 0, "must not be negative");
    public static final Setting<Integer> COMMAND_BURST = Setting.integer("command-burst", 200,
                    "Commands one connection may send at once.")
            .check(n -> n >= 1, "must be at least 1");
    public static final Setting<Double> API_RATE = Setting.decimal("api.requests-per-second", 100,
                    "Server API calls per second per key, REST and gRPC together.")
            .flag("--api-rate")
            .check(n -> n > 0, "must be positive");
    public static final Setting<Integer> API_BURST = Setting.integer("api.burst", 200,
                    "Server API calls one key may make at once.")
            .check(n -> n >= 1, "must be at least 1");

    // Rooms of no configured namespace.

    public static final Setting<RoomPolicy.Publish> ROOMS_PUBLISH = Setting.choice("rooms.publish",
            Settings::publish, RoomPolicy.Publish::wireName, RoomPolicy.DEFAULT.publish(),
            "Who may publish to rooms of no configured namespace.").label("members|anyone|server");
    public static final Setting<Boolean> ROOMS_PRESENCE = Setting.bool("rooms.presence",
            RoomPolicy.DEFAULT.presence(), "Whether clients may ask who is in a room of no configured namespace.");
    public static final Setting<Boolean> ROOMS_JOIN_LEAVE = Setting.bool("rooms.join-leave",
            RoomPolicy.DEFAULT.joinLeave(), "Whether members of rooms of no configured namespace see join and leave.");

    // gRPC.

    public static final Setting<Integer> GRPC_PORT = Setting.integer("grpc.port", 9090,
                    "Port of the gRPC API; 0 picks a free one, -1 serves no gRPC.")
            .check(p -> p >= -1 && p <= 65535, p -> "must be -1 (off) or 0 to 65535, was " + p);
    public static final Setting<Duration> GRPC_MAX_CONNECTION_AGE = Setting.duration("grpc.max-connection-age",
                    Duration.ofMinutes(30),
                    "Age at which a gRPC connection is asked to reconnect, so load balancers spread connections again.")
            .check(Settings::positive, "must be positive");
    public static final Setting<Duration> GRPC_MAX_CONNECTION_AGE_GRACE = Setting.duration(
                    "grpc.max-connection-age-grace", Duration.ofMinutes(1), "Time calls may go on after that.")
            .check(d -> !d.isNegative(), "must not be negative");

    /** Every setting, in the order {@code config check} prints them. */
    public static final List<Setting<?>> ALL = List.of(
            HOST, PORT, NODE_ID, IO_THREADS, TRANSPORT, HANDSHAKE_TIMEOUT, MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES,
            DRAIN_TIMEOUT,
            MAX_FRAME_BYTES, MAX_JSON_DEPTH, MAX_ROOMS_PER_CONNECTION, OUTBOUND_QUEUE_BYTES, MAX_PENDING_COMMANDS,
            PING_INTERVAL, IDLE_TIMEOUT, CLOSE_TIMEOUT, CONNECT_TIMEOUT, COMPRESSION,
            SESSION_HOLD, SSE_HEARTBEAT, POLL_WAIT,
            REDIS, REDIS_PREFIX, REDIS_CLUSTER, REDIS_COMMAND_TIMEOUT, HEARTBEAT_INTERVAL, NODE_TIMEOUT,
            POSITION_CHECK_INTERVAL, UNSUBSCRIBE_GRACE,
            HISTORY_SIZE, HISTORY_TTL, DIRECT_HISTORY_SIZE, DIRECT_HISTORY_TTL, HISTORY_META_TTL,
            TLS_CERT, TLS_KEY, TLS_SELF_SIGNED,
            ALLOWED_ORIGINS, JWT_SECRETS, JWT_PUBLIC_KEYS, JWT_JWKS, JWT_ISSUER, JWT_AUDIENCE, JWT_LEEWAY,
            METRICS_REQUIRE_API_KEY,
            MAX_CONNECTIONS_PER_USER, MAX_CONNECTIONS_PER_IP, CONNECTION_RATE_PER_IP, COMMAND_RATE, COMMAND_BURST,
            API_RATE, API_BURST,
            ROOMS_PUBLISH, ROOMS_PRESENCE, ROOMS_JOIN_LEAVE,
            GRPC_PORT, GRPC_MAX_CONNECTION_AGE, GRPC_MAX_CONNECTION_AGE_GRACE);

    static Setting<Integer> historySize(String prefix, String help) {
        return Setting.integer(prefix + ".size", HistoryOptions.DEFAULT.size(), help)
                .check(n -> n >= 0 && n <= 1_000_000, "must be 0 to 1000000");
    }

    static Setting<Duration> historyTtl(String prefix, String help) {
        return Setting.duration(prefix + ".ttl", HistoryOptions.DEFAULT.ttl(), help)
                .check(d -> !d.isNegative(), "must not be negative");
    }

    static RoomPolicy.Publish publish(String text) {
        try {
            return RoomPolicy.Publish.parse(text);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException("rooms.publish", "must be members, anyone or server, was '" + text + "'");
        }
    }

    static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

}
