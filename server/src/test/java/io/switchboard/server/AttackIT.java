package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.protocol.Json;
import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on the transport: oversized and endless frames, deep JSON, trickled requests, huge
 * headers and compression bombs. Each ends with the attacker cut off, two other clients still
 * chatting and nothing of the attack left on the node.
 */
class AttackIT {
    private static final int MAX_FRAME = 64 * 1024;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    final TestNode node = new TestNode(b -> b.handshakeTimeout(HANDSHAKE_TIMEOUT));

    @RegisterExtension
    final TestNode compressing = new TestNode("compressing", b -> b.compression(true));

    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTrickling() {
        trickler.shutdownNow();
    }

    private void assertHealthy(TestNode target) {
        Chat.stillWorks(target, user -> b -> { });
        Chat.nothingLeft(target);
    }

    @Test
    void aFrameOneByteOverTheLimitIsClosedWith1009() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/mallory"))) {
            ws.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[MAX_FRAME + 1])));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(1009);
        }
        assertHealthy(node);
    }

    @Test
    void endlessOneByteContinuationFramesAreClosedWith1009AtTheLimit() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/mallory"))) {
            ws.write(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("[", StandardCharsets.UTF_8)));
            int sent = 0;
            // Far more than the limit, unless the node hangs up first.
            while (sent < 4 * MAX_FRAME && ws.isOpen()) {
                ws.write(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {' '})));
                if (++sent % 1024 == 0) {
                    ws.flush();
                }
            }
            ws.flush();
            assertThat(ws.closeCode().orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1009);
            assertThat(ws.closeReason()).contains("larger than " + MAX_FRAME);
        }
        assertHealthy(node);
    }

    @Test
    void jsonNested10000DeepIsABadRequestAndTheConnectionStaysUsable() {
        TestClient mallory = node.connect("mallory");
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        mallory.client().sendRaw("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":" + deep + "}");
        JsonNode error = mallory.recorder().awaitFrame(f -> f.path("type").asText().equals("error"));
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(error.path("message").asText()).contains("nested deeper than 32");
        mallory.client().ping().orTimeout(10, TimeUnit.SECONDS).join();
        mallory.client().close();
        assertHealthy(node);
    }

    @Test
    void aRequestTrickledByteByByteIsCutOffAtTheHandshakeTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] request = ("GET /ws/mallory HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nX-Padding: " + "a".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            AtomicInteger next = new AtomicInteger();
            trickler.scheduleAtFixedRate(() -> {
                try {
                    int i = next.getAndIncrement();
                    if (i < request.length) {
                        out.write(request[i]);
                        out.flush();
                    }
                } catch (IOException closedByServer) {
                    trickler.shutdown();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            assertThat(drain(socket.getInputStream())).isEmpty();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).isBetween(HANDSHAKE_TIMEOUT.toMillis() - 200, HANDSHAKE_TIMEOUT.toMillis() + 3_000);
            assertThat(next.get()).isLessThan(request.length);
        }
        assertHealthy(node);
    }

    @Test
    void aLaterRequestAskingToUpgradeThatTricklesItsBodyIsCutOffAtTheHandshakeTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            // The same keep-alive connection: a head asking for h2c, then a body a byte at a time.
            out.write(("POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            AtomicInteger sent = new AtomicInteger();
            trickler.scheduleAtFixedRate(() -> {
                try {
                    if (sent.getAndIncrement() < 200) {
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException closedByServer) {
                    trickler.shutdown();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertThat(drain(socket.getInputStream())).isEmpty();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).isBetween(HANDSHAKE_TIMEOUT.toMillis() - 200, HANDSHAKE_TIMEOUT.toMillis() + 3_000);
        }
        assertHealthy(node);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHandshakeTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(10_000);
            assertThat(drain(socket.getInputStream())).isEmpty();
        }
        assertHealthy(node);
    }

    @Test
    void headersOverTheLimitAre431AndARequestLineOverItIs414() throws IOException {
        String bigHeader = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n";
        assertThat(exchange(bigHeader)).startsWith("HTTP/1.1 431");
        String longLine = "GET /healthz?" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assertThat(exchange(longLine)).startsWith("HTTP/1.1 414");
        assertHealthy(node);
    }

    @Test
    void compressionIsOffByDefault() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/alice"), h -> { }, true)) {
            assertThat(ws.handshakeHeaders().contains("sec-websocket-extensions")).isFalse();
        }
        assertHealthy(node);
    }

    @Test
    void compressedFramesAreServedWhenCompressionIsOn() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(compressing.uri("/ws/alice"), h -> { }, true)) {
            assertThat(ws.handshakeHeaders().get("sec-websocket-extensions")).contains("permessage-deflate");
            ws.send(new TextWebSocketFrame("{\"type\":\"join_room\",\"id\":1,\"room\":\"zipped\"}"));
            ws.send(new TextWebSocketFrame("{\"type\":\"room_message\",\"id\":2,\"room\":\"zipped\",\"content\":\""
                    + "compressible ".repeat(1000) + "\"}"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ws.texts().stream()
                    .anyMatch(t -> t.contains("\"type\":\"message\"")));
            for (String text : ws.texts()) {
                assertThat(Json.mapper().readTree(text).path("type").asText()).isNotEqualTo("error");
            }
        }
        assertHealthy(compressing);
    }

    @Test
    void aDeflateBombIsClosedWith1009() {
        try (RawWebSocket ws = RawWebSocket.open(compressing.uri("/ws/mallory"), h -> { }, true)) {
            // 16 MiB of one byte compresses to about 16 KiB: under the frame limit on the wire.
            ws.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[16 * 1024 * 1024])));
            assertThat(ws.closeCode().orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1009);
        }
        assertHealthy(compressing);
    }

    /** Sends {@code request} on a fresh connection; returns all the node answered before closing. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return drain(socket.getInputStream());
        }
    }

    /**
     * Reads until the node closes the connection. A close with the attacker's bytes still unread
     * on the node's side arrives as a reset, which ends the reading as well.
     */
    private static String drain(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            if (!String.valueOf(reset.getMessage()).contains("reset")) {
                throw reset;
            }
        }
        return read.toString(StandardCharsets.US_ASCII);
    }
}
