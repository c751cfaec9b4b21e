package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.history.HistoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings from a file, the environment and flags, in that order of precedence, and every error named. */
class ConfigTreeTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path file = dir.resolve("switchboard.yml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theExampleDeploymentIsValid() {
        ServerConfig config = ConfigTree.read(Path.of("..", "config", "example.yml"))
                .applyEnvironment(Map.of("SWITCHBOARD_NODE_ID", "sb-1",
                        "SWITCHBOARD_JWT_SECRETS", "0123456789abcdef0123456789abcdef,fedcba9876543210fedcba9876543210",
                        "SWITCHBOARD_API_KEYS", "backend=backend-key-0123456789,ops=ops-key-0123456789ab"))
                .builder().build();
        assertThat(config.network().nodeId()).isEqualTo("sb-1");
        assertThat(config.cluster().redisUri()).isEqualTo("redis://redis.internal:6379");
        assertThat(config.security().jwt().hmacSecrets()).hasSize(2);
        assertThat(config.security().jwt().issuer()).isEqualTo("https://auth.example.com");
        assertThat(config.security().apiKeys()).containsOnlyKeys("backend", "ops");
        assertThat(config.rooms().policy("news:world").publish()).isEqualTo(RoomPolicy.Publish.SERVER);
        assertThat(config.history().forRoom("news:world")).isEqualTo(new HistoryOptions(1000, Duration.ofHours(1)));
        assertThat(config.rooms().policy("board:x").publish()).isEqualTo(RoomPolicy.Publish.ANYONE);
        assertThat(config.rooms().policy("lobby")).isEqualTo(RoomPolicy.DEFAULT);
        assertThat(config.security().allowedOrigins()).containsExactly("https://chat.example.com", "https://admin.example.com");
        assertThat(config.grpc().port()).isEqualTo(9090);
        assertThat(config.network().drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.security().metricsRequireApiKey()).isTrue();
    }

    @Test
    void theEnvironmentOverridesTheFileAndFlagsOverrideBoth() throws IOException {
        Path file = file("port: 7000\nnode-id: from-file\nhistory:\n  size: 10\nping-interval: 20s\n");
        ConfigTree tree = ConfigTree.read(file).applyEnvironment(Map.of(
                "SWITCHBOARD_PORT", "7001", "SWITCHBOARD_HISTORY_SIZE", "20", "SWITCHBOARD_ALLOWED_ORIGINS",
                "https://a.example,https://b.example", "UNRELATED", "x"));
        tree.set("port", "7002");
        ServerConfig config = tree.builder().build();
        assertThat(config.network().port()).isEqualTo(7002);
        assertThat(config.network().nodeId()).isEqualTo("from-file");
        assertThat(config.history().rooms().size()).isEqualTo(20);
        assertThat(config.history().rooms().ttl()).isEqualTo(HistoryOptions.DEFAULT.ttl());
        assertThat(config.connections().pingInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.security().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void nothingGivenIsEveryDefault() {
        // Equal but for the node id, which is random when not given.
        assertThat(ConfigTree.empty().builder().build().toString().replaceAll("node-id=[^,]*", "node-id=?"))
                .isEqualTo(ServerConfig.builder().build().toString().replaceAll("node-id=[^,]*", "node-id=?"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "histroy:\\n  size: 5                  | histroy.size",
        "port: seventy                         | port",
        "port: 70000                           | port",
        "ping-interval: 10 parsecs             | ping-interval",
        "compression: maybe                    | compression",
        "history:\\n  size: lots               | history.size",
        "namespaces:\\n  news:\\n    publish: everyone | namespaces.news.publish",
        "namespaces:\\n  news:\\n    colour: red | namespaces.news.colour",
        "jwt:\\n  secrets: [short]             | jwt.secrets",
        "api-keys:\\n  backend: tiny            | api-keys",
        "allowed-origins: [ftp://x]            | allowed-origins",
        "grpc:\\n  port: 8080                  | grpc.port",
        "tls:\\n  cert: /nonexistent.pem\\n  key: /nonexistent.key | tls.cert",
        "transport: carrier-pigeon            | transport",
        "redis: http://redis:6379             | redis",
        "redis: 'redis://a:6379,http://b'     | redis",
        "redis: 'redis://a:6379,redis://a'    | redis",
        "redis-cluster: true                   | redis-cluster",
        "redis-cluster: sometimes              | redis-cluster",
        "redis: redis://a:7000\\nredis-cluster: true\\nredis-prefix: sb{1} | redis-prefix",
        "metrics:\\n  require-api-key: true    | metrics.require-api-key",
        "metrics:\\n  require-api-key: perhaps | metrics.require-api-key",
    })
    void anInvalidSettingIsNamed(String yaml, String setting) throws IOException {
        Path file = file(yaml.replace("\\n", "\n"));
        assertThatThrownBy(() -> ConfigTree.read(file).builder().build())
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).setting()).isEqualTo(setting))
                .hasMessageStartingWith("invalid setting '" + setting + "'");
    }

    @Test
    void aFileThatIsNotYamlOrNotThereIsNamed() throws IOException {
        assertThatThrownBy(() -> ConfigTree.read(file("port: [1, 2")).builder())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigTree.read(dir.resolve("missing.yml")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("no file");
    }

    @Test
    void theEffectiveConfigurationReadsBackTheSameAndHidesSecrets() throws IOException {
        // Without API keys (a description hides them, so they cannot be read back), /metrics cannot need one.
        ServerConfig config = ConfigTree.read(Path.of("..", "config", "example.yml"))
                .applyEnvironment(Map.of("SWITCHBOARD_NODE_ID", "sb-2", "SWITCHBOARD_METRICS_REQUIRE_API_KEY", "false"))
                .builder().build();
        String described = ConfigTree.describe(config);
        ServerConfig again = ConfigTree.read(file(described)).builder().build();
        assertThat(again.toString()).isEqualTo(config.toString());

        ServerConfig secret = ConfigTree.empty().set("jwt.secrets", "0123456789abcdef0123456789abcdef")
                .apiKey("backend", "backend-key-0123456789").builder().build();
        String shown = ConfigTree.describe(secret);
        assertThat(shown).doesNotContain("0123456789abcdef0123456789abcdef").doesNotContain("backend-key-0123456789")
                .contains("backend: (hidden)");
    }

    @Test
    void emptySectionsAndDottedKeyNamesAreFine() throws IOException {
        ServerConfig config = ConfigTree.read(file("jwt:\nnamespaces: {}\napi-keys:\n  ci.bot: ci-bot-key-0123456789\n"))
                .apiKey("ops.team", "ops-team-key-0123456789").builder().build();
        assertThat(config.security().apiKeys()).containsOnlyKeys("ci.bot", "ops.team");
        assertThat(config.security().jwt().configured()).isFalse();
    }

    @Test
    void aRedisPasswordNeverShows() {
        assertThat(RedisUris.redacted("redis://:s3cret@redis.internal:6379")).isEqualTo("redis://:***@redis.internal:6379");
        assertThat(RedisUris.redacted("rediss://app:s3cret@redis:6380/0")).isEqualTo("rediss://app:***@redis:6380/0");
        assertThat(RedisUris.redacted("redis://redis:6379")).isEqualTo("redis://redis:6379");
        assertThat(RedisUris.redacted("redis://:a@r1:6379,rediss://u:b@r2:6380"))
                .isEqualTo("redis://:***@r1:6379,rediss://u:***@r2:6380");
        ServerConfig config = ConfigTree.empty().set("redis", "redis://:s3cret@redis:6379").builder().build();
        assertThat(ConfigTree.describe(config)).contains("redis://:***@redis:6379").doesNotContain("s3cret");
    }

    @Test
    void aBareNumberOfSecondsIsADuration() {
        assertThat(Setting.parseDuration("x", "120")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Setting.parseDuration("x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Setting.parseDuration("x", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(List.of("1.5s", "-1s", "s", "")).allSatisfy(bad ->
                assertThatThrownBy(() -> Setting.parseDuration("x", bad)).isInstanceOf(InvalidConfigException.class));
    }
}
