package io.switchboard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.Json;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GrpcPublishIT {
    private SwitchboardServer server;

    @BeforeEach
    void start() {
        server = SwitchboardServer.start(ServerConfig.builder().host("127.0.0.1").port(0).grpcPort(0).ioThreads(2)
                .apiRate(1_000_000, 1_000_000).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void publishesEveryMessageBothWaysAndReportsJson() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new GrpcPublishCommand()).setOut(new PrintWriter(out)).execute(
                "grpc://127.0.0.1:" + server.grpcPort(), "--messages", "500", "--warmup", "50", "--in-flight", "8",
                "--json");

        assertThat(exit).isZero();
        JsonNode results = Json.mapper().readTree(out.toString());
        assertThat(results).extracting(r -> r.path("mode").asText()).containsExactly("unary", "stream");
        for (JsonNode result : results) {
            assertThat(result.path("messages").asLong()).isEqualTo(500);
            assertThat(result.path("errors").asLong()).isZero();
            assertThat(result.path("messages_per_second").asDouble()).isPositive();
        }
        JsonNode unary = results.get(0);
        assertThat(unary.path("p50_ms").asDouble()).isPositive().isLessThanOrEqualTo(unary.path("p99_ms").asDouble());
        // Warm-up and measured messages of both modes, each with its own offset.
        assertThat(server.node().publishToRoom("bench", null, "1").toCompletableFuture().join().offset())
                .isEqualTo(2 * (500 + 50) + 1);
    }
}
