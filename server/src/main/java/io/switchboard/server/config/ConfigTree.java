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
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

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
    static final String SECRET = "(hidden)";

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
        for (Setting<?> setting : Settings.ALL) {
            String value = environment.get(setting.environmentVariable());
            if (value == null) {
                continue;
            }
            if (setting.isList()) {
                setList(setting.key(), value.isBlank() ? List.of() : List.of(value.split(",")));
            } else {
                set(setting.key(), value);
            }
        }
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
        for (Setting<?> setting : Settings.ALL) {
            r.read(setting, b);
        }
        r.objectEntries("api-keys").forEach((name, key) -> b.apiKey(name, r.textAt("api-keys." + name, key)));
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
                b.namespaceHistory(ns, r.history(prefix + ".history", HistoryOptions.DEFAULT));
            }
        });
        r.rejectUnread();
        return b;
    }

    /** The whole effective configuration as YAML, secrets hidden: what {@code config check} prints. */
    public static String describe(ServerConfig c) {
        ObjectNode out = JSON.objectNode();
        for (Setting<?> setting : Settings.ALL) {
            put(out, setting.key(), describe(c, setting));
        }
        ObjectNode apiKeys = out.putObject("api-keys");
        c.apiKeys().keySet().stream().sorted().forEach(name -> apiKeys.put(name, SECRET));
        ObjectNode namespaces = out.putObject("namespaces");
        c.rooms().namespaces().forEach((ns, p) -> policy(namespaces.with(ns), p));
        c.history().namespaces().forEach((ns, h) -> history(namespaces.with(ns).putObject("history"), h));
        try {
            return YAML.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a settings tree cannot be written", e);
        }
    }

    private static <T> Object describe(ServerConfig c, Setting<T> setting) {
        return setting.describe(c.value(setting));
    }

    /** Writes {@code value} at the dotted {@code key} of {@code out}. */
    private static void put(ObjectNode out, String key, Object value) {
        ObjectNode node = out;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.with(parts[i]);
        }
        node.set(parts[parts.length - 1], YAML.valueToTree(value));
    }

    private static void history(ObjectNode node, HistoryOptions history) {
        node.put("size", history.size()).put("ttl", Setting.formatDuration(history.ttl()));
    }

    private static void policy(ObjectNode node, RoomPolicy policy) {
        node.put("publish", policy.publish().wireName()).put("presence", policy.presence())
                .put("join-leave", policy.joinLeave());
    }

    /** Reads settings off the tree, remembering which it read, so that the rest can be named as unknown. */
    private static final class Reader {
        private final ObjectNode root;
        private final Set<String> read = new HashSet<>();

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

        /** Sets {@code setting} on {@code builder} when the tree holds it. */
        <T> void read(Setting<T> setting, ServerConfig.Builder builder) {
            String key = setting.key();
            if (setting.isList()) {
                List<String> items = list(key);
                if (items != null) {
                    builder.set(setting, setting.parseList(items));
                }
                return;
            }
            value(key, setting::parse, v -> builder.set(setting, v));
        }

        <T> void value(String key, Function<String, T> parse, Consumer<T> apply) {
            JsonNode node = at(key);
            if (node == null) {
                return;
            }
            if (!node.isValueNode()) {
                throw new InvalidConfigException(key, "must be a single value");
            }
            apply.accept(parse.apply(node.asText()));
        }

        String textAt(String key, JsonNode node) {
            if (!node.isValueNode()) {
                throw new InvalidConfigException(key, "must be a single value");
            }
            return node.asText();
        }

        /** The items of a list setting (a single value is a list of one), or null when it is not set. */
        List<String> list(String key) {
            JsonNode node = at(key);
            if (node == null) {
                return null;
            }
            List<String> values = new ArrayList<>();
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

        /** A namespace's history: its size and TTL, each falling back to {@code fallback}'s. */
        HistoryOptions history(String key, HistoryOptions fallback) {
            int[] size = {fallback.size()};
            Duration[] ttl = {fallback.ttl()};
            value(key + ".size", v -> Setting.parseInteger(key + ".size", v), v -> size[0] = v);
            value(key + ".ttl", v -> Setting.parseDuration(key + ".ttl", v), v -> ttl[0] = v);
            return new HistoryOptions(size[0], ttl[0]);
        }

        /** A namespace's rules, each option falling back to {@code fallback}'s. */
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
            value(key + ".presence", v -> Setting.parseBoolean(key + ".presence", v), v -> flags[0] = v);
            value(key + ".join-leave", v -> Setting.parseBoolean(key + ".join-leave", v), v -> flags[1] = v);
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
                    && (isSection(prefix) || prefix.equals("namespaces") || prefix.equals("api-keys"))) {
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

        private static boolean isSection(String prefix) {
            return Settings.ALL.stream().anyMatch(s -> s.key().startsWith(prefix + "."));
        }
    }
}
