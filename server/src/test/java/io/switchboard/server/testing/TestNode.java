package io.switchboard.server.testing;

import static org.awaitility.Awaitility.await;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.hub.HubStats;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real node on a free loopback port for each test, and the clients the test opens against it;
 * all closed after the test. Register with {@code @RegisterExtension}.
 */
public final class TestNode implements BeforeEachCallback, AfterEachCallback {
    private final Consumer<ServerConfig.Builder> settings;
    private final String nodeId;
    private final List<SwitchboardClient> clients = new CopyOnWriteArrayList<>();
    private SwitchboardServer server;
    private int lastPort;

    public TestNode() {
        this(b -> { });
    }

    /** A node named {@code nodeId} with some settings changed from the test defaults. */
    public TestNode(String nodeId, Consumer<ServerConfig.Builder> settings) {
        this.nodeId = nodeId;
        this.settings = settings;
    }

    /** A node with some settings changed from the test defaults. */
    public TestNode(Consumer<ServerConfig.Builder> settings) {
        this("test-node", settings);
    }

    /** {@code https://127.0.0.1:PORT} followed by {@code path}. */
    public URI httpsUri(String path) {
        return URI.create("https://127.0.0.1:" + port() + path);
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /** Starts the node (done before each test when registered as an extension). */
    public void start() {
        start(0);
    }

    /**
     * Starts the node again after {@link #stop()}, on the port it had: what clients see when a
     * server restarts (same id, same address, same settings).
     */
    public void startAgain() {
        if (lastPort == 0) {
            throw new IllegalStateException("the node never ran");
        }
        start(lastPort);
    }

    private void start(int port) {
        ServerConfig.Builder builder = ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .nodeId(nodeId)
                .grpcPort(0)
                .ioThreads(2);
        settings.accept(builder);
        if (port != 0) {
            builder.port(port);
        }
        server = SwitchboardServer.start(builder.build());
        lastPort = server.address().getPort();
    }

    /** Drops every client this node's test opened, then stops the node. */
    public void stop() {
        for (SwitchboardClient client : clients) {
            client.abort();
        }
        clients.clear();
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public SwitchboardServer server() {
        return server;
    }

    public int port() {
        return server.address().getPort();
    }

    /** {@code ws://127.0.0.1:PORT} followed by {@code path}. */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** A connected client for {@code user} on {@code /ws/{user}}. */
    public TestClient connect(String user) {
        return connect(user, b -> { });
    }

    /** A connected client for {@code user}, with some client options changed. */
    public TestClient connect(String user, Consumer<SwitchboardClient.Builder> options) {
        TestClient client = open(user, options);
        client.client().connect().orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    /** A client for {@code user} that has not connected yet. */
    public TestClient open(String user, Consumer<SwitchboardClient.Builder> options) {
        Recorder recorder = new Recorder();
        SwitchboardClient.Builder builder = SwitchboardClient.builder(
                uri("/ws/" + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20")))
                .listener(recorder)
                // Tests of server behaviour see each connection end; recovery tests turn this on.
                .reconnect(false);
        options.accept(builder);
        SwitchboardClient client = builder.build();
        clients.add(client);
        return new TestClient(user, client, recorder);
    }

    /** The hub's counts now. */
    public HubStats hubStats() {
        return server.hub().stats().orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** Waits until the hub holds no session and no room. */
    public void awaitHubEmpty() {
        await().atMost(Duration.ofSeconds(10)).until(this::hubStats, s -> s.equals(new HubStats(0, 0, 0)));
    }
}
