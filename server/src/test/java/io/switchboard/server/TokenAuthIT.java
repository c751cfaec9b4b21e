package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
import io.switchboard.protocol.Json;
import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secure mode: a node that checks tokens signed with an HMAC secret, an RSA public key (PEM) or
 * an EC key of a JWKS file, and requires an issuer and an audience. Every forged or unfit token
 * is refused, and the node keeps serving the clients that present good ones.
 */
class TokenAuthIT {
    private static final Duration LEEWAY = Duration.ofSeconds(1);

    @TempDir
    static Path keys;
    static Tokens tokens;

    @RegisterExtension
    final TestNode node = new TestNode(b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(tokens.publicKeyPem()), tokens.jwks(),
                    Tokens.ISSUER, Tokens.AUDIENCE, LEEWAY))
            .connectTimeout(Duration.ofSeconds(1)));

    @BeforeAll
    static void makeKeys() throws IOException {
        tokens = new Tokens(keys);
    }

    private static Consumer<SwitchboardClient.Builder> withToken(String user) {
        return b -> b.token(() -> Tokens.hs256(user));
    }

    private void assertHealthy() {
        Chat.stillWorks(node, TokenAuthIT::withToken);
        Chat.nothingLeft(node);
    }

    @Test
    void aTokenInTheAuthorizationHeaderOpensTheUsersSession() {
        TestClient alice = node.connect("alice", withToken("alice"));
        assertThat(alice.client().connectedFuture().join().userId()).isEqualTo("alice");
        alice.client().close();
        assertHealthy();
    }

    @Test
    void tokensFromEachKindOfKeyAreAccepted() {
        for (String token : List.of(Tokens.hs256("alice"), tokens.rs256("alice"), tokens.es256("alice", Tokens.EC_KID))) {
            TestClient alice = node.connect("alice", b -> b.token(() -> token));
            assertThat(alice.client().connectedFuture().join().userId()).isEqualTo("alice");
            alice.client().close();
        }
        assertHealthy();
    }

    @Test
    void aTokenInTheQueryOpensASessionOnPlainWs() {
        var client = SwitchboardClient.builder(node.uri("/ws?token=" + Tokens.hs256("alice"))).reconnect(false).build();
        try {
            assertThat(client.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("alice");
        } finally {
            client.abort();
        }
        assertHealthy();
    }

    @Test
    void aConnectFrameWithATokenOpensTheSession() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws"))) {
            ws.send(new TextWebSocketFrame("{\"type\":\"connect\",\"id\":7,\"token\":\"" + Tokens.hs256("alice") + "\"}"));
            JsonNode connected = await().atMost(Duration.ofSeconds(10)).until(() -> frame(ws, "connected"), f -> f != null);
            assertThat(connected.path("user_id").asText()).isEqualTo("alice");
            assertThat(connected.path("id").asInt()).isEqualTo(7);
            ws.send(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":8}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> frame(ws, "pong") != null);
        }
        assertHealthy();
    }

    @Test
    void withoutATokenOrConnectFrameTheConnectionClosesWith4001() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws"))) {
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4001);
            assertThat(frame(ws, "disconnect").path("code").asInt()).isEqualTo(4001);
        }
        assertHealthy();
    }

    @Test
    void pingsWhileUnauthenticatedAreBoundedBy4029() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws"))) {
            for (int i = 0; i < 100; i++) {
                ws.write(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
            }
            ws.flush();
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4029);
        }
        assertHealthy();
    }

    @Test
    void aFirstFrameOtherThanConnectClosesWith4001() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws"))) {
            ws.send(new TextWebSocketFrame("{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}"));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4001);
        }
        assertHealthy();
    }

    @Test
    void aConnectFrameWithABadTokenClosesWith4001() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws"))) {
            ws.send(new TextWebSocketFrame("{\"type\":\"connect\",\"token\":\"" + Tokens.unsigned("alice") + "\"}"));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4001);
        }
        assertHealthy();
    }

    static Stream<Arguments> forgedAndUnfitTokens() {
        String past = "expired";
        return Stream.of(
                Arguments.of("alg none", (TokenSource) t -> Tokens.unsigned("alice")),
                Arguments.of("HS256 signed with the RSA public key", (TokenSource) t -> t.hs256WithPublicKey("alice")),
                Arguments.of(past, (TokenSource) t -> Tokens.hs256("alice",
                        c -> c.expirationTime(Date.from(Instant.now().minusSeconds(60))))),
                Arguments.of("not yet valid", (TokenSource) t -> Tokens.hs256("alice",
                        c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600))))),
                Arguments.of("wrong audience", (TokenSource) t -> Tokens.hs256("alice", c -> c.audience("other-service"))),
                Arguments.of("no audience", (TokenSource) t -> Tokens.hs256("alice", c -> c.audience((String) null))),
                Arguments.of("wrong issuer", (TokenSource) t -> Tokens.hs256("alice", c -> c.issuer("https://evil.test"))),
                Arguments.of("no expiry", (TokenSource) t -> Tokens.hs256("alice", c -> c.expirationTime(null))),
                Arguments.of("no subject", (TokenSource) t -> Tokens.hs256("alice", c -> c.subject(null))),
                Arguments.of("bad signature", (TokenSource) t -> Tokens.hs256("alice", "another-secret-another-secret-another-1",
                        null)),
                Arguments.of("tampered payload", (TokenSource) t -> tamper(Tokens.hs256("alice"))),
                Arguments.of("kid path traversal", (TokenSource) t -> t.es256("alice", "../../../../etc/passwd")),
                Arguments.of("kid SQL injection", (TokenSource) t -> t.es256("alice", "' OR '1'='1")),
                Arguments.of("kid URL", (TokenSource) t -> t.es256("alice", "http://127.0.0.1:1/jwks.json")),
                Arguments.of("kid command", (TokenSource) t -> t.es256("alice", "key-1|rm -rf /")),
                Arguments.of("kid with an attacker's HMAC secret", (TokenSource) t -> Tokens.hs256("alice",
                        "attacker-secret-attacker-secret-attacker", "../../dev/null")),
                Arguments.of("not a token", (TokenSource) t -> "not.a.token"),
                Arguments.of("empty", (TokenSource) t -> ""));
    }

    /** Gives a token for the case, from the test's keys. */
    interface TokenSource {
        String token(Tokens tokens);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedAndUnfitTokens")
    void forgedOrUnfitTokensAreRefusedWith401(String name, TokenSource source) {
        String token = source.token(tokens);
        assertThat(RawWebSocket.refusal(node.uri("/ws/alice"),
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))).as(name).isEqualTo(401);
        assertThat(RawWebSocket.refusal(node.uri("/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                h -> { })).as(name).isEqualTo(401);
        assertHealthy();
    }

    @Test
    void eventStreamsAndPollsAuthenticateLikeWebSockets() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (SseStream sse = SseStream.open(http, node.httpUri("/sse?token=" + Tokens.hs256("alice")), -1)) {
            assertThat(sse.response().statusCode()).isEqualTo(200);
            assertThat(sse.await(f -> f.path("type").asText().equals("connected")).data().path("user_id").asText())
                    .isEqualTo("alice");
        }
        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(node.httpUri("/poll"))
                .header("Authorization", "Bearer " + Tokens.hs256("bob")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).contains("\"user_id\":\"bob\"");
        for (String path : List.of("/sse", "/poll", "/poll/bob", "/sse?token=" + Tokens.unsigned("alice"))) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(node.httpUri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
        }
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(node.httpUri("/poll/bob"))
                .header("Authorization", "Bearer " + Tokens.hs256("mallory")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        Chat.stillWorks(node, TokenAuthIT::withToken);
    }

    @Test
    void aTokenForAnotherUserOnTheirPathIsRefusedWith403() {
        assertThat(RawWebSocket.refusal(node.uri("/ws/alice"),
                h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + Tokens.hs256("mallory")))).isEqualTo(403);
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/alice"))) {
            ws.send(new TextWebSocketFrame("{\"type\":\"connect\",\"token\":\"" + Tokens.hs256("mallory") + "\"}"));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4003);
        }
        assertHealthy();
    }

    @Test
    void thePathAloneIdentifiesNobodyInSecureMode() {
        assertThat(RawWebSocket.refusal(node.uri("/sse/alice"), h -> { })).isEqualTo(401);
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/alice"))) {
            // Without a token the path is only a claim: the connect frame must still prove it.
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(4001);
        }
        assertHealthy();
    }

    @Test
    void anExpiredTokenEndsTheConnectionWithDisconnectAnd4001() {
        String shortLived = Tokens.hs256("alice", c -> c.expirationTime(Date.from(Instant.now().plusSeconds(1))));
        TestClient alice = node.connect("alice", b -> b.token(() -> shortLived));
        Events.Closed closed = alice.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(alice.recorder().disconnects()).singleElement().satisfies(d -> {
            assertThat(d.code()).isEqualTo(4001);
            assertThat(d.reason()).contains("expired");
            assertThat(d.reconnect()).isTrue();
        });
        assertHealthy();
    }

    @Test
    void aRefreshedTokenKeepsTheConnectionOpenPastTheOldExpiry() {
        Instant soon = Instant.now().plusSeconds(1);
        TestClient alice = node.connect("alice", b -> b.token(() -> Tokens.hs256("alice",
                c -> c.expirationTime(Date.from(soon)))));
        Instant later = alice.client().refresh(Tokens.hs256("alice")).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(later).isAfter(soon.plusSeconds(600));
        // Past the old expiry and its leeway, the connection still serves commands.
        await().pollDelay(soon.plus(LEEWAY).plusSeconds(1).toEpochMilli() - System.currentTimeMillis(),
                TimeUnit.MILLISECONDS).atMost(Duration.ofSeconds(10)).until(() -> true);
        alice.client().ping().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(alice.client().isOpen()).isTrue();
        assertThat(alice.recorder().disconnects()).isEmpty();
        alice.client().close();
        assertHealthy();
    }

    @Test
    void aRefreshWithABadOrForeignTokenIsRefusedAndChangesNothing() {
        TestClient alice = node.connect("alice", withToken("alice"));
        assertThatThrownBy(() -> alice.client().refresh(Tokens.hs256("mallory")).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SwitchboardException.class)
                .extracting(e -> ((SwitchboardException) e).code()).isEqualTo("forbidden");
        assertThatThrownBy(() -> alice.client().refresh(Tokens.unsigned("alice")).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SwitchboardException.class)
                .extracting(e -> ((SwitchboardException) e).code()).isEqualTo("unauthorized");
        alice.client().ping().orTimeout(10, TimeUnit.SECONDS).join();
        alice.client().close();
        assertHealthy();
    }

    @Test
    void aConnectFrameAfterTheSessionOpenedIsABadRequest() {
        TestClient alice = node.connect("alice", withToken("alice"));
        var command = Json.mapper().createObjectNode().put("type", "connect").put("token", Tokens.hs256("bob"));
        assertThatThrownBy(() -> alice.client().request(command).join())
                .cause().isInstanceOf(SwitchboardException.class)
                .extracting(e -> ((SwitchboardException) e).code()).isEqualTo("bad_request");
        assertThat(alice.client().connectedFuture().join().userId()).isEqualTo("alice");
        alice.client().close();
        assertHealthy();
    }

    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"admin\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static JsonNode frame(RawWebSocket ws, String type) throws IOException {
        for (String text : ws.texts()) {
            JsonNode frame = Json.mapper().readTree(text);
            if (frame.path("type").asText().equals(type)) {
                return frame;
            }
        }
        return null;
    }
}
