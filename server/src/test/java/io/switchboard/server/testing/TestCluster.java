package io.switchboard.server.testing;

import io.switchboard.testing.RedisCluster;
import io.switchboard.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.switchboard.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} on a free port (or a real Redis Cluster of several) and several
 * nodes clustered through it, fresh for each test; the timings are short so that liveness and
 * grace periods pass quickly.
 */
public final class TestCluster implements BeforeEachCallback, AfterEachCallback {
    private final int size;
    private final int masters;
    private final Consumer<ServerConfig.Builder> settings;
    private final List<TestNode> nodes = new ArrayList<>();
    private RedisServer redis;
    private RedisCluster redisCluster;

    public TestCluster(int size) {
        this(size, b -> { });
    }

    /** A cluster whose nodes have some settings changed from the test defaults. */
    public TestCluster(int size, Consumer<ServerConfig.Builder> settings) {
        this(size, 0, settings);
    }

    private TestCluster(int size, int masters, Consumer<ServerConfig.Builder> settings) {
        this.size = size;
        this.masters = masters;
        this.settings = settings;
    }

    /** {@code size} nodes on a Redis Cluster of {@code masters} masters, with some settings changed. */
    public static TestCluster onRedisCluster(int size, int masters, Consumer<ServerConfig.Builder> settings) {
        return new TestCluster(size, masters, settings);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String uri;
        if (masters > 0) {
            redisCluster = RedisCluster.start(masters);
            uri = redisCluster.uris();
        } else {
            redis = RedisServer.start();
            uri = redis.uri();
        }
        for (int i = 0; i < size; i++) {
            TestNode node = new TestNode("node-" + i, b -> {
                b.redisUri(uri)
                        .redisCluster(masters > 0)
                        .heartbeatInterval(Duration.ofMillis(300))
                        .nodeTimeout(Duration.ofMillis(1500))
                        .unsubscribeGrace(Duration.ofMillis(200))
                        .redisCommandTimeout(Duration.ofSeconds(1));
                settings.accept(b);
            });
            node.start();
            nodes.add(node);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (TestNode node : nodes) {
            node.stop();
        }
        nodes.clear();
        if (redis != null) {
            redis.stop();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
    }

    public TestNode node(int index) {
        return nodes.get(index);
    }

    public List<TestNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The one Redis server (of a cluster not on a Redis Cluster). */
    public RedisServer redis() {
        if (redis == null) {
            throw new IllegalStateException("these nodes are on a Redis Cluster: see redisCluster()");
        }
        return redis;
    }

    /** The Redis Cluster (of nodes started with {@link #onRedisCluster}). */
    public RedisCluster redisCluster() {
        if (redisCluster == null) {
            throw new IllegalStateException("these nodes are on one Redis server: see redis()");
        }
        return redisCluster;
    }
}
