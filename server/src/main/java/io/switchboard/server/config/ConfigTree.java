package io.switchboard.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.switchboard.server.history.HistoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's settings as one tree, from the sources in order of precedence: a YAML file, then
 * {@code SWITCHBOARD_*} environment variables, then flags (each later source replaces what an
 * earlier one set). Keys are the names written in the file, dotted for nesting
 * ({@code history.size}, {@code jwt.issuer}); the environment variable of a key is
 * {@code SWITCHBOARD_} and the key in capitals with {@code .} and {@code -} as {@code _}
 * ({@code SWITCHBOARD_HISTORY_SIZE}); lists there are comma-separated. A key no setting has, or
 * a value a setting cannot take, fails with an {@link InvalidConfigException} naming it.
 */
public final class ConfigTree {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");
    private static final String SECRET = "(hidden)";

    /** Every fixed setting, by key; {@code true} for the lists. */
    private static final Map<String, Boolean> KEYS = new LinkedHashMap<>();

    static {
        for (String key : List.of("host", "port", "node-id", "io-threads", "transport", "max-frame-bytes",
                "max-rooms-per-connection", "outbound-queue-bytes", "max-pending-commands", "ping-interval",
                "idle-timeout", "close-timeout", "drain-timeout", "redis", "redis-prefix", "redis-cluster",
                "redis-command-timeout",
                "heartbeat-interval", "node-timeout", "unsubscribe-grace", "history.size", "history.ttl",
                "direct-history.size", "direct-history.ttl", "history-meta-ttl", "session-hold", "sse-heartbeat",
                "poll-wait", "tls.cert", "tls.key", "tls.self-signed", "jwt.jwks", "jwt.issuer", "jwt.audience",
                "jwt.leeway", "api.requests-per-second", "api.burst", "rooms.publish", "rooms.presence",
                "rooms.join-leave", "max-connections-per-user", "max-connections-per-ip", "connection-rate-per-ip",
                "command-rate", "command-burst", "max-json-depth", "handshake-timeout", "connect-timeout",
                "max-header-bytes", "max-request-line-bytes", "compression", "metrics.require-api-key", "grpc.port",
                "grpc.max-connection-age", "grpc.max-connection-age-grace")) {
            KEYS.put(key, false);
        }
        for (String key : List.of("allowed-origins", "jwt.secrets", "jwt.public-keys")) {
            KEYS.put(key, true);
        }
    }

    private final ObjectNode root;

    private ConfigTree(ObjectNode root) {
        this.root = root;
    }

    /** No settings: every one at its default. */
    public static ConfigTree empty() {
        return new ConfigTree(JSON.objectNode());
    }

    /** The settings of a YAML file. */
    public static ConfigTree read(Path file) {
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException("config", "no file " + file);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("config", file + " is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new InvalidConfigException("config", "cannot read " + file + ": " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return empty();
        }
        if (!tree.isObject()) {
            throw new InvalidConfigException("config", file + " must hold a mapping of settings");
        }
        return new ConfigTree((ObjectNode) tree);
    }

    /** Applies the {@code SWITCHBOARD_*} variables of {@code environment} over what is set. */
    public ConfigTree applyEnvironment(Map<String, String> environment) {
        KEYS.forEach((key, list) -> {
            String value = environment.get(environmentName(key));
            if (value == null) {
                return;
            }
            if (list) {
                setList(key, value.isBlank() ? List.of() : List.of(value.split(",")));
            } else {
                set(key, value);
            }
        });
        String keys = environment.get("SWITCHBOARD_API_KEYS");
        if (keys != null) {
            ObjectNode apiKeys = JSON.objectNode();
            for (String entry : keys.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidConfigException("api-keys", "SWITCHBOARD_API_KEYS is NAME=KEY,NAME=KEY");
                }
                apiKeys.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
            root.set("api-keys", apiKeys);
        }
        return this;
    }

    /** The environment variable of a setting: {@code history.size} is {@code SWITCHBOARD_HISTORY_SIZE}. */
    public static String environmentName(String key) {
        return "SWITCHBOARD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Sets a setting (a dotted key) to a value, replacing what was there. */
    public ConfigTree set(String key, String value) {
        parent(key).put(leaf(key), value);
        return this;
    }

    /** Sets a list setting, replacing what was there. */
    public ConfigTree setList(String key, List<String> values) {
        ArrayNode array = parent(key).putArray(leaf(key));
        values.forEach(v -> array.add(v.trim()));
        return this;
    }

    /** Adds an API key; a key of the same name is replaced. */
    public ConfigTree apiKey(String name, String key) {
        // Names may hold dots: written as one field, not as a dotted path.
        section("api-keys").put(name, key);
        return this;
    }

    /** Sets one option of a namespace ({@code publish}, {@code presence}, {@code history.size}, ...). */
    public ConfigTree namespace(String namespace, String option, String value) {
        ObjectNode namespaces = section("namespaces");
        JsonNode options = namespaces.get(namespace);
        ObjectNode node = options instanceof ObjectNode ? (ObjectNode) options : namespaces.putObject(namespace);
        String[] path = option.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            node = child instanceof ObjectNode ? (ObjectNode) child : node.putObject(path[i]);
        }
        node.put(path[path.length - 1], value);
        return this;
    }

    /** The top-level mapping {@code name}, made when missing. */
    private ObjectNode section(String name) {
        JsonNode node = root.get(name);
        return node instanceof ObjectNode ? (ObjectNode) node : root.putObject(name);
    }

    private ObjectNode parent(String key) {
        ObjectNode node = root;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        return node;
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** A builder with every setting the tree holds; fails naming the first key that is wrong. */
    public ServerConfig.Builder builder() {
        Reader r = new Reader(root);
        ServerConfig.Builder b = ServerConfig.builder();
        ServerConfig defaults = ServerConfig.builder().build();
        r.text("host", b::host);
        r.integer("port", b::port);
        r.text("node-id", b::nodeId);
        r.integer("io-threads", b::ioThreads);
        r.value("transport", IoTransport::parse, b::transport);
        r.integer("max-frame-bytes", b::maxFrameBytes);
        r.integer("max-rooms-per-connection", b::maxRoomsPerConnection);
        r.integer("outbound-queue-bytes", b::outboundQueueBytes);
        r.integer("max-pending-commands", b::maxPendingCommands);
        r.duration("ping-interval", b::pingInterval);
        r.duration("idle-timeout", b::idleTimeout);
        r.duration("close-timeout", b::closeTimeout);
        r.duration("drain-timeout", b::drainTimeout);
        r.text("redis", b::redisUri);
        r.text("redis-prefix", b::redisPrefix);
        r.bool("redis-cluster", b::redisCluster);
        r.duration("redis-command-timeout", b::redisCommandTimeout);
        r.duration("heartbeat-interval", b::heartbeatInterval);
        r.duration("node-timeout", b::nodeTimeout);
        r.duration("unsubscribe-grace", b::unsubscribeGrace);
        b.defaultHistory(r.history("history", defaults.defaultHistory()));
        b.directHistory(r.history("direct-history", defaults.directHistory()));
        r.duration("history-meta-ttl", b::historyMetaTtl);
        r.duration("session-hold", b::sessionHold);
        r.duration("sse-heartbeat", b::sseHeartbeat);
        r.duration("poll-wait", b::pollWait);
        Path[] tls = new Path[2];
        r.text("tls.cert", v -> tls[0] = Path.of(v));
        r.text("tls.key", v -> tls[1] = Path.of(v));
        b.tls(tls[0], tls[1]);
        r.bool("tls.self-signed", b::tlsSelfSigned);
        r.list("allowed-origins").forEach(b::allowedOrigin);
        JwtSettings jwt = JwtSettings.NONE;
        List<String> secrets = r.list("jwt.secrets");
        List<Path> publicKeys = r.list("jwt.public-keys").stream().map(Path::of).toList();
        Path[] jwks = new Path[1];
        r.text("jwt.jwks", v -> jwks[0] = Path.of(v));
        String[] claims = new String[2];
        r.text("jwt.issuer", v -> claims[0] = v);
        r.text("jwt.audience", v -> claims[1] = v);
        Duration[] leeway = {jwt.leeway()};
        r.duration("jwt.leeway", v -> leeway[0] = v);
        b.jwt(new JwtSettings(secrets, publicKeys, jwks[0], claims[0], claims[1], leeway[0]));
        r.objectEntries("api-keys").forEach((name, key) -> b.apiKey(name, r.textAt("api-keys." + name, key)));
        double[] api = {defaults.apiRequestsPerSecond(), defaults.apiBurst()};
        r.decimal("api.requests-per-second", v -> api[0] = v);
        r.integer("api.burst", v -> api[1] = v);
        b.apiRate(api[0], (int) api[1]);
        b.defaultPolicy(r.policy("rooms", RoomPolicy.DEFAULT));
        r.objectEntries("namespaces").forEach((ns, options) -> {
            String prefix = "namespaces." + ns;
            if (!options.isObject()) {
                throw new InvalidConfigException(prefix, "must be a mapping of options");
            }
            RoomPolicy policy = r.policy(prefix, RoomPolicy.DEFAULT);
            if (!policy.equals(RoomPolicy.DEFAULT)) {
                b.namespacePolicy(ns, policy);
            }
            if (options.has("history")) {
                b.namespaceHistory(ns, r.history(prefix + ".history", defaults.defaultHistory()));
            }
        });
        r.integer("max-connections-per-user", b::maxConnectionsPerUser);
        r.integer("max-connections-per-ip", b::maxConnectionsPerIp);
        r.decimal("connection-rate-per-ip", b::connectionRatePerIp);
        double[] commands = {defaults.commandsPerSecond(), defaults.commandBurst()};
        r.decimal("command-rate", v -> commands[0] = v);
        r.integer("command-burst", v -> commands[1] = v);
        b.commandRate(commands[0], (int) commands[1]);
        r.integer("max-json-depth", b::maxJsonDepth);
        r.duration("handshake-timeout", b::handshakeTimeout);
        r.duration("connect-timeout", b::connectTimeout);
        r.integer("max-header-bytes", b::maxHeaderBytes);
        r.integer("max-request-line-bytes", b::maxRequestLineBytes);
        r.bool("compression", b::compression);
        r.bool("metrics.require-api-key", b::metricsRequireApiKey);
        r.integer("grpc.port", b::grpcPort);
        Duration[] age = {defaults.grpcMaxConnectionAge(), defaults.grpcMaxConnectionAgeGrace()};
        r.duration("grpc.max-connection-age", v -> age[0] = v);
        r.duration("grpc.max-connection-age-grace", v -> age[1] = v);
        b.grpcMaxConnectionAge(age[0], age[1]);
        r.rejectUnread();
        return b;
    }

    /** The whole effective configuration as YAML, secrets hidden: what {@code config check} prints. */
    public static String describe(ServerConfig c) {
        ObjectNode out = JSON.objectNode();
        out.put("host", c.host()).put("port", c.port()).put("node-id", c.nodeId()).put("io-threads", c.ioThreads())
                .put("transport", c.transport().toString()).put("max-frame-bytes", c.maxFrameBytes())
                .put("max-rooms-per-connection", c.maxRoomsPerConnection())
                .put("outbound-queue-bytes", c.outboundQueueBytes())
                .put("max-pending-commands", c.maxPendingCommands())
                .put("ping-interval", duration(c.pingInterval())).put("idle-timeout", duration(c.idleTimeout()))
                .put("close-timeout", duration(c.closeTimeout())).put("drain-timeout", duration(c.drainTimeout()))
                .put("redis", ServerConfig.redacted(c.redisUri())).put("redis-prefix", c.redisPrefix())
                .put("redis-cluster", c.redisCluster())
                .put("redis-command-timeout", duration(c.redisCommandTimeout()))
                .put("heartbeat-interval", duration(c.heartbeatInterval()))
                .put("node-timeout", duration(c.nodeTimeout()))
                .put("unsubscribe-grace", duration(c.unsubscribeGrace()));
        history(out.putObject("history"), c.defaultHistory());
        history(out.putObject("direct-history"), c.directHistory());
        out.put("history-meta-ttl", duration(c.historyMetaTtl())).put("session-hold", duration(c.sessionHold()))
                .put("sse-heartbeat", duration(c.sseHeartbeat())).put("poll-wait", duration(c.pollWait()));
        out.putObject("tls").put("cert", c.tlsCert() == null ? null : c.tlsCert().toString())
                .put("key", c.tlsKey() == null ? null : c.tlsKey().toString()).put("self-signed", c.tlsSelfSigned());
        ArrayNode origins = out.putArray("allowed-origins");
        c.allowedOrigins().forEach(origins::add);
        ObjectNode jwt = out.putObject("jwt");
        ArrayNode secrets = jwt.putArray("secrets");
        c.jwt().hmacSecrets().forEach(s -> secrets.add(SECRET));
        ArrayNode keys = jwt.putArray("public-keys");
        c.jwt().publicKeys().forEach(k -> keys.add(k.toString()));
        jwt.put("jwks", c.jwt().jwks() == null ? null : c.jwt().jwks().toString()).put("issuer", c.jwt().issuer())
                .put("audience", c.jwt().audience()).put("leeway", duration(c.jwt().leeway()));
        ObjectNode apiKeys = out.putObject("api-keys");
        c.apiKeys().keySet().stream().sorted().forEach(name -> apiKeys.put(name, SECRET));
        out.putObject("api").put("requests-per-second", c.apiRequestsPerSecond()).put("burst", c.apiBurst());
        policy(out.putObject("rooms"), c.defaultPolicy());
        ObjectNode namespaces = out.putObject("namespaces");
        c.namespacePolicies().forEach((ns, p) -> policy(namespaces.with(ns), p));
        c.namespaceHistories().forEach((ns, h) -> history(namespaces.with(ns).putObject("history"), h));
        out.put("max-connections-per-user", c.maxConnectionsPerUser())
                .put("max-connections-per-ip", c.maxConnectionsPerIp())
                .put("connection-rate-per-ip", c.connectionRatePerIp()).put("command-rate", c.commandsPerSecond())
                .put("command-burst", c.commandBurst()).put("max-json-depth", c.maxJsonDepth())
                .put("handshake-timeout", duration(c.handshakeTimeout()))
                .put("connect-timeout", duration(c.connectTimeout())).put("max-header-bytes", c.maxHeaderBytes())
                .put("max-request-line-bytes", c.maxRequestLineBytes()).put("compression", c.compression());
        out.putObject("metrics").put("require-api-key", c.metricsRequireApiKey());
        out.putObject("grpc").put("port", c.grpcPort())
                .put("max-connection-age", duration(c.grpcMaxConnectionAge()))
                .put("max-connection-age-grace", duration(c.grpcMaxConnectionAgeGrace()));
        try {
            return YAML.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a settings tree cannot be written", e);
        }
    }

    private static void history(ObjectNode node, HistoryOptions history) {
        node.put("size", history.size()).put("ttl", duration(history.ttl()));
    }

    private static void policy(ObjectNode node, RoomPolicy policy) {
        node.put("publish", policy.publish().wireName()).put("presence", policy.presence())
                .put("join-leave", policy.joinLeave());
    }

    /** A duration as written in settings: the largest unit that divides it. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        } else if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * Reads {@code 500ms}, {@code 10s}, {@code 15m}, {@code 1h}, {@code 7d}, or a bare number of
     * seconds; fails naming {@code key}.
     */
    public static Duration parseDuration(String key, String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidConfigException(key, "'" + text + "' is not a duration such as 500ms, 10s, 15m, 1h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    /** Reads settings off the tree, remembering which it read, so that the rest can be named as unknown. */
    private static final class Reader {
        private final ObjectNode root;
        private final java.util.Set<String> read = new java.util.HashSet<>();

        Reader(ObjectNode root) {
            this.root = root;
        }

        private JsonNode at(String key) {
            read.add(key);
            JsonNode node = root;
            for (String part : key.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            return node == null || node.isNull() ? null : node;
        }

        <T> void value(String key, Function<String, T> parse, java.util.function.Consumer<T> apply) {
            JsonNode node = at(key);
            if (node == null) {
                return;
            }
            if (!node.isValueNode()) {
                throw new InvalidConfigException(key, "must be a single value");
            }
            T value;
            try {
                value = parse.apply(node.asText());
            } catch (InvalidConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidConfigException(key, "'" + node.asText() + "' " + describe(e));
            }
            apply.accept(value);
        }

        void text(String key, java.util.function.Consumer<String> apply) {
            value(key, v -> v, apply);
        }

        String textAt(String key, JsonNode node) {
            if (!node.isValueNode()) {
                throw new InvalidConfigException(key, "must be a single value");
            }
            return node.asText();
        }

        void integer(String key, java.util.function.IntConsumer apply) {
            value(key, v -> {
                try {
                    return Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidConfigException(key, "'" + v + "' is not a whole number");
                }
            }, apply::accept);
        }

        void decimal(String key, java.util.function.DoubleConsumer apply) {
            value(key, v -> {
                try {
                    return Double.parseDouble(v.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidConfigException(key, "'" + v + "' is not a number");
                }
            }, apply::accept);
        }

        void bool(String key, java.util.function.Consumer<Boolean> apply) {
            value(key, v -> {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(v);
                }
                throw new InvalidConfigException(key, "must be true or false, was '" + v + "'");
            }, apply);
        }

        void duration(String key, java.util.function.Consumer<Duration> apply) {
            value(key, v -> parseDuration(key, v), apply);
        }

        List<String> list(String key) {
            JsonNode node = at(key);
            List<String> values = new ArrayList<>();
            if (node == null) {
                return values;
            }
            if (node.isValueNode()) {
                values.add(node.asText());
                return values;
            }
            if (!node.isArray()) {
                throw new InvalidConfigException(key, "must be a list");
            }
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    throw new InvalidConfigException(key, "must be a list of values");
                }
                values.add(item.asText());
            }
            return values;
        }

        /** The entries of a mapping whose keys are names (namespaces, API keys); all read. */
        Map<String, JsonNode> objectEntries(String key) {
            JsonNode node = at(key);
            if (key.equals("namespaces")) {
                // Each namespace's options are read one by one; any other key in them is unknown.
                read.remove(key);
            }
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            if (node == null) {
                return entries;
            }
            if (!node.isObject()) {
                throw new InvalidConfigException(key, "must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                entries.put(entry.getKey(), entry.getValue());
                if (!key.equals("namespaces")) {
                    // A namespace's options are read one by one; an API key is a leaf.
                    read.add(key + "." + entry.getKey());
                }
            }
            return entries;
        }

        HistoryOptions history(String key, HistoryOptions fallback) {
            int[] size = {fallback.size()};
            Duration[] ttl = {fallback.ttl()};
            integer(key + ".size", v -> size[0] = v);
            duration(key + ".ttl", v -> ttl[0] = v);
            return new HistoryOptions(size[0], ttl[0]);
        }

        RoomPolicy policy(String key, RoomPolicy fallback) {
            RoomPolicy.Publish[] publish = {fallback.publish()};
            boolean[] flags = {fallback.presence(), fallback.joinLeave()};
            value(key + ".publish", v -> {
                try {
                    return RoomPolicy.Publish.parse(v);
                } catch (InvalidConfigException e) {
                    throw new InvalidConfigException(key + ".publish", "must be members, anyone or server, was '" + v + "'");
                }
            }, v -> publish[0] = v);
            bool(key + ".presence", v -> flags[0] = v);
            bool(key + ".join-leave", v -> flags[1] = v);
            return new RoomPolicy(publish[0], flags[0], flags[1]);
        }

        /** Fails on the first leaf of the tree that no setting read: a typo, or a setting that does not exist. */
        void rejectUnread() {
            List<String> unknown = new ArrayList<>();
            collectLeaves("", root, unknown);
            if (!unknown.isEmpty()) {
                throw new InvalidConfigException(unknown.get(0), "no such setting (see docs/configuration.md)");
            }
        }

        private void collectLeaves(String prefix, JsonNode node, List<String> unknown) {
            if (read.contains(prefix) || node.isNull() || node.isObject() && node.isEmpty() && !prefix.isEmpty()
                    && (KEYS.keySet().stream().anyMatch(k -> k.startsWith(prefix + ".")) || prefix.equals("namespaces")
                    || prefix.equals("api-keys"))) {
                // Read, or an empty section of settings that exist ('jwt:' with nothing under it).
                return;
            }
            if (node.isObject() && node.size() > 0) {
                node.fields().forEachRemaining(e -> collectLeaves(
                        prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), unknown));
            } else if (!prefix.isEmpty()) {
                unknown.add(prefix);
            }
        }

        private static String describe(RuntimeException e) {
            return e.getMessage() == null ? "is not valid" : "is not valid: " + e.getMessage();
        }
    }
}
