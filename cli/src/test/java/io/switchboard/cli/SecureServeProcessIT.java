package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.HandshakeRejectedException;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged jar in secure mode, set up with flags only, and its development tokens. */
class SecureServeProcessIT {
    private static final String SECRET = "cli-secret-cli-secret-cli-secret-0123456";
    private static final String KEY = "backend-key-0123456789abcdef";

    private NodeProcess node;

    @AfterEach
    void killLeftovers() {
        if (node != null) {
            node.close();
        }
    }

    private static String mint(String... args) throws Exception {
        try (NodeProcess token = NodeProcess.launch(args)) {
            assertThat(token.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> out = token.outputAfterExit();
            assertThat(token.process().exitValue()).as("%s", out).isZero();
            return out.get(out.size() - 1);
        }
    }

    @Test
    void tokensFromTheTokenCommandOpenSessionsAndGrantPrivateRooms() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0", "--jwt-secret", SECRET,
                "--api-key", "backend=" + KEY, "--namespace", "news:publish=server");
        int port = node.awaitPort();
        assertThat(node.output()).noneMatch(line -> line.contains("INSECURE MODE"));

        String vip = mint("token", "--user", "alice", "--secret", SECRET, "--ttl", "1h", "--rooms", "$vip:*");
        SwitchboardClient alice = SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .token(() -> vip).reconnect(false).build();
        String plain = mint("token", "--user", "bob", "--secret", SECRET);
        SwitchboardClient bob = SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/bob"))
                .token(() -> plain).reconnect(false).build();
        try {
            assertThat(alice.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("alice");
            alice.join("$vip:lounge").orTimeout(10, TimeUnit.SECONDS).join();
            bob.connect().orTimeout(10, TimeUnit.SECONDS).join();
            assertThatThrownBy(() -> bob.join("$vip:lounge").join()).cause().isInstanceOf(SwitchboardException.class);
            bob.join("news:today").orTimeout(10, TimeUnit.SECONDS).join();
            assertThatThrownBy(() -> bob.publish("news:today", "x").join()).cause()
                    .isInstanceOf(SwitchboardException.class);
        } finally {
            alice.abort();
            bob.abort();
        }

        SwitchboardClient pathOnly = SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/mallory?token=x"))
                .reconnect(false).build();
        assertThatThrownBy(() -> pathOnly.connect().join()).cause().isInstanceOf(HandshakeRejectedException.class);
        pathOnly.abort();

        HttpClient http = HttpClient.newHttpClient();
        URI publish = URI.create("http://127.0.0.1:" + port + "/api/v1/rooms/news:today/messages");
        HttpRequest.Builder request = HttpRequest.newBuilder(publish).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"headline\"}"));
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(http.send(request.header("X-API-Key", KEY).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(201);
    }

    @Test
    void aShortSecretStopsStartUpNamingIt() throws Exception {
        node = NodeProcess.launch("serve", "--port", "0", "--jwt-secret", "too-short");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("invalid setting 'jwt.secrets'"));
    }

    @Test
    void aBadApiKeyOrNamespaceFlagStopsStartUpNamingIt() throws Exception {
        node = NodeProcess.launch("serve", "--port", "0", "--api-key", "no-equals-sign");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("invalid setting 'api-keys'"));
        node = NodeProcess.launch("serve", "--port", "0", "--namespace", "news:publish=everyone");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("invalid setting 'namespaces.news.publish'"));
    }

    @Test
    void theTokenCommandRefusesAShortSecret() throws Exception {
        try (NodeProcess token = NodeProcess.launch("token", "--user", "alice", "--secret", "short")) {
            assertThat(token.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(token.process().exitValue()).isEqualTo(2);
            assertThat(token.outputAfterExit()).anyMatch(line -> line.contains("at least 32 bytes"));
        }
    }
}
