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

class FanoutIT {
    private SwitchboardServer server;

    @BeforeEach
    void start() {
        server = SwitchboardServer.start(ServerConfig.builder().host("127.0.0.1").port(0).grpcPort(0).ioThreads(2).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void countsEveryDeliveryAsMembersTimesMessagesAndReportsJson() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new FanoutCommand()).setOut(new PrintWriter(out)).execute(
                "ws://127.0.0.1:" + server.address().getPort(),
                "--subscribers", "20", "--rooms", "2", "--publishers", "2", "--rate", "40",
                "--duration", "2", "--warmup", "1", "--size", "64",
                "--server-pid", Long.toString(ProcessHandle.current().pid()), "--json");

        JsonNode report = Json.mapper().readTree(out.toString());
        assertThat(exit).isZero();
        long published = report.path("published").asLong();
        assertThat(published).isBetween(60L, 100L);
        // Each room has 10 subscribers and its publisher: 11 members receive every message.
        assertThat(report.path("expected_deliveries").asLong()).isEqualTo(published * 11);
        assertThat(report.path("deliveries").asLong()).isEqualTo(published * 11);
        assertThat(report.path("missing").asLong()).isZero();
        assertThat(report.path("errors").asLong()).isZero();
        JsonNode latency = report.path("latency_ms");
        assertThat(latency.path("p50").asDouble()).isPositive()
                .isLessThanOrEqualTo(latency.path("p99").asDouble());
        assertThat(latency.path("p99").asDouble()).isLessThanOrEqualTo(latency.path("max").asDouble());
        assertThat(report.path("server_cpu_seconds").asDouble()).isPositive();
    }

    @Test
    void subscribersOverGrpcReceiveEveryMessageToo() throws Exception {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new FanoutCommand()).setOut(new PrintWriter(out)).execute(
                "ws://127.0.0.1:" + server.address().getPort(), "--subscribe-over", "grpc",
                "--grpc-port", Integer.toString(server.grpcPort()),
                "--subscribers", "20", "--rooms", "2", "--publishers", "2", "--rate", "40",
                "--duration", "2", "--warmup", "1", "--json");

        JsonNode report = Json.mapper().readTree(out.toString());
        assertThat(exit).isZero();
        long published = report.path("published").asLong();
        assertThat(published).isBetween(60L, 100L);
        // 10 gRPC subscribers and the (WebSocket) publisher in each room.
        assertThat(report.path("deliveries").asLong()).isEqualTo(published * 11);
        assertThat(report.path("missing").asLong()).isZero();
        assertThat(report.path("errors").asLong()).isZero();
    }

    @Test
    void refusesATransportItDoesNotKnow() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new FanoutCommand()).setErr(new PrintWriter(err))
                .execute("ws://127.0.0.1:1", "--subscribe-over", "carrier-pigeon");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("websocket or grpc");
    }

    @Test
    void refusesNonsenseCountsWithAUsageError() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new FanoutCommand()).setErr(new PrintWriter(err))
                .execute("ws://127.0.0.1:1", "--rooms", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("must be positive");
    }
}
