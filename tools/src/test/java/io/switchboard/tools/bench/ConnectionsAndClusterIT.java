package io.switchboard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.Json;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.testing.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code connections} and {@code cluster} scenarios against live nodes, with small numbers. */
class ConnectionsAndClusterIT {
    private final List<SwitchboardServer> servers = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() {
        servers.forEach(SwitchboardServer::close);
        if (redis != null) {
            redis.stop();
        }
    }

    private SwitchboardServer start(ServerConfig.Builder builder) {
        SwitchboardServer server = SwitchboardServer.start(builder.host("127.0.0.1").port(0).grpcPort(-1).ioThreads(2)
                .build());
        servers.add(server);
        return server;
    }

    @Test
    void connectionsOpensHoldsAndReportsServerMemoryPerConnection() throws Exception {
        SwitchboardServer server = start(ServerConfig.builder());
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new ConnectionsCommand()).setOut(new PrintWriter(out)).execute(
                "ws://127.0.0.1:" + server.address().getPort(), "--connections", "300", "--hold", "2",
                "--baseline", "1", "--source-addresses", "3", "--json");
        assertThat(exit).isZero();
        JsonNode report = Json.mapper().readTree(out.toString());
        assertThat(report.path("opened").asLong()).isEqualTo(300);
        assertThat(report.path("failed").asLong()).isZero();
        assertThat(report.path("server_connections").asDouble()).isEqualTo(300);
        assertThat(report.path("heap_bytes_before").asDouble()).isPositive();
        assertThat(report.path("heap_bytes_after").asDouble()).isPositive();
        JsonNode connect = report.path("connect_ms");
        assertThat(connect.path("p50").asDouble()).isPositive().isLessThanOrEqualTo(connect.path("max").asDouble());
    }

    @Test
    void withoutMetricsTheConnectionsAreStillMeasured() throws Exception {
        SwitchboardServer server = start(ServerConfig.builder());
        StringWriter out = new StringWriter();
        int port = server.address().getPort();
        int exit = new CommandLine(new ConnectionsCommand()).setOut(new PrintWriter(out)).execute(
                "ws://127.0.0.1:" + port, "--connections", "20", "--hold", "1", "--baseline", "1",
                "--metrics", "http://127.0.0.1:" + port + "/not-metrics", "--json");
        assertThat(exit).isZero();
        JsonNode report = Json.mapper().readTree(out.toString());
        assertThat(report.path("opened").asLong()).isEqualTo(20);
        assertThat(report.path("bytes_per_connection").isNull()).isTrue();
    }

    @Test
    void clusterSpreadsClientsOverNodesAndCountsEveryDelivery() throws Exception {
        redis = RedisServer.start();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SwitchboardServer node = start(ServerConfig.builder().nodeId("bench-node-" + i).redisUri(redis.uri())
                    .heartbeatInterval(Duration.ofMillis(300)).nodeTimeout(Duration.ofMillis(1500)));
            urls.add("ws://127.0.0.1:" + node.address().getPort());
        }
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(urls);
        args.addAll(List.of("--subscribers", "20", "--rooms", "2", "--publishers", "2", "--rate", "40",
                "--duration", "2", "--warmup", "1", "--json"));
        int exit = new CommandLine(new ClusterCommand()).setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));
        assertThat(exit).isZero();
        JsonNode report = Json.mapper().readTree(out.toString());
        assertThat(report.path("scenario").asText()).isEqualTo("cluster");
        long published = report.path("published").asLong();
        assertThat(published).isBetween(60L, 100L);
        assertThat(report.path("deliveries").asLong()).isEqualTo(published * 11);
        assertThat(report.path("missing").asLong()).isZero();
        // Both nodes wrote to clients of their own.
        for (SwitchboardServer server : servers) {
            assertThat(server.metrics().registry().get("switchboard.deliveries").functionCounter().count()).isPositive();
        }
        StringWriter err = new StringWriter();
        assertThat(new CommandLine(new ClusterCommand()).setErr(new PrintWriter(err)).execute(urls.get(0))).isEqualTo(2);
        assertThat(err.toString()).contains("at least two nodes");
    }
}
