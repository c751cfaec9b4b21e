package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.SseStream;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tls;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.Security;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS 1.3 and 1.2 only, with ALPN choosing HTTP/2 or HTTP/1.1; WebSocket over TLS on HTTP/1.1. */
class TlsIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.tlsSelfSigned(true).handshakeTimeout(java.time.Duration.ofSeconds(1)));

    @Test
    void grpcIsServedOverTlsToo() throws Exception {
        io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", node.server().grpcPort())
                .sslContext(io.grpc.netty.GrpcSslContexts.forClient()
                        .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build())
                .build();
        try {
            assertThat(io.grpc.health.v1.HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow();
        }
        io.grpc.ManagedChannel plain = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", node.server().grpcPort())
                .usePlaintext().build();
        try {
            assertThatThrownBy(() -> io.grpc.health.v1.HealthGrpc.newBlockingStub(plain).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOf(io.grpc.StatusRuntimeException.class);
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void aClientThatStallsTheTlsHandshakeIsCutOffAtTheHandshakeTimeout() throws Exception {
        for (byte[] sent : new byte[][] {{}, {0x16, 0x03, 0x01}}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(sent);
                long start = System.nanoTime();
                // Nothing comes back but the end of the connection (or an alert), within the timeout.
                socket.getInputStream().readAllBytes();
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(tookMillis).isBetween(800L, 4_000L);
            }
        }
        HttpResponse<String> ok = client(HttpClient.Version.HTTP_1_1, "TLS").send(
                HttpRequest.newBuilder(node.httpsUri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void alpnNegotiatesH2ForAnHttp2ClientAndHttp11ForOthers() throws Exception {
        HttpClient h2 = client(HttpClient.Version.HTTP_2, "TLS");
        HttpResponse<String> viaH2 = h2.send(HttpRequest.newBuilder(node.httpsUri("/api/v1/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaH2.statusCode()).isEqualTo(200);
        assertThat(viaH2.version()).isEqualTo(HttpClient.Version.HTTP_2);

        HttpClient h1 = client(HttpClient.Version.HTTP_1_1, "TLS");
        HttpResponse<String> viaH1 = h1.send(HttpRequest.newBuilder(node.httpsUri("/api/v1/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaH1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

        assertThat(HttpVersionsIT.curl("-k", "--http2", node.httpsUri("/healthz").toString())).isEqualTo("2 200");
        assertThat(HttpVersionsIT.curl("-k", "--http1.1", node.httpsUri("/healthz").toString())).isEqualTo("1.1 200");
    }

    @Test
    void manySseStreamsAndLongPollsShareOneH2Connection() throws Exception {
        HttpClient http = client(HttpClient.Version.HTTP_2, "TLS");
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                streams.add(SseStream.open(http, node.httpsUri("/sse/user-" + i), -1));
            }
            for (SseStream stream : streams) {
                assertThat(stream.response().version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(stream.awaitEvents(1).get(0).data().path("type").asText()).isEqualTo("connected");
            }
            HttpResponse<String> poll = http.send(HttpRequest.newBuilder(node.httpsUri("/poll/poller")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(poll.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(Api.json(poll).path("frames").get(0).path("type").asText()).isEqualTo("connected");
            assertThat(node.server().openConnections()).isEqualTo(1);
        } finally {
            streams.forEach(SseStream::close);
        }
    }

    @Test
    void tls12IsAcceptedAndTls13Used() throws Exception {
        try (SSLSocket socket = (SSLSocket) Tls.trustingEverything("TLSv1.2").getSocketFactory()
                .createSocket("127.0.0.1", node.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
        try (SSLSocket socket = (SSLSocket) Tls.trustingEverything("TLS").getSocketFactory()
                .createSocket("127.0.0.1", node.port())) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void tls11IsRefused() throws Exception {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        // The JDK refuses TLS 1.1 itself; let this client offer it, so that the refusal is the server's.
        Security.setProperty("jdk.tls.disabledAlgorithms", disabled.replace("TLSv1.1,", "").replace("TLSv1,", ""));
        try (SSLSocket socket = (SSLSocket) Tls.trustingEverything("TLSv1.1").getSocketFactory()
                .createSocket("127.0.0.1", node.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        } finally {
            Security.setProperty("jdk.tls.disabledAlgorithms", disabled);
        }
    }

    @Test
    void webSocketWorksOverTls() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = client(HttpClient.Version.HTTP_1_1, "TLS").newWebSocketBuilder()
                .buildAsync(java.net.URI.create("wss://127.0.0.1:" + node.port() + "/ws/alice"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("\"type\":\"connected\"");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    private static HttpClient client(HttpClient.Version version, String protocol) {
        return HttpClient.newBuilder().version(version).sslContext(Tls.trustingEverything(protocol)).build();
    }
}
