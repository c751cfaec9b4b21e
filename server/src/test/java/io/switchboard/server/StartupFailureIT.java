package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.ServerConfig;
import io.switchboard.testing.RedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that cannot start leaves nothing behind: whatever step fails (the TLS certificate, the
 * HTTP port, the gRPC port), its Redis connections are closed, its ports free and its event loop
 * threads gone, so that a supervisor can retry in the same process.
 */
class StartupFailureIT {
    private RedisServer redis;
    private Set<Thread> threadsBefore;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        threadsBefore = ioThreads();
    }

    @AfterEach
    void stop() {
        redis.stop();
    }

    private static Set<Thread> ioThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("switchboard-io") && t.isAlive())
                .collect(Collectors.toSet());
    }

    private ServerConfig config(Consumer<ServerConfig.Builder> settings) {
        ServerConfig.Builder builder = ServerConfig.builder().host("127.0.0.1").port(0).grpcPort(0).ioThreads(2)
                .nodeId("failing").redisUri(redis.uri());
        settings.accept(builder);
        return builder.build();
    }

    /** Only the asking connection is left on Redis, and no event loop thread of the node lives on. */
    private void assertNothingLeft() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String clients = (String) redis.command("CLIENT", "LIST");
            assertThat(clients.strip().split("\n")).as(clients).hasSize(1);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<Thread> left = ioThreads();
            left.removeAll(threadsBefore);
            assertThat(left).isEmpty();
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnusableCertificateClosesRedisAndTheLoops(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
        assertThatThrownBy(() -> SwitchboardServer.start(config(b -> b.tls(cert, key))))
                .hasMessageContaining("TLS");
        assertNothingLeft();
    }

    @Test
    void aTakenHttpPortClosesRedisAndTheLoops() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> SwitchboardServer.start(config(b -> b.port(taken.getLocalPort()))))
                    .hasMessageContaining("in use");
        }
        assertNothingLeft();
    }

    @Test
    void aTakenGrpcPortAlsoFreesTheHttpPort() throws IOException {
        int httpPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> SwitchboardServer.start(config(b -> b.port(httpPort).grpcPort(taken.getLocalPort()))))
                    .hasStackTraceContaining("in use");
        }
        assertNothingLeft();
        // The same node starts on the same ports once they are free.
        SwitchboardServer server = SwitchboardServer.start(config(b -> b.port(httpPort)));
        try {
            assertThat(server.address().getPort()).isEqualTo(httpPort);
        } finally {
            server.close();
        }
    }
}
