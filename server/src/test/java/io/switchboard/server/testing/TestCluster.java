package io.switchboard.server.testing;

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
 * A real {@code redis-server} on a free port and several nodes clustered through it, fresh for
 * each test; the timings are short so that liveness and grace periods pass quickly.
 */
public final class TestCluster implements BeforeEachCallback, AfterEachCallback {
    private final int size;
    private final Consumer<ServerConfig.Builder> settings;
    private final List<TestNode> nodes = new ArrayList<>();
    private RedisServer redis;

    public TestCluster(int size) {
        this(size, b -> { });
    }

    /** A cluster whose nodes have some settings changed from the test defaults. */
    public TestCluster(int size, Consumer<ServerConfig.Builder> settings) {
        this.size = size;
        this.settings = settings;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redis = RedisServer.start();
        for (int i = 0; i < size; i++) {
            TestNode node = new TestNode("node-" + i, b -> {
                b.redisUri(redis.uri())
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
        redis.stop();
    }

    public TestNode node(int index) {
        return nodes.get(index);
    }

    public List<TestNode> nodes() {
        return List.copyOf(nodes);
    }

    public RedisServer redis() {
        return redis;
    }
}
